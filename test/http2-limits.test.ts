// Every limit of src/http2/limits/limits.ts at its edges: one under it, at it, and one over it, with the error code and
// the debug string naming the limit. The attack tests (test/attacks/) show the same limits under real floods.
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import t from 'tap';
import { CLIENT_PREFACE, encodeFrame, ErrorCode, type Frame, FrameType } from '../src/frames/index.js';
import { Connection, DEFAULT_LIMITS } from '../src/http2/index.js';
import { GET, h2Server, RawPeer, rawServer } from './raw-peer.js';
import { createClient, Status, type StatusError } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { once, until } from './wait.js';

const code = (f: Frame | undefined) => (f as { errorCode?: number } | undefined)?.errorCode;
const debug = (f: Frame | undefined) => Buffer.from((f as { debugData?: Uint8Array } | undefined)?.debugData ?? []).toString();

/** A default as the docs write it: 65536 octets, 4 MiB, 30 s, burst 1000, 33/s, 8. */
function documented(name: string, value: unknown): string {
  if (name === 'dataFramingBudget') {
    const { threshold, budget, perSecond } = value as { threshold: number; budget: number; perSecond: number };
    return `threshold ${threshold}, budget ${budget / (1 << 20)} MiB, ${perSecond / 1024} KiB/s`;
  }
  if (typeof value === 'object') {
    const { burst, perSecond } = value as { burst: number; perSecond: number };
    return `burst ${burst}, ${perSecond}/s`;
  }
  const n = value as number;
  if (/Timeout|Grace/.test(name)) return `${n / 1000} s`;
  if (name === 'maxOutboundBuffer' || name === 'maxOpenHeaderListOctets') return `${n / (1 << 20)} MiB`;
  if (name === 'maxHeaderBlockSize') return `${n} octets`;
  return String(n);
}

t.test('every limit is listed with its default in the README and in docs/security.md', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const security = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8');
  for (const [name, value] of Object.entries(DEFAULT_LIMITS)) {
    const row = (text: string, cell: string) => text.split('\n').find((line) => line.includes(cell)) ?? '';
    t.match(row(readme, `\`${name}\``), documented(name, value), `README: ${name} ${documented(name, value)}`);
    t.match(row(security, `\`limits.${name}\``), documented(name, value), `docs/security.md: ${name} ${documented(name, value)}`);
  }
});

t.test('maxContinuationFrames: 8 CONTINUATION frames are fine, the 9th ends the connection', async (t) => {
  for (const continuations of [7, 8, 9]) {
    const { port } = await h2Server(t);
    const peer = await RawPeer.connect(port);
    const block = Buffer.from(peer.hpackOut.encode(GET));
    const pieces = continuations + 1;
    const size = Math.ceil(block.length / pieces);
    peer.send({ type: FrameType.HEADERS, streamId: 1, endStream: true, endHeaders: false, headerBlock: block.subarray(0, size) });
    for (let i = 1; i < pieces; i++) {
      peer.send({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: i === pieces - 1, headerBlock: block.subarray(i * size, (i + 1) * size) });
    }
    if (continuations <= 8) {
      t.ok(await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1), `${continuations} CONTINUATION frames: answered`);
    } else {
      const goaway = await peer.goaway();
      t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, '9: GOAWAY ENHANCE_YOUR_CALM');
      t.match(debug(goaway), /maxContinuationFrames/, 'naming the limit');
    }
    peer.close();
  }
});

t.test('maxHeaderBlockSize: a block of exactly the limit is read, one octet more ends the connection', async (t) => {
  for (const extra of [0, 1]) {
    const { port } = await h2Server(t, { limits: { maxHeaderBlockSize: 200 } });
    const peer = await RawPeer.connect(port);
    const start = Buffer.from(peer.hpackOut.encode(GET));
    // pad with a literal field (without indexing) so the block is exactly 200 (+ extra) octets
    const target = 200 + extra;
    let valueLength = target - start.length - 4;
    if (valueLength >= 127) valueLength--; // the value's length then takes two octets (RFC 7541 §5.1)
    const length = valueLength < 127 ? [valueLength] : [0x7f, valueLength - 127];
    const block = Buffer.concat([start, Buffer.from([0x00, 1, 0x78, ...length]), Buffer.alloc(valueLength, 0x61)]);
    t.equal(block.length, 200 + extra);
    peer.send({ type: FrameType.HEADERS, streamId: 1, endStream: true, endHeaders: false, headerBlock: block.subarray(0, 100) });
    peer.send({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: true, headerBlock: block.subarray(100) });
    if (extra === 0) {
      t.ok(await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1), 'a block of 200 octets: answered');
    } else {
      const goaway = await peer.goaway();
      t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, '201 octets: GOAWAY ENHANCE_YOUR_CALM');
      t.match(debug(goaway), /maxHeaderBlockSize/);
    }
    peer.close();
  }
});

t.test('header fields count 32 octets each toward SETTINGS_MAX_HEADER_LIST_SIZE, so empty ones cannot flood', async (t) => {
  // GET is 179 octets by RFC 9113 §6.5.2's accounting; each ["x", ""] is 33
  for (const [fields, answer] of [[24, '200'], [25, '431']] as const) {
    const { port } = await h2Server(t, { settings: { maxHeaderListSize: 1000 } });
    const peer = await RawPeer.connect(port);
    peer.headers(1, [...GET, ...Array.from({ length: fields }, () => ['x', ''] as [string, string])], true);
    const response = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
    t.equal(peer.hpackIn.decode((response as { headerBlock: Uint8Array }).headerBlock)[0]![1], answer, `${179 + 33 * fields} octets: ${answer}`);
    peer.close();
  }
});

/** Rates: a bucket of `burst` 3 that does not refill during the test; the 4th abuse ends the connection. */
const RATE = { burst: 3, perSecond: 0.001 };
const rateCases: Array<[string, object, (p: RawPeer, i: number) => void]> = [
  ['streamResetRate', { streamResetRate: RATE }, (p, i) => {
    p.headers(1 + 2 * i, GET);
    p.send({ type: FrameType.RST_STREAM, streamId: 1 + 2 * i, errorCode: ErrorCode.CANCEL });
  }],
  ['emptyDataRate', { emptyDataRate: RATE }, (p, i) => {
    if (i === 0) p.headers(1, GET);
    p.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: new Uint8Array(0) });
  }],
  ['priorityRate', { priorityRate: RATE }, (p, i) => p.send({ type: FrameType.PRIORITY, streamId: 1 + 2 * i, priority: { streamDependency: 0, exclusive: false, weight: 16 } })],
  ['glitchRate', { glitchRate: RATE }, (p, i) => p.headers(1 + 2 * i, [...GET, ['X-Bad', '1']], true)],
];

t.test('rate limits: the burst is allowed, one more earns GOAWAY ENHANCE_YOUR_CALM naming the limit', async (t) => {
  for (const [name, limits, abuse] of rateCases) {
    for (const times of [3, 4]) {
      const { port } = await h2Server(t, { limits }, false);
      const peer = await RawPeer.connect(port);
      for (let i = 0; i < times; i++) abuse(peer, i);
      if (times === 3) {
        t.ok(await peer.alive(), `${name}: 3 are fine`);
      } else {
        const goaway = await peer.goaway();
        t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, `${name}: the 4th earns GOAWAY ENHANCE_YOUR_CALM`);
        t.match(debug(goaway), new RegExp(name), 'naming the limit');
      }
      peer.close();
    }
  }
});

t.test('settingsRate: the first SETTINGS counts (ACKs do not); the burst of 3 allows 2 more', async (t) => {
  for (const more of [2, 3]) {
    const { port } = await h2Server(t, { limits: { settingsRate: RATE } });
    const peer = await RawPeer.connect(port); // its SETTINGS and its ACK of ours
    for (let i = 0; i < more; i++) peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
    if (more === 2) {
      // a PING answered after them: they were all handled, and no GOAWAY came first
      t.ok(await peer.alive() && !peer.received(FrameType.GOAWAY).length, 'within the burst');
    } else {
      t.match(debug(await peer.goaway()), /settingsRate/);
    }
    peer.close();
  }
});

/** A socket whose peer never reads: nothing written is ever taken, so every write reports a full buffer. */
function deafSocket(): Duplex {
  return new Duplex({ read() {}, write() {}, writableHighWaterMark: 1 });
}

function feed(socket: Duplex, frames: Frame[]): void {
  socket.push(Buffer.concat([CLIENT_PREFACE, ...frames.map((f) => encodeFrame(f))]));
}

const ping = (i: number): Frame => ({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.alloc(8, i) });

t.test('maxQueuedControlFrames: ACKs owed to a peer that does not read are bounded', async (t) => {
  // its SETTINGS earns one SETTINGS ACK; then n PINGs earn n PING ACKs: 1 + n control frames queued
  for (const pings of [9, 10]) {
    const socket = deafSocket();
    const connection = new Connection(socket, 'server', { limits: { maxQueuedControlFrames: 10 } });
    let framesIn = 0;
    connection.observer = { frame: ({ direction }) => direction === 'in' && framesIn++ };
    await new Promise((r) => setImmediate(r)); // our SETTINGS go out: the socket is now full
    feed(socket, [{ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }, ...Array.from({ length: pings }, (_, i) => ping(i))]);
    await until(() => connection.closed || framesIn === 1 + pings, 'the frames were read');
    if (pings === 9) {
      t.notOk(connection.closed, '10 queued control frames: kept');
    } else {
      t.ok(connection.closed, '11: closed');
      t.match(connection.closeError?.message, /ENHANCE_YOUR_CALM: maxQueuedControlFrames/);
    }
    connection.destroy();
  }
});

t.test('maxOutboundBuffer: past it the peer is not read any more, and after outboundStallTimeout it is closed', async (t) => {
  const socket = deafSocket();
  const connection = new Connection(socket, 'server', { limits: { maxOutboundBuffer: 200, outboundStallTimeout: 300, maxQueuedControlFrames: 1e6 } });
  let pingsSeen = 0;
  connection.observer = { frame: ({ direction, frame }) => direction === 'in' && frame.type === FrameType.PING && pingsSeen++ };
  await new Promise((r) => setImmediate(r));
  const fed = Date.now();
  feed(socket, [{ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }, ...Array.from({ length: 20 }, (_, i) => ping(i))]);
  await until(() => socket.isPaused() || connection.closed, 'reading stopped');
  t.ok(socket.isPaused(), 'reading stopped');
  const seen = pingsSeen;
  socket.push(encodeFrame(ping(99)));
  let seenAtClose = -1;
  connection.once('close', () => (seenAtClose = pingsSeen));
  await once(connection, 'close', connection.closed);
  t.ok(Date.now() - fed >= 300, 'not closed before the timeout');
  t.equal(seenAtClose, seen, 'nothing more was read while the peer did not read');
  t.ok(connection.closed, 'closed after outboundStallTimeout');
  t.match(connection.closeError?.message, /ENHANCE_YOUR_CALM: outboundStallTimeout/);
});

t.test('maxClosedStreams: the latest stream ids keep why they closed, older ones are forgotten', async (t) => {
  const threeClosed = async () => {
    const { port } = await h2Server(t, { limits: { maxClosedStreams: 2 } });
    const peer = await RawPeer.connect(port);
    t.teardown(() => peer.close());
    for (const id of [1, 3, 5]) {
      peer.headers(id, GET, true);
      await peer.waitFor((f) => f.type === FrameType.DATA && f.streamId === id && (f as { endStream: boolean }).endStream);
    }
    return peer;
  };
  // stream 1 is forgotten: DATA on it is a stream error; stream 3 is remembered: a connection error
  const first = await threeClosed();
  first.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.from('x') });
  t.equal(code(await first.rst(1)), ErrorCode.STREAM_CLOSED, 'the forgotten stream: RST_STREAM STREAM_CLOSED');
  const second = await threeClosed();
  second.send({ type: FrameType.DATA, streamId: 3, endStream: false, data: Buffer.from('x') });
  t.equal(code(await second.goaway()), ErrorCode.STREAM_CLOSED, 'a remembered stream closed both ways: GOAWAY STREAM_CLOSED');
});

t.test('the client side has the same limits: a server flooding SETTINGS fails the call UNAVAILABLE, naming the limit', async (t) => {
  const port = await rawServer(t, (frame, reply) => {
    if (frame.type !== FrameType.HEADERS) return;
    reply(...Array.from({ length: 150 }, (): Frame => ({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] })));
  });
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  const err = await client.Calc({ n: 1 }, { timeout: 5000 }).then(() => undefined, (e: StatusError) => e);
  t.equal(err?.code, Status.UNAVAILABLE, 'the call fails UNAVAILABLE');
  t.match(err?.details, /ENHANCE_YOUR_CALM: settingsRate/, 'naming the limit the server broke');
});
