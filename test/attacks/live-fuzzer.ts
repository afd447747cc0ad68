// A seeded fuzzer against a live server: conversations recorded from our real client (the octets it wrote, cut into
// frames) are mutated frame by frame (bits, types, flags, stream ids, lengths, order, duplicates, junk frames) and
// each mutated conversation is sent on its own connection, many connections at a time.
import net from 'node:net';
import { Duplex } from 'node:stream';
import { CLIENT_PREFACE, FRAME_HEADER_LENGTH } from '../../src/frames/index.js';
import { createClient, type ServiceClient, Metadata } from '../../src/grpc/index.js';
import { piService } from '../../examples/pi-service.js';

/** mulberry32: small, seeded, good enough to pick mutations. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof prng>;

/** A conversation: the client preface, then whole frames (header and payload), as a real client wrote them. */
export type Conversation = Uint8Array[];

/** Cuts what a client wrote into the preface and its frames. */
function cut(written: Buffer): Conversation {
  const frames: Uint8Array[] = [written.subarray(0, CLIENT_PREFACE.length)];
  for (let at = CLIENT_PREFACE.length; at + FRAME_HEADER_LENGTH <= written.length;) {
    const length = written.readUIntBE(at, 3);
    frames.push(written.subarray(at, at + FRAME_HEADER_LENGTH + length));
    at += FRAME_HEADER_LENGTH + length;
  }
  return frames;
}

/** Records what our client writes during `use`, on a connection of its own to `port`. */
async function record(port: number, use: (client: ServiceClient<'Calc'>) => Promise<unknown>): Promise<Conversation> {
  const written: Buffer[] = [];
  const closed: Array<Promise<void>> = [];
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, {
    createConnection: () => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      const tap = new Duplex({
        write(chunk: Buffer, _enc, done) {
          written.push(Buffer.from(chunk));
          socket.write(chunk, done);
        },
        read() {},
        final(done) {
          socket.end();
          done();
        },
      });
      socket.on('data', (d) => tap.push(d));
      socket.on('end', () => tap.push(null));
      socket.on('error', (e) => tap.destroy(e));
      tap.on('close', () => socket.destroy());
      closed.push(new Promise((resolve) => tap.once('close', () => resolve())));
      return tap;
    },
  });
  await use(client).catch(() => {});
  client.close();
  await Promise.all(closed); // its last frames (GOAWAY) are written
  return cut(Buffer.concat(written));
}

/** Real conversations with the pi server: calls, metadata, an error, a deadline, a cancellation, many calls. */
export async function recordConversations(port: number): Promise<Conversation[]> {
  return [
    await record(port, (c) => c.Calc({ n: 100 })),
    await record(port, (c) => c.Calc({ n: 5 }, { metadata: new Metadata({ 'x-token': 'abc', 'x-bin': Buffer.from([1, 2, 3]) }), timeout: 5000 })),
    await record(port, (c) => c.Calc({ n: -1 })),
    await record(port, async (c) => {
      const controller = new AbortController();
      const call = c.Calc({ n: 1 }, { signal: controller.signal });
      controller.abort();
      await call;
    }),
    await record(port, (c) => Promise.all(Array.from({ length: 8 }, (_, i) => c.Calc({ n: i + 1 })))),
    await record(port, (c) => c.unary('Calc', { n: 3 }, { compression: 'gzip' })),
  ];
}

const INTERESTING_IDS = [0, 1, 2, 3, 5, 0x7fffffff, 0x80000001];
const INTERESTING_OCTETS = [0x00, 0x01, 0x7f, 0x80, 0xff];

/** One mutated conversation, as the octets to send. */
export function mutate(r: Rng, seed: Conversation): Buffer {
  const frames = seed.map((f) => Buffer.from(f));
  const n = 1 + r.int(4);
  for (let m = 0; m < n; m++) {
    const i = frames.length > 1 ? 1 + r.int(frames.length - 1) : 0; // the preface is mutated only rarely
    const frame = r.int(50) === 0 ? frames[0]! : frames[i]!;
    switch (r.int(11)) {
      case 0: // flip one bit anywhere
        if (frame.length) frame[r.int(frame.length)]! ^= 1 << r.int(8);
        break;
      case 1: // an interesting octet anywhere
        if (frame.length) frame[r.int(frame.length)] = r.pick(INTERESTING_OCTETS);
        break;
      case 2: // another frame type (the ten, or an unknown one)
        if (frame.length >= 9) frame[3] = r.int(12);
        break;
      case 3: // other flags
        if (frame.length >= 9) frame[4] = r.int(256);
        break;
      case 4: // another stream id
        if (frame.length >= 9) frame.writeUInt32BE(r.pick(INTERESTING_IDS) >>> 0, 5);
        break;
      case 5: // a length field that lies
        if (frame.length >= 9) frame.writeUIntBE(Math.max(0, Math.min(0xffffff, frame.readUIntBE(0, 3) + r.pick([-9, -1, 1, 9, 16384, 0xffffff]))), 0, 3);
        break;
      case 6: // the frame twice
        frames.splice(i, 0, Buffer.from(frame));
        break;
      case 7: // the frame dropped
        if (frames.length > 2) frames.splice(i, 1);
        break;
      case 8: { // two frames swapped
        const j = 1 + r.int(Math.max(1, frames.length - 1));
        if (j < frames.length) [frames[i], frames[j]] = [frames[j]!, frames[i]!];
        break;
      }
      case 9: // cut short
        frames[i] = frame.subarray(0, r.int(frame.length + 1));
        break;
      default: { // a junk frame: any type, flags, stream, up to 64 octets of payload
        const payload = Buffer.from(Array.from({ length: r.int(65) }, () => r.int(256)));
        const header = Buffer.alloc(9);
        header.writeUIntBE(payload.length, 0, 3);
        header[3] = r.int(12);
        header[4] = r.int(256);
        header.writeUInt32BE(r.pick(INTERESTING_IDS) >>> 0, 5);
        frames.splice(i, 0, Buffer.concat([header, payload]));
      }
    }
  }
  return Buffer.concat(frames);
}

/** Sends each case on its own connection, `parallel` at a time, until `cases` were sent or the time `until`. */
export async function fuzz(port: number, seeds: Conversation[], seed: number, cases: number, until: number, parallel = 16): Promise<number> {
  const r = prng(seed);
  let sent = 0;
  const worker = async () => {
    while (sent < cases && Date.now() < until) {
      sent++;
      const bytes = mutate(r, r.pick(seeds));
      await new Promise<void>((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.end(bytes));
        const timer = setTimeout(() => socket.destroy(), 2000);
        socket.on('data', () => {});
        socket.on('error', () => {});
        socket.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return sent;
}
