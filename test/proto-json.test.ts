// ProtoJSON as `h2grpc call` reads and prints it, against buf curl's (Go protojson) over a table of inputs covering
// every rule: what one rejects the other rejects, and what both accept prints the same.
import t from 'tap';
import { protoSchema } from '../src/cli/cli-schema.js';
import { LocalError } from '../src/cli/errors.js';
import { ProtoJson } from '../src/cli/proto-json.js';
import { Server } from '../src/index.js';
import { KitchenService, type KitchenInit } from './fixtures/codegen/gen/kitchen.js';
import { BUF, commandWorks, havePeer, run } from './peers.js';

const DIR = 'test/fixtures/codegen';
const schema = protoSchema([`${DIR}/kitchen.proto`], [DIR]);
const json = new ProtoJson(schema.registry);
const Kitchen = json.message('kitchen.v1.Kitchen');

/** [what the row checks, the request JSON, whether it is valid ProtoJSON for kitchen.v1.Kitchen]. */
const ROWS: Array<[string, string, boolean]> = [
  ['a field by its JSON name', '{"scalars": {"fInt32": 1}}', true],
  ['a field by its proto name', '{"scalars": {"f_int32": 1}}', true],
  ['an unknown field', '{"nope": 1}', false],
  ['a string for an int32', '{"scalars": {"fInt32": "abc"}}', false],
  ['an int32 as a numeric string', '{"scalars": {"fInt32": "5"}}', true],
  ['a non-integral int32', '{"scalars": {"fInt32": 2.7}}', false],
  ['an integral number with a fraction part', '{"scalars": {"fInt32": 1.0}}', true],
  ['an integral number in exponent form', '{"scalars": {"fInt32": 1e2}}', true],
  ['int32 above its range', '{"scalars": {"fInt32": 2147483648}}', false],
  ['int32 at its minimum', '{"scalars": {"fInt32": -2147483648}}', true],
  ['uint32 negative', '{"scalars": {"fUint32": -1}}', false],
  ['uint32 at its maximum', '{"scalars": {"fUint32": 4294967295}}', true],
  ['uint32 above its range', '{"scalars": {"fUint32": 4294967296}}', false],
  ['int64 at its maximum, as a string', '{"scalars": {"fInt64": "9223372036854775807"}}', true],
  ['int64 above its range', '{"scalars": {"fInt64": "9223372036854775808"}}', false],
  ['int64 as a number past 2^53', '{"scalars": {"fInt64": 9007199254740993}}', true],
  ['uint64 at its maximum', '{"scalars": {"fUint64": "18446744073709551615"}}', true],
  ['sint64 at its minimum', '{"scalars": {"fSint64": "-9223372036854775808"}}', true],
  ['fixed64 negative', '{"scalars": {"fFixed64": -1}}', false],
  ['sfixed32 as a string', '{"scalars": {"fSfixed32": "-7"}}', true],
  ['an int64 string that is not a number', '{"scalars": {"fInt64": "12x"}}', false],
  ['float NaN', '{"scalars": {"fFloat": "NaN"}}', true],
  ['double Infinity', '{"scalars": {"fDouble": "Infinity"}}', true],
  ['double -Infinity', '{"scalars": {"fDouble": "-Infinity"}}', true],
  ['a double as a string', '{"scalars": {"fDouble": "1.5"}}', true],
  ['float beyond its range', '{"scalars": {"fFloat": 3.5e38}}', false],
  ['a bool as a string', '{"scalars": {"fBool": "true"}}', false],
  ['a number for a string', '{"scalars": {"fString": 1}}', false],
  ['bytes in base64', '{"scalars": {"fBytes": "aGk="}}', true],
  ['bytes in URL-safe base64', '{"scalars": {"fBytes": "-_8="}}', true],
  ['bytes not in base64', '{"scalars": {"fBytes": "!!!"}}', false],
  ['an enum by name', '{"mood": "HAPPY"}', true],
  ['an enum by number', '{"mood": 1}', true],
  ['an enum name it does not have', '{"mood": "SAD"}', false],
  ['an open enum number it does not name', '{"mood": 9}', true],
  ['an enum from another package', '{"color": "GREEN"}', true],
  ['a oneof member', '{"text": "a"}', true],
  ['two members of one oneof', '{"text": "a", "point": {"x": 1}}', false],
  ['a proto3 optional field at zero', '{"maybe": 0}', true],
  ['a map with 64-bit keys', '{"labels": {"5": "five", "-3": "minus"}}', true],
  ['a map key that is not a number', '{"labels": {"x": "y"}}', false],
  ['a map of messages by JSON name', '{"byName": {"a": {"count": "3"}}}', true],
  ['a repeated 64-bit field, strings and numbers', '{"ids": ["1", 2]}', true],
  ['a repeated field given one value', '{"ids": 1}', false],
  ['a repeated message with a wrong member', '{"items": [{"name": "a"}, {"name": 2}]}', false],
  ['null for a field (its default)', '{"scalars": null, "mood": null}', true],
  ['a Timestamp in RFC 3339', '{"at": "2024-02-29T12:30:00.5Z"}', true],
  ['a Timestamp with an offset', '{"at": "2024-02-29T12:30:00+01:00"}', true],
  ['a Timestamp that is not one', '{"at": "yesterday"}', false],
  ['a Duration', '{"took": "1.5s"}', true],
  ['a Duration without its unit', '{"took": "1.5"}', false],
  ['a wrapper as its bare value', '{"big": "9"}', true],
  ['a Struct as plain JSON', '{"doc": {"a": [1, "x", null, {"b": true}]}}', true],
  ['a Value as a bare number', '{"value": 3}', true],
  ['a FieldMask as camelCase paths', '{"mask": "a.b,cD"}', true],
  ['an Any with a known @type', '{"extra": {"@type": "type.googleapis.com/shapes.common.Point", "x": 2}}', true],
  ['an Any with an unknown @type', '{"extra": {"@type": "type.googleapis.com/no.Such", "x": 2}}', false],
  ['an array instead of an object', '[1, 2]', false],
  ['the same key twice', '{"mood": "HAPPY", "mood": "GRUMPY"}', false],
  ['one field by both its names', '{"scalars": {"fInt32": 1, "f_int32": 2}}', false],
  ['malformed JSON', '{"mood": }', false],
];

/** Ours: the request encoded (or the error), and what we print for it. */
function ours(input: string): { ok: true; printed: unknown } | { ok: false; error: string } {
  try {
    const [bytes] = json.encode(Kitchen, input, '-d');
    return { ok: true, printed: JSON.parse(json.decode(Kitchen, bytes!)) };
  } catch (err) {
    if (err instanceof LocalError) return { ok: false, error: err.message };
    throw err;
  }
}

t.test(`${ROWS.length} inputs: the rule each row states holds for us`, async (t) => {
  t.ok(ROWS.length >= 40);
  for (const [what, input, valid] of ROWS) {
    const result = ours(input);
    t.equal(result.ok, valid, `${what}: ${input}${result.ok ? '' : ` -> ${result.error}`}`);
    if (!result.ok) t.match(result.error, /^-d: line \d+, column \d+: /, `${what}: the error gives the position`);
  }
});

t.test('errors name the field, the expected type and the position', async (t) => {
  const error = (input: string) => (ours(input) as { error: string }).error;
  t.equal(error('{\n  "scalars": {\n    "fInt32": "abc"\n  }\n}'), '-d: line 3, column 15: cannot decode field kitchen.v1.Scalars.f_int32 from JSON: expected number (int32), got "abc"');
  t.equal(error('{"nope": 1}'), '-d: line 1, column 2: cannot decode message kitchen.v1.Kitchen from JSON: key "nope" is unknown');
  t.equal(error('{"items": [{"name": "a"}, {"name": 2}]}'), '-d: line 1, column 36: cannot decode field kitchen.v1.Kitchen.Item.name from JSON: expected string, got 2');
  t.equal(error('{"ids": ["1", "x"]}'), '-d: line 1, column 15: cannot decode field kitchen.v1.Kitchen.ids from JSON: list item #2: expected bigint (int64): x out of range');
  t.equal(error('{"mood": "HAPPY", "mood": "GRUMPY"}'), '-d: line 1, column 19: not valid JSON: the key "mood" appears twice in one object');
  t.equal(error('{"scalars": {"fInt32": 1, "f_int32": 2}}'), '-d: line 1, column 27: "f_int32" and "fInt32" are the same field kitchen.v1.Scalars.f_int32');
  t.equal(error('[1, 2]'), '-d: line 1, column 1: cannot decode message kitchen.v1.Kitchen from JSON: expected an object, got an array');
  const unknownAllowed = new ProtoJson(schema.registry, { allowUnknownFields: true });
  t.equal(unknownAllowed.encode(Kitchen, '{"nope": 1, "mood": "HAPPY"}', '-d').length, 1, '--allow-unknown-fields');
});

t.test('printing: lowerCamelCase names, defaults left out unless asked, 64-bit integers as strings', async (t) => {
  const [bytes] = json.encode(Kitchen, '{"scalars": {"f_int64": 5, "f_int32": 0}, "by_name": {"a": {}}}', '-d');
  t.same(JSON.parse(json.decode(Kitchen, bytes!)), { scalars: { fInt64: '5' }, byName: { a: {} } });
  const all = JSON.parse(new ProtoJson(schema.registry, { emitDefaults: true }).decode(Kitchen, bytes!));
  t.equal(all.scalars.fInt32, 0, '--emit-defaults');
  t.equal(all.mood, 'MOOD_UNSPECIFIED');
  t.same(all.items, []);
  t.equal(all.scalars.fUint64, '0');
  t.equal(all.at, null, '--emit-defaults: an unset message field is null, as grpcurl (jsonpb) prints it');
  t.equal(all.extra, null);
  t.notOk('point' in all, 'an unset oneof member is left out');
  t.notOk('maybe' in all, 'an unset proto3 optional field is left out');
  t.notOk('at' in JSON.parse(json.decode(Kitchen, bytes!)), 'without --emit-defaults, left out');
});

t.test('buf curl agrees on every row: the same accepted and rejected, the same printed', async (t) => {
  const buf = BUF;
  if (!havePeer(t, commandWorks(buf, ['--version']), 'buf curl', 'npm package @bufbuild/buf')) return;
  const server = new Server().addService(KitchenService, { Put: (request) => request as KitchenInit });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  for (const [what, input] of ROWS) {
    const theirs = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--schema', DIR, '-d', input, `http://127.0.0.1:${port}/kitchen.v1.KitchenService/Put`]);
    const mine = ours(input);
    t.equal(theirs.status === 0, mine.ok, `${what}: ${input} (buf curl: ${theirs.status === 0 ? 'accepted' : theirs.stderr.trim().split('\n').pop()})`);
    if (theirs.status === 0 && mine.ok) t.same(mine.printed, JSON.parse(theirs.stdout || '{}'), `${what}: printed alike`);
  }
});
