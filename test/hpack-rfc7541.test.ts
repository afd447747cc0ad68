// RFC 7541 Appendix C: every example, byte-exact in both directions, with the dynamic table checked after each step.
import t, { type Test } from 'tap';
import { decodeInteger, encodeInteger, HpackDecoder, HpackEncoder, type HpackEncoderOptions } from '../src/hpack/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
type Fields = Array<[string, string]>;

t.test('C.1 integer representation', async (t) => {
  const cases: Array<[value: number, prefix: number, pattern: number, wire: string]> = [
    [10, 5, 0xe0, 'ea'], // C.1.1: 10 with a 5-bit prefix (high bits xxx = 111 here)
    [1337, 5, 0x00, '1f9a0a'], // C.1.2
    [42, 8, 0x00, '2a'], // C.1.3
  ];
  for (const [value, prefix, pattern, wire] of cases) {
    const out = new Uint8Array(8);
    const end = encodeInteger(out, 0, value, prefix, pattern);
    t.equal(toHex(out.subarray(0, end)), wire, `encode ${value} with ${prefix}-bit prefix`);
    const cursor = { buf: hex(wire), pos: 0 };
    t.equal(decodeInteger(cursor, prefix), value, `decode ${wire}`);
    t.equal(cursor.pos, wire.length / 2, 'consumes the whole integer');
  }
});

t.test('C.2 field representations', async (t) => {
  // C.2.1 literal with indexing
  let enc = new HpackEncoder({ huffman: 'never' });
  let dec = new HpackDecoder();
  const c21 = '400a637573746f6d2d6b65790d637573746f6d2d686561646572';
  t.equal(toHex(enc.encode([['custom-key', 'custom-header']])), c21);
  t.same(dec.decode(hex(c21)), [['custom-key', 'custom-header']]);
  t.same(dec.table.entries(), [['custom-key', 'custom-header']]);
  t.equal(dec.table.size, 55);
  t.same(enc.table.entries(), dec.table.entries());

  // C.2.2 literal without indexing
  enc = new HpackEncoder({ huffman: 'never', unindexed: [':path'] });
  dec = new HpackDecoder();
  const c22 = '040c2f73616d706c652f70617468';
  t.equal(toHex(enc.encode([[':path', '/sample/path']])), c22);
  t.same(dec.decode(hex(c22)), [[':path', '/sample/path']]);
  t.equal(dec.table.length, 0);

  // C.2.3 literal never indexed
  enc = new HpackEncoder({ huffman: 'never' });
  dec = new HpackDecoder();
  const c23 = '100870617373776f726406736563726574';
  t.equal(toHex(enc.encode([['password', 'secret']], { sensitive: new Set(['password']) })), c23);
  t.same(dec.decode(hex(c23)), [['password', 'secret']]);
  t.equal(dec.table.length, 0);
  t.equal(enc.table.length, 0);

  // C.2.4 indexed field
  enc = new HpackEncoder();
  t.equal(toHex(enc.encode([[':method', 'GET']])), '82');
  t.same(new HpackDecoder().decode(hex('82')), [[':method', 'GET']]);
});

interface Step {
  wire: string;
  fields: Fields;
  table: Fields;
  size: number;
}

/** Runs a sequence of blocks through one encoder and one decoder, checking bytes, fields and tables. */
function sequence(t: Test, steps: Step[], encoderOptions: HpackEncoderOptions, tableSize = 4096, announce = '') {
  const enc = new HpackEncoder({ ...encoderOptions, sensitive: [], unindexed: [], maxTableSize: tableSize });
  const dec = new HpackDecoder({ maxTableSize: tableSize });
  steps.forEach((step, i) => {
    const prefix = i === 0 ? announce : '';
    t.equal(toHex(enc.encode(step.fields)), prefix + step.wire, `step ${i + 1}: encoder bytes`);
    t.same(dec.decode(hex(step.wire)), step.fields, `step ${i + 1}: decoded fields`);
    t.same(dec.table.entries(), step.table, `step ${i + 1}: decoder table`);
    t.equal(dec.table.size, step.size, `step ${i + 1}: decoder table size`);
    t.same(enc.table.entries(), step.table, `step ${i + 1}: encoder table`);
    t.equal(enc.table.size, step.size, `step ${i + 1}: encoder table size`);
  });
}

const request1: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const request2: Fields = [...request1, ['cache-control', 'no-cache']];
const request3: Fields = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const requestTables: Array<[Fields, number]> = [
  [[[':authority', 'www.example.com']], 57],
  [[['cache-control', 'no-cache'], [':authority', 'www.example.com']], 110],
  [[['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']], 164],
];

function requests(wires: string[]): Step[] {
  return [request1, request2, request3].map((fields, i) => ({ wire: wires[i]!, fields, table: requestTables[i]![0], size: requestTables[i]![1] }));
}

t.test('C.3 requests without Huffman coding', async (t) => {
  sequence(t, requests([
    '828684410f7777772e6578616d706c652e636f6d',
    '828684be58086e6f2d6361636865',
    '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
  ]), { huffman: 'never' });
});

t.test('C.4 requests with Huffman coding', async (t) => {
  sequence(t, requests([
    '828684418cf1e3c2e5f23a6ba0ab90f4ff',
    '828684be5886a8eb10649cbf',
    '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
  ]), { huffman: 'always' });
});

const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const date2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const location = 'https://www.example.com';
const cookie = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';

function responses(wires: string[]): Step[] {
  return [
    {
      wire: wires[0]!,
      fields: [[':status', '302'], ['cache-control', 'private'], ['date', date1], ['location', location]],
      table: [['location', location], ['date', date1], ['cache-control', 'private'], [':status', '302']],
      size: 222,
    },
    {
      wire: wires[1]!,
      fields: [[':status', '307'], ['cache-control', 'private'], ['date', date1], ['location', location]],
      table: [[':status', '307'], ['location', location], ['date', date1], ['cache-control', 'private']],
      size: 222,
    },
    {
      wire: wires[2]!,
      fields: [[':status', '200'], ['cache-control', 'private'], ['date', date2], ['location', location], ['content-encoding', 'gzip'], ['set-cookie', cookie]],
      table: [['set-cookie', cookie], ['content-encoding', 'gzip'], ['date', date2]],
      size: 215,
    },
  ];
}

// The examples assume a 256-octet table; our encoder announces that size in its first block (3fe101).
t.test('C.5 responses without Huffman coding', async (t) => {
  sequence(t, responses([
    '4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d',
    '4803333037c1c0bf',
    '88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31',
  ]), { huffman: 'never' }, 256, '3fe101');
});

t.test('C.6 responses with Huffman coding', async (t) => {
  sequence(t, responses([
    '488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3',
    '4883640effc1c0bf',
    '88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007',
  ]), { huffman: 'always' }, 256, '3fe101');
});
