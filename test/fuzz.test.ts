// Bounded random test: the frame decoder and the HPACK decoder, fed random and mutated octets, throw only their
// typed errors, never hang, and never hold more than their configured limits. Seeded, so a failure reproduces.
import t from 'tap';
import { encodeFrame, type Frame, FrameDecoder, FrameType, Http2Error } from '../src/frames/index.js';
import { HpackDecoder, HpackEncoder, HpackError } from '../src/hpack/index.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x9e3779b9);
const ROUNDS = 20_000; // per target; each round is also bounded by the time budget below
const BUDGET_MS = 8_000;

/** xorshift32: a small deterministic PRNG. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  return { int: (n: number) => next() % n, bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff) };
}

function mutate(r: ReturnType<typeof rng>, input: Uint8Array): Uint8Array {
  const out = Uint8Array.from(input);
  switch (r.int(4)) {
    case 0: // flip a few octets
      for (let i = r.int(4) + 1; i > 0 && out.length; i--) out[r.int(out.length)] = r.int(256);
      return out;
    case 1: // truncate
      return out.subarray(0, r.int(out.length + 1));
    case 2: { // splice in random octets
      const at = r.int(out.length + 1);
      const junk = r.bytes(r.int(16) + 1);
      const spliced = new Uint8Array(out.length + junk.length);
      spliced.set(out.subarray(0, at));
      spliced.set(junk, at);
      spliced.set(out.subarray(at), at + junk.length);
      return spliced;
    }
    default:
      return r.bytes(r.int(64));
  }
}

const seedFrames: Frame[] = [
  { type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true, headerBlock: Buffer.from('828684', 'hex'), padding: 3, priority: { streamDependency: 0, exclusive: false, weight: 16 } },
  { type: FrameType.DATA, streamId: 1, endStream: true, data: Buffer.from('0000000003082a01', 'hex'), padding: 2 },
  { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[3, 100], [4, 65535], [5, 16384]] },
  { type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) },
  { type: FrameType.GOAWAY, streamId: 0, lastStreamId: 1, errorCode: 0, debugData: Buffer.from('bye') },
  { type: FrameType.WINDOW_UPDATE, streamId: 1, increment: 1000 },
  { type: FrameType.PUSH_PROMISE, streamId: 1, endHeaders: true, promisedStreamId: 2, headerBlock: Buffer.from('82', 'hex'), padding: 1 },
  { type: FrameType.RST_STREAM, streamId: 1, errorCode: 8 },
  { type: FrameType.PRIORITY, streamId: 3, priority: { streamDependency: 1, exclusive: true, weight: 1 } },
  { type: FrameType.CONTINUATION, streamId: 1, endHeaders: true, headerBlock: Buffer.from('84', 'hex') },
];
const frameSeeds = seedFrames.map(encodeFrame);

t.test('frame decoder: random and mutated input', async (t) => {
  const r = rng(SEED);
  const maxFrameSize = 16384;
  const started = Date.now();
  let rounds = 0;
  let frames = 0;
  let errors = 0;
  let foreign = '';
  let overLimit = '';
  while (rounds < ROUNDS && Date.now() - started < BUDGET_MS) {
    rounds++;
    const input = mutate(r, Buffer.concat(Array.from({ length: r.int(4) + 1 }, () => frameSeeds[r.int(frameSeeds.length)]!)));
    const decoder = new FrameDecoder({ maxFrameSize, expectPreface: r.int(8) === 0 });
    try {
      for (let at = 0; at < input.length;) {
        const n = r.int(32) + 1;
        decoder.push(input.subarray(at, at + n));
        at += n;
        // bounded: the loop ends because each frame consumes at least its 9-octet header
        for (let f = decoder.next(); f; f = decoder.next()) frames++;
        if (decoder.bufferedLength >= 9 + maxFrameSize) overLimit ||= `round ${rounds}: ${decoder.bufferedLength} octets buffered`;
      }
    } catch (err) {
      if (err instanceof Http2Error) errors++;
      else foreign ||= `round ${rounds}: ${(err as Error).stack}`;
    }
  }
  t.equal(foreign, '', 'only Http2Error is thrown');
  t.equal(overLimit, '', 'never buffers a whole frame beyond SETTINGS_MAX_FRAME_SIZE');
  t.ok(frames > 0 && errors > 0, `${rounds} rounds: ${frames} frames decoded, ${errors} typed errors`);
});

t.test('HPACK decoder: random and mutated field blocks', async (t) => {
  const r = rng(SEED ^ 0x5a5a5a5a);
  const encoder = new HpackEncoder();
  const lists: Array<Array<[string, string]>> = [
    [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1:8080'], ['te', 'trailers'], ['content-type', 'application/grpc']],
    [[':status', '200'], ['content-type', 'application/grpc'], ['grpc-encoding', 'gzip'], ['x-long', 'v'.repeat(300)]],
    [['grpc-status', '3'], ['grpc-message', 'request number should be positive'], ['authorization', 'Bearer secret']],
  ];
  const blockSeeds = lists.flatMap((l) => [encoder.encode(l), encoder.encode(l)]);
  blockSeeds.push(Buffer.from('3fe11f', 'hex'), Buffer.from('ffffffff0f', 'hex'), Buffer.from('418cf1e3c2e5f23a6ba0ab90f4ff', 'hex'));
  const maxHeaderListSize = 4096;
  const maxTableSize = 4096;
  const started = Date.now();
  let rounds = 0;
  let decoded = 0;
  let errors = 0;
  let foreign = '';
  let overLimit = '';
  const decoder = new HpackDecoder({ maxTableSize, maxHeaderListSize });
  let fresh = decoder;
  while (rounds < ROUNDS && Date.now() - started < BUDGET_MS) {
    rounds++;
    const input = mutate(r, blockSeeds[r.int(blockSeeds.length)]!);
    try {
      const fields = fresh.decode(input);
      decoded++;
      const size = fields.reduce((n, [k, v]) => n + k.length + v.length + 32, 0);
      if (size > maxHeaderListSize) overLimit ||= `round ${rounds}: list of ${size} octets returned`;
    } catch (err) {
      if (err instanceof HpackError) {
        errors++;
        fresh = new HpackDecoder({ maxTableSize, maxHeaderListSize }); // a COMPRESSION_ERROR ends the connection
      } else {
        foreign ||= `round ${rounds}: ${(err as Error).stack}`;
      }
    }
    if (fresh.table.size > maxTableSize) overLimit ||= `round ${rounds}: table of ${fresh.table.size} octets`;
  }
  t.equal(foreign, '', 'only HpackError is thrown');
  t.equal(overLimit, '', 'header lists and the table stay within their limits');
  t.ok(decoded > 0 && errors > 0, `${rounds} rounds: ${decoded} blocks decoded, ${errors} typed errors`);
});
