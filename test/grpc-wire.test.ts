// The gRPC wire details that are easy to get wrong (../shared/specs/grpc-wire.md): message framing split anywhere,
// grpc-timeout units, grpc-message percent-encoding, and the status of calls that end without grpc-status.
import t from 'tap';
import { ErrorCode } from '../src/frames/index.js';
import {
  encodeTimeout, frameMessage, MessageReader, Metadata, parseTimeout, percentDecode, percentEncode, Status, statusFromHttp, statusFromRstStream,
} from '../src/grpc/index.js';

t.test('length-prefixed messages reassemble from any split of the DATA payloads', async (t) => {
  const messages = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(70000, 7), Buffer.from('x')];
  const wire = Buffer.concat(messages.map((m) => frameMessage(m)));
  for (const size of [1, 2, 4, 5, 6, 13, 16384, wire.length]) {
    const reader = new MessageReader();
    const out: Array<{ compressed: boolean; data: Uint8Array }> = [];
    for (let at = 0; at < wire.length; at += size) reader.push(wire.subarray(at, at + size), out);
    t.same(out.map((m) => Buffer.from(m.data)), messages, `payloads of ${size} octets`);
    t.notOk(reader.partial, 'nothing left over');
  }
  const whole = new MessageReader().push(wire);
  t.equal(whole[0]!.data.buffer, wire.buffer, 'a message inside one payload is a view, not a copy');
});

t.test('message limits and malformed prefixes', async (t) => {
  t.throws(() => new MessageReader(10).push(frameMessage(Buffer.alloc(11))), { code: Status.RESOURCE_EXHAUSTED }, 'above the limit');
  const split = new MessageReader(10);
  split.push(Buffer.from([0, 0, 0]));
  t.throws(() => split.push(Buffer.from([0, 11])), { code: Status.RESOURCE_EXHAUSTED }, 'above the limit with the prefix split');
  t.throws(() => new MessageReader().push(Buffer.from([2, 0, 0, 0, 0])), { code: Status.INTERNAL }, 'a compressed flag of 2');
  const partial = new MessageReader();
  partial.push(Buffer.from([0, 0, 0, 0, 5, 1, 2]));
  t.ok(partial.partial, 'a message cut short is reported as partial');
  t.equal(frameMessage(Buffer.from('a'), true)[0], 1, 'the compressed flag');
});

t.test('grpc-timeout: the finest unit that fits in 8 digits', async (t) => {
  t.equal(encodeTimeout(100), '100000u');
  t.equal(encodeTimeout(0.5), '500000n');
  t.equal(encodeTimeout(99_999), '99999000u');
  t.equal(encodeTimeout(100_000), '100000m');
  t.equal(encodeTimeout(86_400_000), '86400000m');
  t.equal(encodeTimeout(200_000_000), '200000S');
  t.equal(encodeTimeout(-5), '0n');
  t.equal(encodeTimeout(1e20), '99999999H');
  t.equal(parseTimeout('100m'), 100);
  t.equal(parseTimeout('5S'), 5000);
  t.equal(parseTimeout('2M'), 120_000);
  t.equal(parseTimeout('1H'), 3_600_000);
  t.equal(parseTimeout('1000u'), 1);
  t.equal(parseTimeout('1000000n'), 1);
  for (const bad of ['', '100', 'm', '123456789m', '1.5S', '-1S', '10s']) t.equal(parseTimeout(bad), undefined, `refuses ${JSON.stringify(bad)}`);
});

t.test('grpc-message percent-encoding', async (t) => {
  t.equal(percentEncode('plain text'), 'plain text');
  t.equal(percentEncode('100%'), '100%25');
  t.equal(percentEncode('line\nbreak'), 'line%0Abreak');
  t.equal(percentEncode('π ≈ 3'), '%CF%80 %E2%89%88 3');
  t.equal(percentDecode('%CF%80 %E2%89%88 3'), 'π ≈ 3');
  t.equal(percentDecode('100%25'), '100%');
  t.equal(percentDecode('bad %zz and %4'), 'bad %zz and %4', 'malformed sequences pass through');
  t.equal(percentDecode('no escapes'), 'no escapes');
});

t.test('status when no grpc-status arrives', async (t) => {
  const http: Array<[number, number]> = [
    [400, Status.INTERNAL], [401, Status.UNAUTHENTICATED], [403, Status.PERMISSION_DENIED], [404, Status.UNIMPLEMENTED],
    [429, Status.UNAVAILABLE], [431, Status.UNKNOWN], [502, Status.UNAVAILABLE], [503, Status.UNAVAILABLE], [504, Status.UNAVAILABLE], [500, Status.UNKNOWN], [418, Status.UNKNOWN],
  ];
  for (const [httpStatus, code] of http) t.equal(statusFromHttp(httpStatus), code, `HTTP ${httpStatus}`);
  const rst: Array<[number, number]> = [
    [ErrorCode.NO_ERROR, Status.INTERNAL], [ErrorCode.PROTOCOL_ERROR, Status.INTERNAL], [ErrorCode.INTERNAL_ERROR, Status.INTERNAL],
    [ErrorCode.FLOW_CONTROL_ERROR, Status.INTERNAL], [ErrorCode.REFUSED_STREAM, Status.UNAVAILABLE], [ErrorCode.CANCEL, Status.CANCELLED],
    [ErrorCode.ENHANCE_YOUR_CALM, Status.RESOURCE_EXHAUSTED], [ErrorCode.INADEQUATE_SECURITY, Status.PERMISSION_DENIED], [ErrorCode.COMPRESSION_ERROR, Status.INTERNAL],
  ];
  for (const [code, status] of rst) t.equal(statusFromRstStream(code), status, `RST_STREAM ${code}`);
});

t.test('metadata: received fields become metadata, -bin values decoded, protocol fields left out', async (t) => {
  const md = Metadata.fromHeaders([
    [':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '0'], ['te', 'trailers'],
    ['x-a', '1'], ['x-a', '2'], ['x-b-bin', 'AAEC'], ['x-c-bin', 'AAE=,AgM'],
  ]);
  t.same(md.keys(), ['x-a', 'x-b-bin', 'x-c-bin']);
  t.same(md.getAll('x-a'), ['1', '2']);
  t.same(md.get('X-B-BIN'), Buffer.from([0, 1, 2]), 'keys are case-insensitive on lookup');
  t.same(md.getAll('x-c-bin'), [Buffer.from([0, 1]), Buffer.from([2, 3])], 'comma-joined -bin values, padded or not');
  t.same(md.toJSON(), { 'x-a': ['1', '2'], 'x-b-bin': Buffer.from([0, 1, 2]), 'x-c-bin': [Buffer.from([0, 1]), Buffer.from([2, 3])] });
  md.remove('x-a');
  t.notOk(md.has('x-a'));
  t.equal(md.size, 2);
  const fields: Array<[string, string]> = [];
  new Metadata({ 'x-bin': Buffer.from([0xff]) }).set('x-k', 'v').appendTo(fields);
  t.same(fields, [['x-bin', '/w'], ['x-k', 'v']], '-bin sent as unpadded base64');
});

t.test('framePieces: a large message goes as the prefix with its first 16 KiB − 5 octets, then a view of the rest', async (t) => {
  const { framePieces, frameMessage: whole } = await import('../src/grpc/call/message.js');
  const small = Buffer.alloc(64 * 1024 - 1, 1);
  t.equal(framePieces(small).length, 1, 'under 64 KiB: one buffer');
  t.same(framePieces(small)[0], whole(small));
  for (const size of [64 * 1024, 4 * 1024 * 1024]) {
    const message = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) message[i] = i / 4096;
    const pieces = framePieces(message, true);
    t.equal(pieces.length, 2, `${size}: two pieces`);
    t.equal(pieces[0]!.length, 16 * 1024, 'the first fills one default DATA frame');
    t.equal(pieces[1]!.buffer, message.buffer, 'the second is a view of the message, not a copy');
    t.ok(Buffer.concat(pieces).equals(whole(message, true)), 'together, the same octets as one framed message');
  }
});
