// RFC 9113 §4 and §6: every frame type and flag combination round-trips, the decoder takes any chunking, DATA
// payloads are views of the input, and every malformed frame gets its typed error.
import t from 'tap';
import {
  CLIENT_PREFACE, encodeFrame, ErrorCode, errorCodeName, Flag, flagNames, type Frame, FrameDecoder, FrameType,
  frameTypeName, Http2Error, settingName, SettingId, writeFrameHeader,
} from '../src/frames/index.js';

function decodeAll(bytes: Uint8Array, chunkSize = bytes.length, options = {}): Frame[] {
  const decoder = new FrameDecoder(options);
  const frames: Frame[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) {
    decoder.push(bytes.subarray(at, at + chunkSize));
    for (let f = decoder.next(); f; f = decoder.next()) frames.push(f);
  }
  t.equal(decoder.bufferedLength, 0, 'nothing left over');
  return frames;
}

/** A frame as plain data, so that views and copies compare equal. */
function plain(frame: Frame): unknown {
  return JSON.parse(
    JSON.stringify(frame, function (this: Record<string, unknown>, k, v) {
      const value = this[k]; // before Buffer's toJSON
      return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : v;
    }),
  );
}

const block = Buffer.from('828684410f7777772e6578616d706c652e636f6d', 'hex');
const payload = Buffer.from('0000000003082a01', 'hex');

function everyFrame(): Frame[] {
  const frames: Frame[] = [];
  const bools = [false, true];
  const paddings = [undefined, 0, 7];
  for (const endStream of bools) for (const padding of paddings) {
    frames.push({ type: FrameType.DATA, streamId: 1, endStream, data: payload, ...(padding === undefined ? {} : { padding }) });
    frames.push({ type: FrameType.DATA, streamId: 3, endStream, data: new Uint8Array(0), ...(padding === undefined ? {} : { padding }) });
  }
  for (const endStream of bools) for (const endHeaders of bools) for (const padding of paddings) for (const prio of bools) {
    frames.push({
      type: FrameType.HEADERS, streamId: 5, endStream, endHeaders, headerBlock: block,
      ...(padding === undefined ? {} : { padding }),
      ...(prio ? { priority: { streamDependency: 3, exclusive: endStream, weight: endHeaders ? 256 : 16 } } : {}),
    });
  }
  frames.push({ type: FrameType.PRIORITY, streamId: 7, priority: { streamDependency: 0, exclusive: true, weight: 1 } });
  frames.push({ type: FrameType.RST_STREAM, streamId: 7, errorCode: ErrorCode.CANCEL });
  frames.push({ type: FrameType.RST_STREAM, streamId: 9, errorCode: 0xdeadbeef });
  frames.push({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
  frames.push({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
  frames.push({
    type: FrameType.SETTINGS, streamId: 0, ack: false,
    settings: [[1, 0], [2, 1], [3, 100], [4, 2 ** 31 - 1], [5, 16_777_215], [6, 8192], [0x99, 0xffffffff]],
  });
  for (const endHeaders of bools) for (const padding of paddings) {
    frames.push({ type: FrameType.PUSH_PROMISE, streamId: 1, endHeaders, promisedStreamId: 2, headerBlock: block, ...(padding === undefined ? {} : { padding }) });
  }
  for (const ack of bools) frames.push({ type: FrameType.PING, streamId: 0, ack, data: Buffer.from('0123456789abcdef', 'hex') });
  frames.push({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 2 ** 31 - 1, errorCode: ErrorCode.ENHANCE_YOUR_CALM, debugData: Buffer.from('calm down') });
  frames.push({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 0, errorCode: 0, debugData: new Uint8Array(0) });
  frames.push({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 - 1 });
  frames.push({ type: FrameType.WINDOW_UPDATE, streamId: 11, increment: 1 });
  for (const endHeaders of bools) frames.push({ type: FrameType.CONTINUATION, streamId: 5, endHeaders, headerBlock: block });
  return frames;
}

t.test('every frame type and flag combination round-trips, in one piece and one octet at a time', async (t) => {
  const frames = everyFrame();
  const bytes = Buffer.concat(frames.map(encodeFrame));
  t.same(decodeAll(bytes).map(plain), frames.map(plain), 'whole');
  t.same(decodeAll(bytes, 1).map(plain), frames.map(plain), 'one octet at a time');
  t.same(decodeAll(bytes, 7).map(plain), frames.map(plain), 'seven octets at a time');
  for (const f of frames) t.same(encodeFrame(decodeAll(encodeFrame(f))[0]!), encodeFrame(f), `re-encode ${frameTypeName(f.type)}`);
});

t.test('known byte layouts', async (t) => {
  const hex = (f: Frame) => Buffer.from(encodeFrame(f)).toString('hex');
  // RFC 9113 §4.1: length 8, type 6, flags 1, stream 0
  t.equal(hex({ type: FrameType.PING, streamId: 0, ack: true, data: new Uint8Array(8) }), '000008060100000000' + '00'.repeat(8));
  t.equal(hex({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[SettingId.MAX_CONCURRENT_STREAMS, 100]] }), '000006040000000000' + '000300000064');
  t.equal(hex({ type: FrameType.DATA, streamId: 1, endStream: true, data: Buffer.from('hi'), padding: 2 }), '000005000900000001' + '02' + '6869' + '0000');
  t.equal(hex({ type: FrameType.WINDOW_UPDATE, streamId: 3, increment: 65535 }), '000004080000000003' + '0000ffff');
  t.equal(hex({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true, headerBlock: Buffer.from('82', 'hex'), priority: { streamDependency: 3, exclusive: true, weight: 256 } }),
    '000006012400000001' + '80000003ff' + '82');
  // the reserved bit of the stream id is ignored on receipt (RFC 9113 §4.1)
  const reserved = Buffer.from('000004080000000003' + '0000ffff', 'hex');
  reserved[5] = reserved[5]! | 0x80;
  t.equal(decodeAll(reserved)[0]!.streamId, 3);
});

t.test('DATA payloads are views of the chunk they arrived in', async (t) => {
  const body = Buffer.alloc(1000, 7);
  const wire = Buffer.concat([encodeFrame({ type: FrameType.DATA, streamId: 1, endStream: false, data: body }), encodeFrame({ type: FrameType.DATA, streamId: 1, endStream: true, data: body, padding: 10 })]);
  const decoder = new FrameDecoder();
  decoder.push(wire);
  const a = decoder.next()!;
  const b = decoder.next()!;
  t.equal((a as { data: Uint8Array }).data.buffer, wire.buffer, 'first payload shares the chunk memory');
  t.equal((b as { data: Uint8Array }).data.buffer, wire.buffer, 'padded payload shares the chunk memory');
  t.equal(decoder.lastFrameBytes.length, 9 + 1 + 1000 + 10, 'lastFrameBytes covers the whole frame');
});

t.test('unknown frame types are passed over; unknown settings kept for the caller to ignore', async (t) => {
  const unknown: Frame = { type: 0x2a, streamId: 3, flags: 0xff, payload: Buffer.from('whatever') };
  const frames = decodeAll(Buffer.concat([encodeFrame(unknown), encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) })]));
  t.same(plain(frames[0]!), plain(unknown));
  t.equal(frames[1]!.type, FrameType.PING);
  t.equal(frameTypeName(0x2a), 'UNKNOWN(0x2a)');
});

t.test('the client preface', async (t) => {
  const settings = encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
  const frames = decodeAll(Buffer.concat([CLIENT_PREFACE, settings]), 1, { expectPreface: true });
  t.equal(frames.length, 1);
  t.equal(frames[0]!.type, FrameType.SETTINGS);
  const decoder = new FrameDecoder({ expectPreface: true });
  decoder.push(Buffer.from('GET / HTTP/1.1\r\n'));
  t.throws(() => decoder.next(), { code: ErrorCode.PROTOCOL_ERROR, scope: 'connection' }, 'HTTP/1.1 instead of the preface');
  t.throws(() => decoder.next(), { code: ErrorCode.PROTOCOL_ERROR }, 'the connection error is final');
});

/** A frame with a hand-made header and payload, to provoke errors the encoder would never produce. */
function raw(type: number, flags: number, streamId: number, body: number[] | Uint8Array): Uint8Array {
  const p = Uint8Array.from(body);
  const out = new Uint8Array(9 + p.length);
  writeFrameHeader(out, 0, p.length, type, flags, streamId);
  out.set(p, 9);
  return out;
}

t.test('every malformed frame raises its typed error', async (t) => {
  const { PROTOCOL_ERROR: P, FRAME_SIZE_ERROR: F, FLOW_CONTROL_ERROR: W } = ErrorCode;
  const cases: Array<[string, Uint8Array, number, 'connection' | 'stream', object?]> = [
    ['DATA above SETTINGS_MAX_FRAME_SIZE', raw(0, 0, 1, new Uint8Array(16385)), F, 'connection'],
    ['SETTINGS length not a multiple of 6', raw(4, 0, 0, [0, 1, 0, 0, 0]), F, 'connection'],
    ['SETTINGS ACK with a payload', raw(4, 1, 0, [0, 1, 0, 0, 0, 0]), F, 'connection'],
    ['PING of 7 octets', raw(6, 0, 0, new Uint8Array(7)), F, 'connection'],
    ['PING of 9 octets', raw(6, 0, 0, new Uint8Array(9)), F, 'connection'],
    ['WINDOW_UPDATE of 3 octets', raw(8, 0, 1, [0, 0, 1]), F, 'connection'],
    ['RST_STREAM of 5 octets', raw(3, 0, 1, [0, 0, 0, 0, 8]), F, 'connection'],
    ['PRIORITY of 4 octets', raw(2, 0, 1, [0, 0, 0, 3]), F, 'stream', { streamId: 1 }],
    ['GOAWAY of 7 octets', raw(7, 0, 0, new Uint8Array(7)), F, 'connection'],
    ['DATA padding as long as the payload', raw(0, Flag.PADDED, 1, [3, 0, 0]), P, 'connection'],
    ['HEADERS padding longer than the payload', raw(1, Flag.PADDED | Flag.END_HEADERS, 1, [9, 0x82]), P, 'connection'],
    ['PUSH_PROMISE padding leaving no room for its stream id', raw(5, Flag.PADDED, 1, [2, 0, 0, 0, 2]), P, 'connection'],
    ['PADDED DATA without a Pad Length', raw(0, Flag.PADDED, 1, []), F, 'connection'],
    ['HEADERS with PRIORITY but too short', raw(1, Flag.PRIORITY, 1, [0, 0, 0]), F, 'connection'],
    ['DATA on stream 0', raw(0, 0, 0, [1]), P, 'connection'],
    ['HEADERS on stream 0', raw(1, 4, 0, [0x82]), P, 'connection'],
    ['PRIORITY on stream 0', raw(2, 0, 0, [0, 0, 0, 1, 16]), P, 'connection'],
    ['RST_STREAM on stream 0', raw(3, 0, 0, [0, 0, 0, 8]), P, 'connection'],
    ['CONTINUATION on stream 0', raw(9, 4, 0, [0x82]), P, 'connection'],
    ['PUSH_PROMISE on stream 0', raw(5, 4, 0, [0, 0, 0, 2]), P, 'connection'],
    ['SETTINGS on stream 1', raw(4, 0, 1, []), P, 'connection'],
    ['PING on stream 1', raw(6, 0, 1, new Uint8Array(8)), P, 'connection'],
    ['GOAWAY on stream 1', raw(7, 0, 1, new Uint8Array(8)), P, 'connection'],
    ['SETTINGS_ENABLE_PUSH of 2', raw(4, 0, 0, [0, 2, 0, 0, 0, 2]), P, 'connection'],
    ['SETTINGS_INITIAL_WINDOW_SIZE of 2^31', raw(4, 0, 0, [0, 4, 0x80, 0, 0, 0]), W, 'connection'],
    ['SETTINGS_MAX_FRAME_SIZE of 16383', raw(4, 0, 0, [0, 5, 0, 0, 0x3f, 0xff]), P, 'connection'],
    ['SETTINGS_MAX_FRAME_SIZE of 2^24', raw(4, 0, 0, [0, 5, 1, 0, 0, 0]), P, 'connection'],
    ['WINDOW_UPDATE of 0 on the connection', raw(8, 0, 0, [0, 0, 0, 0]), P, 'connection'],
    ['WINDOW_UPDATE of 0 on a stream', raw(8, 0, 5, [0, 0, 0, 0]), P, 'stream', { streamId: 5 }],
    ['HEADERS depending on itself', raw(1, Flag.PRIORITY | 4, 3, [0, 0, 0, 3, 16, 0x82]), P, 'stream', { streamId: 3 }],
    ['PRIORITY depending on itself', raw(2, 0, 3, [0, 0, 0, 3, 16]), P, 'stream', { streamId: 3 }],
  ];
  for (const [what, bytes, code, scope, extra] of cases) {
    const decoder = new FrameDecoder();
    decoder.push(bytes);
    t.throws(() => decoder.next(), { name: 'Http2Error', code, scope, ...extra }, `${what}: ${errorCodeName(code)} (${scope})`);
  }
});

t.test('after a stream error the decoder goes on', async (t) => {
  const decoder = new FrameDecoder();
  decoder.push(Buffer.concat([raw(8, 0, 5, [0, 0, 0, 0]), raw(8, 0, 5, [0, 0, 0, 1])]));
  t.throws(() => decoder.next(), Http2Error);
  t.same(decoder.next(), { type: FrameType.WINDOW_UPDATE, streamId: 5, increment: 1 });
});

t.test('a larger SETTINGS_MAX_FRAME_SIZE admits larger frames', async (t) => {
  const big = raw(0, 0, 1, new Uint8Array(20000));
  const decoder = new FrameDecoder({ maxFrameSize: 32768 });
  decoder.push(big);
  t.equal((decoder.next() as { data: Uint8Array }).data.length, 20000);
});

t.test('names for traces', async (t) => {
  t.same(flagNames(FrameType.HEADERS, 0x2d), ['END_STREAM', 'END_HEADERS', 'PADDED', 'PRIORITY']);
  t.same(flagNames(FrameType.SETTINGS, 0x1), ['ACK']);
  t.same(flagNames(FrameType.GOAWAY, 0xff), []);
  t.same(flagNames(0x2a, 0xff), []);
  t.equal(errorCodeName(0xb), 'ENHANCE_YOUR_CALM');
  t.equal(errorCodeName(0xff), 'UNKNOWN(0xff)');
  t.equal(settingName(4), 'SETTINGS_INITIAL_WINDOW_SIZE');
  t.equal(settingName(0), 'UNKNOWN(0x0)');
  t.equal(settingName(0x99), 'UNKNOWN(0x99)');
  t.equal(new Http2Error(ErrorCode.CANCEL, 'stream', 'x', 1).codeName, 'CANCEL');
});

t.test('encoders refuse values the wire cannot carry', async (t) => {
  t.throws(() => encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(4) }), RangeError);
  t.throws(() => encodeFrame({ type: FrameType.DATA, streamId: 1, endStream: false, data: new Uint8Array(1), padding: 256 }), RangeError);
  t.throws(() => encodeFrame({ type: FrameType.PRIORITY, streamId: 1, priority: { streamDependency: 0, exclusive: false, weight: 0 } }), RangeError);
});
