// HPACK behaviour beyond the RFC examples: every decoding error, table size updates, the encoder's choices.
import t from 'tap';
import {
  HeaderListTooLargeError, HpackDecoder, HpackEncoder, HpackError, type HpackEvent, huffmanDecode, huffmanEncode, huffmanLength,
} from '../src/hpack/index.js';

const hex = (s: string) => Buffer.from(s, 'hex');

t.test('decoding errors are HpackError (COMPRESSION_ERROR)', async (t) => {
  const cases: Array<[string, string]> = [
    ['indexed field with index 0', '80'],
    ['index beyond both tables', 'be'],
    ['literal name index beyond both tables', '7f0001'],
    ['block ends inside an integer', 'ff'],
    ['integer above 2^32-1', 'ffffffffff0f'],
    ['string overruns the block', '400a6162'],
    ['block ends before a string', '40'],
    ['block ends before the value', '4003616263'],
    ['size update after a field line', '823f00'],
    ['size update above the limit', '3fe21f'],
    ['Huffman padding of 8 one-bits', '4081ff0161'],
    ['Huffman padding not all ones', '408100' + '0161'],
    ['Huffman string containing EOS', '4084ffffffff0161'],
  ];
  for (const [what, block] of cases) {
    t.throws(() => new HpackDecoder().decode(hex(block)), { name: 'HpackError', code: 0x9 }, what);
  }
});

t.test('Huffman codec', async (t) => {
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  const out = Buffer.alloc(huffmanLength(all));
  t.equal(huffmanEncode(all, out, 0), out.length, 'every octet value encodes');
  const back = Buffer.alloc(out.length * 2);
  t.equal(back.toString('latin1', 0, huffmanDecode(out, 0, out.length, back)), all, 'and decodes back');
  t.throws(() => huffmanLength('π'), TypeError, 'characters above U+00FF are refused');
  t.equal(huffmanLength(''), 0);
});

t.test('header list size is enforced after the block is decoded, so the table stays in step', async (t) => {
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder({ maxHeaderListSize: 100 });
  const big: Array<[string, string]> = [['x-a', 'a'.repeat(40)], ['x-b', 'b'.repeat(40)]];
  t.throws(() => decoder.decode(encoder.encode(big)), HeaderListTooLargeError);
  t.equal(decoder.table.size, encoder.table.size, 'both tables hold the same after the failure');
  t.same(decoder.decode(encoder.encode([['x-a', 'a'.repeat(40)]])), [['x-a', 'a'.repeat(40)]], 'the next block decodes from the table');
  const err = new HeaderListTooLargeError(200, 100);
  t.ok(err instanceof HpackError);
  t.equal(err.limit, 100);
});

t.test('a lowered limit requires a size update at the start of the next block', async (t) => {
  const decoder = new HpackDecoder();
  decoder.decode(hex('400a637573746f6d2d6b65790d637573746f6d2d686561646572'));
  decoder.setMaxTableSize(0);
  t.equal(decoder.table.length, 0, 'entries beyond the new limit are gone at once');
  t.throws(() => decoder.decode(hex('82')), HpackError, 'a block without the update is refused');
  const again = new HpackDecoder();
  again.setMaxTableSize(100);
  t.same(again.decode(hex('3f45' + '82')), [[':method', 'GET']], 'a block that starts with an update within the limit is fine');
  t.throws(() => again.decode(hex('3f46')), HpackError, 'an update above the limit is refused');
  const empty = new HpackDecoder();
  empty.setMaxTableSize(0);
  t.same(empty.decode(new Uint8Array(0)), [], 'an empty block does not consume the requirement');
  t.throws(() => empty.decode(hex('82')), HpackError);
});

t.test('encoder: size updates carry the smallest size set, then the final one (RFC 7541 §4.2)', async (t) => {
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  encoder.encode([['custom-key', 'custom-value']]);
  encoder.setMaxTableSize(0);
  encoder.setMaxTableSize(4096);
  const block = encoder.encode([['custom-key', 'custom-value']]);
  t.equal(Buffer.from(block.subarray(0, 4)).toString('hex'), '203fe11f', 'update to 0, then to 4096');
  decoder.decode(hex('400a637573746f6d2d6b65790c637573746f6d2d76616c7565'));
  t.same(decoder.decode(block), [['custom-key', 'custom-value']]);
  t.equal(decoder.table.size, encoder.table.size);
  t.equal(Buffer.from(encoder.encode([[':method', 'GET']])).toString('hex'), '82', 'the update is sent once');
});

t.test('encoder choices', async (t) => {
  const events: HpackEvent[] = [];
  const encoder = new HpackEncoder({ observer: (e) => events.push(e) });
  const decoder = new HpackDecoder();
  const fields: Array<[string, string]> = [
    [':method', 'POST'], // static exact match
    ['authorization', 'Bearer abc'], // sensitive by default
    ['cookie', 'a=b'],
    ['x-token', 'secret'], // marked by the caller
    ['grpc-timeout', '100m'], // volatile
    ['content-type', 'application/grpc'], // indexed by name, added
    ['x-big', 'z'.repeat(4000)], // too large to be worth an entry
    ['x', '1'], // Huffman would not be shorter
  ];
  const block = encoder.encode(fields, { sensitive: new Set(['x-token']) });
  t.same(decoder.decode(block), fields);
  t.same(events.map((e) => e.representation), ['indexed', 'never-indexed', 'never-indexed', 'never-indexed', 'without-indexing', 'incremental', 'without-indexing', 'incremental']);
  t.same(events.map((e) => e.index), [3, 23, 32, 0, 0, 31, 0, 0]);
  t.equal(events[5]!.huffmanValue, true, 'application/grpc is shorter Huffman-coded');
  t.equal(events[7]!.huffmanValue, false, '"1" is not');
  t.same(encoder.table.entries(), [['x', '1'], ['content-type', 'application/grpc']]);
  events.length = 0;
  decoder.decode(encoder.encode([['content-type', 'application/grpc'], ['authorization', 'Bearer abc']]));
  t.same(events.map((e) => [e.representation, e.index]), [['indexed', 63], ['never-indexed', 23]], 'dynamic exact match; sensitive stays literal');
  t.throws(() => encoder.encode([['x', 'π']]), TypeError);
});

t.test('decoder observer sees every representation, with evictions', async (t) => {
  const events: HpackEvent[] = [];
  const decoder = new HpackDecoder({ observer: (e) => events.push(e), maxTableSize: 256 });
  decoder.decode(hex('3f2182')); // size update to 64, then :method GET
  decoder.decode(hex('400a637573746f6d2d6b65790d637573746f6d2d686561646572')); // 55 octets
  decoder.decode(hex('400a637573746f6d2d6b65790d637573746f6d2d686561646572')); // evicts the first
  t.same(events.map((e) => e.representation), ['size-update', 'indexed', 'incremental', 'incremental']);
  t.equal(events[0]!.maxSize, 64);
  t.same(events[3]!.evicted, [['custom-key', 'custom-header']]);
  t.equal(events[3]!.tableSize, 55);
  t.same([events[2]!.start, events[2]!.end], [0, 26]);
});

t.test('never-indexed and without-indexing literals decode with literal and indexed names', async (t) => {
  const decoder = new HpackDecoder();
  t.same(decoder.decode(hex('1f0803616263')), [['authorization', 'abc']], 'never-indexed, name index 23');
  t.same(decoder.decode(hex('0f0803616263')), [['authorization', 'abc']], 'without indexing, name index 23');
  t.same(decoder.decode(hex('1001780131')), [['x', '1']], 'never-indexed, literal name');
  t.equal(decoder.table.length, 0, 'none of them is added to the table');
});

t.test('the encoder: any Latin-1 text of 0–300 octets round-trips, Huffman-coded only when shorter; U+0100 and above refused', async (t) => {
  // a fixed-seed generator: the same strings every run
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  let wrong = 0;
  let huffmanChosenWhenLonger = 0;
  for (let i = 0; i < 2000; i++) {
    const length = Math.floor(next() * 300);
    const high = next() < 0.3; // some strings of octets 0x80–0xff, whose codes are 20–30 bits
    const value = String.fromCharCode(...Array.from({ length }, () => (high ? 0x80 + Math.floor(next() * 128) : 0x20 + Math.floor(next() * 95))));
    const block = encoder.encode([[`x-${i % 7}`, value]]);
    const got = decoder.decode(block);
    if (got.length !== 1 || got[0]![1] !== value) wrong++;
    if (length > 0 && length < 127 && block.length > 2 + `x-${i % 7}`.length + 2 + length) huffmanChosenWhenLonger++;
  }
  t.equal(wrong, 0, 'every value decodes to itself');
  t.equal(huffmanChosenWhenLonger, 0, 'no block is longer than the raw literal would be');
  t.throws(() => new HpackEncoder().encode([['x', 'ab\u0100']]), TypeError, 'a character above U+00FF is a TypeError');
  t.throws(() => new HpackEncoder().encode([['x', 'ab\u0100'.repeat(100)]]), TypeError, 'also in a long value');
});
