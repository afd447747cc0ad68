// DATA octets down to the protobuf field: gRPC message prefixes, messages that straddle DATA frames, compressed
// messages, every wire type, nested messages, maps and packed fields, with and without the schema.
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { descriptorsOf, registryOf } from '../src/codegen/descriptors.js';
import { loadProtos } from '../src/codegen/proto-files.js';
import { formatAnnotations } from '../src/trace/decode/annotate.js';
import { annotateProtobuf, MessageOctets, traceSchema } from '../src/trace/decode/message-octets.js';
import { frameMessage } from '../src/grpc/index.js';
import { KitchenService } from './fixtures/codegen/gen/kitchen.js';

const DIR = 'test/fixtures/codegen';
const loaded = loadProtos([`${DIR}/kitchen.proto`], [DIR]);
const schema = traceSchema(registryOf(descriptorsOf(loaded.files)));
const PATH = '/kitchen.v1.KitchenService/Put';
const encode = (m: unknown) => KitchenService.methods.Put!.serialize(m);
const notes = (annotations: Array<{ note: string }>) => annotations.map((a) => a.note.trim());

t.test('a whole message in one DATA frame, field by field with names and values', async (t) => {
  const octets = new MessageOctets(schema);
  octets.headers(1, 'out', [[':path', PATH]]);
  const body = encode({ scalars: { f_int32: -1, f_sint64: -3, f_string: 'hi', f_double: 1.5, f_fixed32: 7, f_bool: true }, mood: 'GRUMPY', ids: [1, 300], labels: { '5': 'five' }, items: [{ name: 'a' }] });
  const text = notes(octets.data(1, 'out', frameMessage(body), true));
  t.same(text.slice(0, 3), ['gRPC message 1: compressed flag 0 (not compressed)', `message length ${body.length}`, 'message 1: kitchen.v1.Kitchen']);
  t.ok(text.includes('tag: field 1 scalars, wire type 2 (length-delimited)'));
  t.ok(text.includes('varint -1'), 'int32 -1 as a 10-octet varint, read back signed');
  t.ok(text.includes('varint -3 (zigzag)'), 'sint64');
  t.ok(text.includes('"hi"'), 'a string');
  t.ok(text.includes('fixed 1.5'), 'a double');
  t.ok(text.includes('fixed 7'), 'fixed32');
  t.ok(text.includes('varint true'), 'bool');
  t.ok(text.includes('varint 2 = GRUMPY'), 'an enum by name');
  t.ok(text.includes('length 3 (packed values)') && text.includes('1') && text.includes('300'), 'packed repeated int64');
  t.ok(text.includes('length 8 (a map entry)') && text.includes('tag: field 1 key, wire type 0 (varint)') && text.includes('"five"'), 'a map entry, key and value');
  t.ok(text.includes('length 3 (message kitchen.v1.Kitchen.Item)') && text.includes('tag: field 1 name, wire type 2 (length-delimited)'), 'a nested message');
  const nested = octets.data(1, 'out', frameMessage(encode({ items: [{ name: 'a' }] })), true).find((a) => a.note.includes('field 1 name'));
  t.match(nested?.note, /^ {4}tag: field 1 name/, 'nested fields indented under their field');
});

t.test('a message straddling DATA frames, its prefix split too', async (t) => {
  const octets = new MessageOctets(schema);
  octets.headers(3, 'in', [[':path', PATH]]);
  const framed = frameMessage(encode({ scalars: { f_string: 'x'.repeat(40) } }));
  const first = notes(octets.data(3, 'in', framed.subarray(0, 3), false));
  t.same(first, ['gRPC message prefix, first 3 octets of 5 (the rest in the next DATA frame)']);
  const second = notes(octets.data(3, 'in', framed.subarray(3, 20), false));
  t.match(second[0], /^gRPC message 1: the prefix's last 2 octets: compressed flag 0 \(not compressed\), message length 44$/);
  t.match(second[1], /^message 1 body, octets 1–15 of 44 \(continues in the next DATA frame\)$/);
  const third = notes(octets.data(3, 'in', framed.subarray(20), false));
  t.match(third[0], /^message 1 body, octets 16–44 of 44$/);
  t.equal(third[1], 'message 1 complete, reassembled from 2 DATA frames; its fields:');
  t.equal(third[2], 'message 1: kitchen.v1.Kitchen', 'the response type: this side received it');
  t.ok(third.includes(`"${'x'.repeat(40)}"`));
  const next = notes(octets.data(3, 'in', frameMessage(new Uint8Array(0)), false));
  t.same(next, ['gRPC message 2: compressed flag 0 (not compressed)', 'message length 0', 'message 2: kitchen.v1.Kitchen, empty (every field at its default)'], 'the next message starts clean');
});

t.test('a compressed message, after decompression', async (t) => {
  const octets = new MessageOctets(schema);
  octets.headers(5, 'out', [[':path', PATH], ['grpc-encoding', 'gzip']]);
  const body = encode({ scalars: { f_string: 'hello hello hello hello' } });
  const zipped = gzipSync(body);
  const framed = new Uint8Array(5 + zipped.length);
  framed[0] = 1;
  new DataView(framed.buffer).setUint32(1, zipped.length);
  framed.set(zipped, 5);
  const text = notes(octets.data(5, 'out', framed, true));
  t.equal(text[0], 'gRPC message 1: compressed flag 1 (compressed, gzip)');
  t.equal(text[2], `message 1: ${zipped.length} octets gzip-compressed; after decompression (${body.length} octets):`);
  t.ok(text.includes('"hello hello hello hello"'));
});

t.test('without a schema: the wire format alone', async (t) => {
  const text = notes(annotateProtobuf(encode({ scalars: { f_int32: 5, f_string: 'ab' }, mood: 1 })));
  t.same(text.slice(0, 2), ['tag: field 1, wire type 2 (length-delimited)', 'length 6 (length-delimited)']);
  t.ok(text.includes('tag: field 2, wire type 0 (varint)'));
  t.ok(text.includes('6 octets (a message, string or bytes: the schema would say)'));
  t.same(notes(annotateProtobuf(new Uint8Array([0x08]))), ['tag: field 1, wire type 0 (varint)', 'a varint cut off'], 'cut off');
  t.same(notes(annotateProtobuf(new Uint8Array([0x0f, 1]))), ['field 1: wire type 7 is not valid (not protobuf?)'], 'not protobuf');
  t.match(formatAnnotations(annotateProtobuf(new Uint8Array([0x08, 0x96, 0x01]))), /^08 +tag: field 1, wire type 0 \(varint\)\n96 01 +varint 150$/);
});
