// The 2025–26 attacks at their edges: DATA framing overhead (tiny and padding-only DATA frames), header lists held
// by a peer that never opens its window, the invalid preface of RFC 9113 §3.4, calls that carry no message, and
// metadata values outside gRPC's ASCII-Value. test/attacks/ runs the same attacks as floods in a separate process.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t, { type Test } from 'tap';
import { encodeFrame, ErrorCode, type Frame, FrameType } from '../src/frames/index.js';
import { MessageReader } from '../src/grpc/call/message.js';
import { createClient, Server, type ServerCall, Status, type StatusError } from '../src/grpc/index.js';
import { PiStreams } from '../examples/gen/pi-streaming.js';
import { GET, h2Server, RawPeer, rawServer } from './raw-peer.js';
import { PI_PROTO, piService } from '../examples/pi-service.js';

const code = (f: Frame | undefined) => (f as { errorCode?: number } | undefined)?.errorCode;
const debug = (f: Frame | undefined) => Buffer.from((f as { debugData?: Uint8Array } | undefined)?.debugData ?? []).toString();
const data = (streamId: number, octets: number | Buffer, endStream = false, padding?: number): Frame =>
  ({ type: FrameType.DATA, streamId, endStream, data: typeof octets === 'number' ? Buffer.alloc(octets, 0x61) : octets, ...(padding === undefined ? {} : { padding }) });

// ---- dataFramingBudget ------------------------------------------------------------------------------------------

/** threshold 100, budget 990, no refill by time: each 1-octet frame costs 99, so 10 fit and the 11th is over. */
const BUDGET = { dataFramingBudget: { threshold: 100, budget: 990, perSecond: 0 } };

t.test('dataFramingBudget: 10 small frames of unused data fit the budget, the 11th earns GOAWAY naming it', async (t) => {
  for (const frames of [10, 11]) {
    const { port } = await h2Server(t, { limits: BUDGET }, false); // the handler never uses what it gets
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    for (let i = 0; i < frames; i++) peer.send(data(1, 1));
    if (frames === 10) {
      t.ok(await peer.alive(), '10 × 99 = 990 octets of overhead: at the budget, kept');
    } else {
      const goaway = await peer.goaway();
      t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, '11 × 99 = 1089: GOAWAY ENHANCE_YOUR_CALM');
      t.match(debug(goaway), /^ENHANCE_YOUR_CALM: dataFramingBudget/, 'naming the limit');
    }
    peer.close();
  }
});

t.test('dataFramingBudget: frames of the threshold give it back, END_STREAM frames and used data cost nothing', async (t) => {
  const cases: Array<[string, (peer: RawPeer) => void, boolean]> = [
    ['10 small, one of 100 octets (gives 100 back), 1 more small', (p) => {
      for (let i = 0; i < 10; i++) p.send(data(1, 1));
      p.send(data(1, 100));
      p.send(data(1, 1));
    }, true],
    ['10 small, one of 99 octets (small too: costs 1), 1 more small', (p) => {
      for (let i = 0; i < 10; i++) p.send(data(1, 1));
      p.send(data(1, 99));
      p.send(data(1, 1));
    }, false],
    ['10 small, then a small one with END_STREAM', (p) => {
      for (let i = 0; i < 10; i++) p.send(data(1, 1));
      p.send(data(1, 1, true));
    }, true],
  ];
  for (const [what, send, kept] of cases) {
    const { port } = await h2Server(t, { limits: BUDGET }, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    send(peer);
    if (kept) t.ok(await peer.alive(), `${what}: kept`);
    else t.match(debug(await peer.goaway()), /dataFramingBudget/, `${what}: over`);
    peer.close();
  }
  // a handler that uses each payload (consume) gives its frames' charge back at once: any number of small frames
  const { port } = await h2Server(t, { limits: BUDGET }, true);
  const peer = await RawPeer.connect(port);
  peer.headers(1, GET);
  for (let i = 0; i < 200; i++) peer.send(data(1, 1));
  t.ok(await peer.alive(), '200 small frames whose data the application used: kept');
  peer.close();
});

t.test('padding is not data: a PADDED frame of 1 octet of data is charged like an unpadded 1-octet frame', async (t) => {
  // 1 octet + 200 of padding: 202 octets of payload, over the threshold were padding counted; the data is 1 octet
  for (const frames of [10, 11]) {
    const { port } = await h2Server(t, { limits: BUDGET }, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    for (let i = 0; i < frames; i++) peer.send(data(1, 1, false, 200));
    if (frames === 10) {
      t.ok(await peer.alive(), '10 padded frames × 99 = 990: at the budget, kept');
    } else {
      const goaway = await peer.goaway();
      t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, 'the 11th padded frame: GOAWAY ENHANCE_YOUR_CALM');
      t.match(debug(goaway), /^ENHANCE_YOUR_CALM: dataFramingBudget/, 'naming the limit');
    }
    peer.close();
  }
});

t.test('padding is not data: PADDED frames with no data count as empty DATA (emptyDataRate)', async (t) => {
  for (const frames of [3, 4]) {
    const { port } = await h2Server(t, { limits: { emptyDataRate: { burst: 3, perSecond: 0.001 } } }, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    for (let i = 0; i < frames; i++) peer.send(data(1, 0, false, 200));
    if (frames === 3) t.ok(await peer.alive(), '3 padding-only frames: the burst');
    else t.match(debug(await peer.goaway()), /^ENHANCE_YOUR_CALM: emptyDataRate/, 'the 4th: GOAWAY emptyDataRate');
    peer.close();
  }
});

/** A gRPC message of PiRequest{n}: field 1, varint. */
const piMessage = (n: number) => Buffer.from([0, 0, 0, 0, 2, 0x08, n]);
const PI_CALL: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1'], ['content-type', 'application/grpc'], ['te', 'trailers']];

async function piServer(t: Test, options = {}): Promise<number> {
  const server = new Server(options).addService(piService, { Calc: ({ n }: { n: number }) => ({ value: n }) });
  t.teardown(() => server.forceShutdown());
  return server.listen(0, '127.0.0.1');
}

t.test('dataFramingBudget and gRPC: a message split into tiny frames is charged until it is whole', async (t) => {
  const port = await piServer(t, { limits: BUDGET });
  // a 7-octet message as 7 frames of 1 octet: 6 × 99 charged, then the message is whole and the charge given back
  const peer = await RawPeer.connect(port);
  for (let stream = 1; stream <= 9; stream += 2) {
    peer.headers(stream, PI_CALL);
    const message = piMessage(stream);
    for (let i = 0; i < message.length; i++) peer.send(data(stream, message.subarray(i, i + 1), i === message.length - 1));
  }
  const answered = await Promise.all([1, 3, 5, 7, 9].map((id) => peer.waitFor((f) => f.streamId === id && f.type === FrameType.HEADERS && (f as { endStream: boolean }).endStream)));
  t.ok(answered.every(Boolean), 'five calls, each message in 1-octet frames (35 frames in all): every one answered');
  t.ok(await peer.alive(), 'and the connection kept');
  peer.close();
  // the same frames for one message that never completes: over the budget
  const over = await RawPeer.connect(port);
  over.headers(1, PI_CALL);
  over.send(data(1, Buffer.from([0, 0, 0, 1, 0])));
  for (let i = 0; i < 11; i++) over.send(data(1, 1));
  t.match(debug(await over.goaway()), /dataFramingBudget/, 'a 256-octet message trickling in 1-octet frames: GOAWAY after 11');
  over.close();
});

t.test('real clients never trip the default budget', async (t) => {
  const server = new Server().addService(PiStreams, {
    // the handler reads slowly: messages wait whole, and whole messages no longer charge their frames
    Summarize: async (requests: AsyncIterable<{ n: number }>) => {
      let count = 0;
      for await (const _ of requests) if (++count % 1000 === 0) await new Promise((r) => setImmediate(r));
      return { count };
    },
  });
  t.teardown(() => server.forceShutdown());
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(`127.0.0.1:${port}`, PiStreams);
  t.teardown(() => client.close());
  // ours: 20,000 messages of 2 octets, each in its own DATA frame of 7 octets, as fast as they go
  const summary = await client.Summarize(Array.from({ length: 20_000 }, () => ({ n: 1 })));
  t.equal(summary.count, 20_000, 'h2grpc client: 20,000 one-frame messages arrive');
  // grpc-js: the same, 5,000 messages
  const def = protoLoader.loadSync(PI_PROTO.replace(/pi\.proto$/, 'pi-streaming.proto'), { keepCase: true });
  const Stub = (grpc.loadPackageDefinition(def) as unknown as { pi_streaming: { PiStreams: grpc.ServiceClientConstructor } }).pi_streaming.PiStreams;
  const stub = new Stub(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => stub.close());
  const count = await new Promise<number>((resolve, reject) => {
    const call = stub.Summarize!((err: Error | null, res: { count: number }) => (err ? reject(err) : resolve(res.count))) as grpc.ClientWritableStream<{ n: number }>;
    for (let i = 0; i < 5000; i++) call.write({ n: 1 + (i % 100) });
    call.end();
  });
  t.equal(count, 5000, 'grpc-js client: 5,000 one-frame messages arrive');
  // a 1 MiB message in 16 KiB DATA frames is no small frame at all (test/large-messages.test.ts sends up to 4 MiB)
});

t.test('the client has the same budget: a server trickling a response in 1-octet frames fails the call, naming it', async (t) => {
  const port = await rawServer(t, (frame, reply, hpack) => {
    if (frame.type !== FrameType.HEADERS) return;
    const id = frame.streamId;
    reply({ type: FrameType.HEADERS, streamId: id, endStream: false, endHeaders: true, headerBlock: hpack.encode([[':status', '200'], ['content-type', 'application/grpc']]) });
    reply(data(id, Buffer.from([0, 0, 0x10, 0, 0]))); // a 1 MiB message to come
    reply(...Array.from({ length: 5000 }, () => data(id, 1)));
  });
  const client = createClient(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  const err = await client.Calc({ n: 1 }, { timeout: 10_000 }).then(() => undefined, (e: StatusError) => e);
  t.equal(err?.code, Status.UNAVAILABLE, 'UNAVAILABLE');
  t.match(err?.details, /ENHANCE_YOUR_CALM: dataFramingBudget/, 'naming the limit the server broke');
});

t.test('reassembly holds octets, not frames: a message in 1-octet pieces is gathered in few buffers', async (t) => {
  const message = Buffer.alloc(100_000, 7);
  const framed = Buffer.concat([Buffer.from([0, 0, 0x01, 0x86, 0xa0]), message]);
  const reader = new MessageReader();
  let out: Array<{ data: Uint8Array }> = [];
  for (let i = 0; i < framed.length; i++) out = out.concat(reader.push(framed.subarray(i, i + 1)));
  t.equal(out.length, 1, 'one message');
  t.ok(Buffer.from(out[0]!.data).equals(message), 'every octet in place');
  // midway, what is held: a handful of 16 KiB buffers, not 50,000 views
  const half = new MessageReader();
  for (let i = 0; i < framed.length / 2; i++) half.push(framed.subarray(i, i + 1));
  const parts = (half as unknown as { parts: Uint8Array[] }).parts;
  t.ok(parts.length <= 4, `50,000 one-octet pieces held in ${parts.length} buffers`);
  // small and large pieces alternating: views of the large, copies of the small, in order
  const mixed = new MessageReader();
  const pieces: Buffer[] = [];
  for (let at = 0; at < framed.length;) {
    const n = pieces.length % 2 ? 2000 : 1;
    pieces.push(framed.subarray(at, at + n));
    at += n;
  }
  const got = pieces.flatMap((p) => mixed.push(p));
  t.ok(got.length === 1 && Buffer.from(got[0]!.data).equals(message), 'alternating 1 and 2000 octets: the same message');
});

// ---- maxOpenHeaderListOctets and the stalled window --------------------------------------------------------------

t.test('maxOpenHeaderListOctets: open streams hold header lists up to the limit; past it REFUSED_STREAM', async (t) => {
  // GET is 4 fields: 7+4 + 7+4 + 5+5 + 10+9 + 4×32 = 179 octets; with x-pad of 789 octets (5 + 784 + 32 = 821): 1000
  const request: Array<[string, string]> = [...GET, ['x-pad', 'p'.repeat(784)]];
  const { port, streams } = await h2Server(t, { limits: { maxOpenHeaderListOctets: 2000 } }, false);
  const peer = await RawPeer.connect(port);
  peer.headers(1, request);
  peer.headers(3, request);
  t.ok(await peer.alive(), 'two open streams of 1000 octets each: at the limit, both taken');
  t.equal(streams.length, 2);
  peer.headers(5, GET);
  t.equal(code(await peer.rst(5)), ErrorCode.REFUSED_STREAM, 'a third (179 more): RST_STREAM REFUSED_STREAM');
  peer.send({ type: FrameType.RST_STREAM, streamId: 1, errorCode: ErrorCode.CANCEL });
  peer.headers(7, GET);
  t.ok(await peer.alive(), 'once stream 1 closed, its octets are free again');
  t.equal(streams.length, 3, 'stream 7 taken');
  peer.close();
});

t.test('outboundStallTimeout: DATA no window lets out ends the connection; a window opened in time keeps it', async (t) => {
  for (const opens of [false, true]) {
    const { port } = await h2Server(t, { limits: { outboundStallTimeout: 300 } });
    const peer = await RawPeer.connect(port, false);
    peer.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 0]] }); // INITIAL_WINDOW_SIZE 0
    await peer.waitFor((f) => f.type === FrameType.SETTINGS && !(f as { ack: boolean }).ack);
    peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    peer.headers(1, GET, true); // answered with 1000 octets of DATA, which wait for window
    await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
    if (opens) {
      peer.send({ type: FrameType.WINDOW_UPDATE, streamId: 1, increment: 1000 });
      t.ok(await peer.waitFor((f) => f.type === FrameType.DATA && (f as { endStream: boolean }).endStream), 'the window opened: the DATA goes out');
      t.ok(await peer.alive(), 'and the connection stays');
      t.equal(peer.received(FrameType.GOAWAY).length, 0, 'no GOAWAY');
    } else {
      const goaway = await peer.goaway();
      t.equal(code(goaway), ErrorCode.ENHANCE_YOUR_CALM, 'the window never opened: GOAWAY ENHANCE_YOUR_CALM');
      t.match(debug(goaway), /outboundStallTimeout: the peer opened no flow-control window for 300 ms/, 'naming the limit');
    }
    peer.close();
  }
});

// ---- RFC 9113 §3.4: the preface -----------------------------------------------------------------------------------

/** Writes `pieces` to our server one by one and collects what comes back until it closes. */
async function firstOctets(port: number, pieces: string[]): Promise<Buffer> {
  const socket = net.connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  socket.on('data', (d) => got.push(d));
  await new Promise((r) => socket.once('connect', r));
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => socket.once('close', r));
  return Buffer.concat(got);
}

t.test('RFC 9113 §3.4: an HTTP/1.x request line is answered in HTTP/1.1 (served, or a 505 when http1 is off); any other invalid preface GOAWAY PROTOCOL_ERROR', async (t) => {
  const port = await piServer(t);
  const http2Only = await piServer(t, { http1: false });
  for (const pieces of [['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], ['GE', 'T /pi HT', 'TP/1.0\r\n\r\n'], ['OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']]) {
    const served = (await firstOctets(port, pieces)).toString('latin1');
    t.match(served, /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*This port serves gRPC, gRPC-Web and Connect/, `${JSON.stringify(pieces.join(''))}: served as HTTP/1.1, a readable 405`);
    const refused = (await firstOctets(http2Only, pieces)).toString('latin1');
    t.match(refused, /^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/, `${JSON.stringify(pieces.join(''))}: with http1 off, a readable 505`);
  }
  for (const preface of ['INVALID CONNECTION PREFACE\r\n\r\n', 'GET /no-version\r\n\r\n', 'POST / HTTP/2.0\r\n\r\nSM\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n']) {
    const answer = await firstOctets(port, [preface]);
    t.notMatch(answer.toString('latin1'), /^HTTP\/1/, `${JSON.stringify(preface)}: no HTTP/1.1 answer`);
    // our SETTINGS (the server preface), then GOAWAY
    const goawayAt = answer.indexOf(Buffer.from([FrameType.GOAWAY, 0, 0, 0, 0, 0]), 3);
    t.ok(goawayAt > 0, 'a GOAWAY frame');
    t.equal(answer.readUInt32BE(goawayAt + 10), ErrorCode.PROTOCOL_ERROR, 'with PROTOCOL_ERROR');
  }
});

t.test('a client whose server answers in HTTP/1.1 says so, instead of reading a frame header out of it', async (t) => {
  const http1 = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')));
  await new Promise<void>((r) => http1.listen(0, '127.0.0.1', r));
  t.teardown(() => http1.close());
  const client = createClient(`127.0.0.1:${(http1.address() as net.AddressInfo).port}`, piService);
  t.teardown(() => client.close());
  const err = await client.Calc({ n: 1 }, { timeout: 10_000 }).then(() => undefined, (e: StatusError) => e);
  t.equal(err?.code, Status.UNAVAILABLE, 'UNAVAILABLE');
  t.match(err?.details, /the server answered in HTTP\/1\.x \(HTTP\/1\.1 400 Bad Request\), not HTTP\/2/, 'naming what it answered');
});

// ---- calls without a message ------------------------------------------------------------------------------------

/** Header blocks decoded in the order they arrived (HPACK's dynamic table requires it), each once. */
const decoded = new WeakMap<Frame, Record<string, string>>();

async function callStatus(peer: RawPeer, id: number): Promise<Record<string, string>> {
  const f = await peer.waitFor((f) => f.streamId === id && f.type === FrameType.HEADERS && (f as { endStream: boolean }).endStream);
  for (const frame of peer.frames) {
    if (frame.type === FrameType.HEADERS && !decoded.has(frame)) decoded.set(frame, Object.fromEntries(peer.hpackIn.decode((frame as { headerBlock: Uint8Array }).headerBlock)));
  }
  return (f && decoded.get(f)) ?? {};
}

t.test('a unary call with no message, or two, is answered at once with UNIMPLEMENTED on every path', async (t) => {
  const port = await piServer(t, { requestTimeout: 60_000 }); // an answer cannot come from the request timeout
  const peer = await RawPeer.connect(port);
  const started = Date.now();
  peer.headers(1, PI_CALL, true); // END_STREAM on the HEADERS (nghttp without -d)
  peer.headers(3, PI_CALL);
  peer.send(data(3, 0, true)); // an empty DATA frame with END_STREAM
  peer.headers(5, PI_CALL);
  peer.send(data(5, Buffer.concat([piMessage(1), piMessage(2)]), true)); // two messages
  peer.headers(7, PI_CALL);
  peer.send(data(7, Buffer.from([0, 0, 0]), true)); // a prefix cut short
  for (const id of [1, 3, 5]) {
    const status = await callStatus(peer, id);
    t.equal(status['grpc-status'], String(Status.UNIMPLEMENTED), `stream ${id}: UNIMPLEMENTED`);
    t.match(status['grpc-message'], id === 5 ? /exactly one request message, not more/ : /exactly one request message, not 0/);
  }
  const cut = await callStatus(peer, 7);
  t.equal(cut['grpc-status'], String(Status.INTERNAL), 'stream 7, a message cut short: INTERNAL');
  t.match(cut['grpc-message'], /ended inside a message/);
  t.ok(Date.now() - started < 30_000, 'answered at once, not by requestTimeout (60 s)');
  peer.close();
});

t.test('a server-streaming call with no message is answered at once with UNIMPLEMENTED, its handler never run', async (t) => {
  let handled = 0;
  const server = new Server({ requestTimeout: 60_000 }).addService(PiStreams, {
    Approximations: async function* ({ n }: { n: number }) {
      handled++;
      yield { n };
    },
  });
  t.teardown(() => server.forceShutdown());
  const port = await server.listen(0, '127.0.0.1');
  const peer = await RawPeer.connect(port);
  const started = Date.now();
  const call: Array<[string, string]> = PI_CALL.map(([name, value]) => [name, name === ':path' ? '/pi_streaming.PiStreams/Approximations' : value]);
  peer.headers(1, call, true); // END_STREAM on the HEADERS, no DATA
  peer.headers(3, call);
  peer.send(data(3, 0, true)); // an empty DATA frame with END_STREAM
  for (const id of [1, 3]) {
    const status = await callStatus(peer, id);
    t.equal(status['grpc-status'], String(Status.UNIMPLEMENTED), `stream ${id}: UNIMPLEMENTED`);
    t.match(status['grpc-message'], /a server-streaming call takes exactly one request message, not 0/);
  }
  t.ok(Date.now() - started < 30_000, 'answered at once, not by requestTimeout (60 s)');
  t.equal(handled, 0, 'the handler never ran');
  peer.close();
});

t.test('nghttp sending a request with no body gets UNIMPLEMENTED', { skip: !(await hasNghttp()) && !process.env.H2GRPC_REQUIRE_PEERS ? 'nghttp not installed' : false }, async (t) => {
  const { execFile } = await import('node:child_process');
  const port = await piServer(t);
  const out = await new Promise<string>((resolve) => {
    execFile('nghttp', ['-v', '-H', 'content-type: application/grpc', '-H', 'te: trailers', '-H', ':method: POST', `http://127.0.0.1:${port}/pi.PiCalculator/Calc`], { timeout: 20_000 }, (_err, stdout) => resolve(stdout));
  });
  t.match(out, /grpc-status: 12/, 'grpc-status 12 (UNIMPLEMENTED)');
  t.match(out, /exactly one request message, not 0/);
});

async function hasNghttp(): Promise<boolean> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => execFile('nghttp', ['--version'], (err) => resolve(!err)));
}

// ---- metadata values ----------------------------------------------------------------------------------------------

t.test('gRPC ASCII-Value: a non-binary metadata value with DEL or an octet above 0x7E is refused', async (t) => {
  const seen: string[] = [];
  const server = new Server().addService(piService, {
    Calc: ({ n }: { n: number }, call: ServerCall) => {
      seen.push(String(call.metadata.get('x-a')));
      return { value: n };
    },
  });
  t.teardown(() => server.forceShutdown());
  const port = await server.listen(0, '127.0.0.1');
  const peer = await RawPeer.connect(port);
  const values = ['a~b', 'a\x7fb', 'caf\xe9'];
  values.forEach((value, i) => {
    const id = 1 + 2 * i;
    peer.headers(id, [...PI_CALL, ['x-a', value]]);
    peer.send(data(id, piMessage(1), true));
  });
  const statuses = await Promise.all(values.map((_, i) => callStatus(peer, 1 + 2 * i)));
  t.equal(statuses[0]!['grpc-status'], '0', '%x20-%x7E: served');
  for (const i of [1, 2]) {
    t.equal(statuses[i]!['grpc-status'], String(Status.INTERNAL), `${JSON.stringify(values[i])}: INTERNAL`);
    t.match(decodeURIComponent(statuses[i]!['grpc-message']!), /outside printable ASCII \(%x20-%x7E\)/);
  }
  t.same(seen, ['a~b'], 'the handler never saw the refused values');
  peer.close();
});

