// Binary logging of real calls (gRFC A16), read back from the file: every entry of our client → our server unary
// and streaming calls (sequence ids, kinds, metadata, payloads, peers, Trailers-Only, compressed messages logged
// as the application sees them), the filter's limits and exclusions, a cancelled call, deadlines on either side,
// grpc-js → our server, and `h2grpc trace` reading the file.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { mkdtempSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { type BinaryLog, binaryLog, createClient, EventType, type LogEntry, Metadata, readBinaryLog, Server, type ServerCall, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import { H2GRPC_CLI, run } from './peers.js';
import { signal, until } from './wait.js';

const dir = mkdtempSync(join(tmpdir(), 'h2grpc-binlog-calls-'));
let files = 0;
const newLog = (filter = '*') => binaryLog({ filter, file: join(dir, `${++files}.binlog`) });
const EVENTS = Object.fromEntries(Object.entries(EventType).map(([k, v]) => [v, k])) as Record<number, string>;

/** An entry without its time and call id: [sequence id, event, what it carries]; octets as hex, text metadata as text. */
function shape(e: LogEntry): unknown[] {
  const md = (entries: Array<{ key: string; value: Uint8Array }>) => entries.map(({ key, value }) => [key, key.endsWith('-bin') ? Buffer.from(value).toString('hex') : Buffer.from(value).toString('latin1')]);
  const out: unknown[] = [e.sequenceIdWithinCall, EVENTS[e.type]];
  if (e.clientHeader) out.push({ md: md(e.clientHeader.metadata), method: e.clientHeader.methodName, authority: e.clientHeader.authority });
  if (e.serverHeader) out.push({ md: md(e.serverHeader.metadata) });
  if (e.message) out.push({ length: e.message.length, data: Buffer.from(e.message.data).toString('hex') });
  if (e.trailer) out.push({ md: md(e.trailer.metadata), code: e.trailer.statusCode, message: e.trailer.statusMessage, details: Buffer.from(e.trailer.statusDetails).toString('hex') });
  if (e.payloadTruncated) out.push('truncated');
  return out;
}

interface LoggedCall {
  side: string;
  entries: LogEntry[];
}

/** The log's calls, each with its side and entries, in the order each call first appears in the file. */
async function readCalls(log: BinaryLog): Promise<LoggedCall[]> {
  await log.flush();
  const byCall = new Map<string, LoggedCall>();
  for (const e of readBinaryLog(readFileSync(log.file))) {
    const key = `${e.logger}/${e.callId}`;
    if (!byCall.has(key)) byCall.set(key, { side: e.logger === 1 ? 'client' : 'server', entries: [] });
    byCall.get(key)!.entries.push(e);
  }
  return [...byCall.values()];
}

/** readCalls, checking what every call must be: sequence ids 1, 2, 3…, times in order, call ids unique and not 0. */
async function calls(t: Test, log: BinaryLog): Promise<LoggedCall[]> {
  const all = await readCalls(log);
  t.equal(log.dropped, 0, 'nothing dropped');
  const ids = new Set<number>();
  for (const { entries } of all) {
    ids.add(entries[0]!.callId);
    t.same(entries.map((e) => e.sequenceIdWithinCall), entries.map((_, i) => i + 1), `call ${entries[0]!.callId}: sequence ids from 1, none missing`);
    const times = entries.map((e) => e.timestamp.seconds * 1e3 + e.timestamp.nanos / 1e6);
    t.ok(times.every((x, i) => i === 0 || x >= times[i - 1]!) && Math.abs(times[0]! - Date.now()) < 60_000, `call ${entries[0]!.callId}: times in order, now`);
  }
  t.equal(ids.size, all.length, 'a call id per call');
  t.notOk(ids.has(0), 'none 0');
  return all;
}

/** Rows numbered as sequence ids from `first`. */
const from = (first: number, rows: unknown[][]) => rows.map((row, i) => [first + i, ...row]);

/** The tutorial's pi service answering with initial metadata (x-served-by) and a trailer (x-cost); n ≤ 0 fails at once. */
async function piServer(log: BinaryLog | undefined, options: { hold?: (call: ServerCall) => Promise<void> } = {}) {
  const server = new Server({ binaryLog: log });
  server.addService(piService, {
    Calc: async ({ n }: { n: number }, call: ServerCall) => {
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      await options.hold?.(call);
      call.sendMetadata(new Metadata({ 'x-served-by': 'pi' }));
      call.trailers.set('x-cost', '7');
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** PiResponse{value}: field 1, a double. */
const piResponse = (n: number) => {
  const b = Buffer.alloc(9);
  b[0] = 0x09;
  b.writeDoubleLE(pi(n), 1);
  return b.toString('hex');
};
const USER = new Metadata({ 'x-user': 'alice', 'x-blob-bin': Buffer.from([1, 2, 3]) });
const USER_MD = [['x-user', 'alice'], ['x-blob-bin', '010203']];

t.test('unary, our client → our server: every entry of both sides, and a Trailers-Only error', async (t) => {
  const log = newLog();
  const { server, port } = await piServer(log);
  const client = createClient(`127.0.0.1:${port}`, piService, { binaryLog: log });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await log.close();
  });
  const started = Date.now();
  t.same(await client.Calc({ n: 5 }, { metadata: USER, timeout: 5000 }), { value: pi(5) });
  await t.rejects(client.Calc({ n: 0 }), { code: Status.INVALID_ARGUMENT });
  const all = await calls(t, log);
  t.same(all.map((c) => c.side), ['client', 'server', 'client', 'server'], 'each call logged by both sides');
  const [client1, server1, client2, server2] = all.map((c) => c.entries) as [LogEntry[], LogEntry[], LogEntry[], LogEntry[]];
  const authority = `127.0.0.1:${port}`;
  const header = { md: USER_MD, method: '/pi.PiCalculator/Calc', authority };
  const ok = [
    [2, 'CLIENT_MESSAGE', { length: 2, data: '0805' }],
    [3, 'CLIENT_HALF_CLOSE'],
    [4, 'SERVER_HEADER', { md: [['x-served-by', 'pi']] }],
    [5, 'SERVER_MESSAGE', { length: 9, data: piResponse(5) }],
    [6, 'SERVER_TRAILER', { md: [['x-cost', '7']], code: 0, message: '', details: '' }],
  ];
  t.same(client1.map(shape), [[1, 'CLIENT_HEADER', header], ...ok], 'client: header, message, half-close, then the server\'s header, message, trailer');
  t.same(server1.map(shape), [[1, 'CLIENT_HEADER', header], ...ok], 'server: the same events, in the same order');
  t.same(client1.map((e) => e.logger), [1, 1, 1, 1, 1, 1], 'LOGGER_CLIENT');
  t.same(server1.map((e) => e.logger), [2, 2, 2, 2, 2, 2], 'LOGGER_SERVER');
  // the peer: on the server the client's address with CLIENT_HEADER; on the client the server's with SERVER_HEADER
  t.same(client1.map((e) => e.peer && e.peer.ipPort), [undefined, undefined, undefined, port, undefined, undefined], 'client: the server\'s address on SERVER_HEADER only');
  t.same(client1[3]!.peer, { type: 1, address: '127.0.0.1', ipPort: port });
  t.match(server1[0]!.peer, { type: 1, address: '127.0.0.1', ipPort: Number }, 'server: the client\'s address on CLIENT_HEADER');
  t.ok(server1[0]!.peer!.ipPort > 0 && server1[0]!.peer!.ipPort !== port);
  t.ok(server1.slice(1).every((e) => !e.peer), '…only there');
  const timeout = (e: LogEntry) => e.clientHeader!.timeout!.seconds * 1000 + e.clientHeader!.timeout!.nanos / 1e6;
  t.ok(timeout(client1[0]!) > 4900 && timeout(client1[0]!) <= 5000, `client: the timeout given, ${timeout(client1[0]!)} ms`);
  t.ok(timeout(server1[0]!) > 4900 && timeout(server1[0]!) <= 5000, `server: grpc-timeout, ${timeout(server1[0]!)} ms`);
  t.ok(client1[0]!.timestamp.seconds * 1000 >= Math.floor(started / 1000) * 1000, 'timestamps of this run');

  const failed = [[2, 'CLIENT_MESSAGE', { length: 2, data: '0800' }], [3, 'CLIENT_HALF_CLOSE'], [4, 'SERVER_TRAILER', { md: [], code: 3, message: 'request number should be positive', details: '' }]];
  const plain = { md: [], method: '/pi.PiCalculator/Calc', authority };
  t.same(client2.map(shape), [[1, 'CLIENT_HEADER', plain], ...failed], 'Trailers-Only: no SERVER_HEADER, the status with its message');
  t.same(server2.map(shape), [[1, 'CLIENT_HEADER', plain], ...failed]);
  t.equal(client2[0]!.clientHeader!.timeout, undefined, 'no deadline, no timeout');
  t.same(client2[3]!.peer, { type: 1, address: '127.0.0.1', ipPort: port }, 'Trailers-Only: the peer on the trailer');

  // the CLI reads what the server wrote, decoding with the .proto
  const shown = await run(process.execPath, [...H2GRPC_CLI, 'trace', log.file, '--proto', PI_PROTO]);
  t.equal(shown.status, 0, shown.stderr);
  const blocks = shown.stdout.trimEnd().split(/\n(?=call )/);
  t.equal(blocks.length, 20, 'one block per entry');
  // the file's order: the client's first three entries, the server's six, the client's last three; then the error call
  t.match(blocks[3], new RegExp(`^call ${server1[0]!.callId} #1 server CLIENT_HEADER  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\n  peer 127\\.0\\.0\\.1:\\d+\\n  method /pi\\.PiCalculator/Calc\\n  authority ${authority}\\n  timeout (4\\.9\\d*|5)s\\n  x-user: alice\\n  x-blob-bin: \\(3 octets\\) 01 02 03$`));
  t.match(blocks[4], /^call \d+ #2 server CLIENT_MESSAGE .*\n {2}message 2 octets: 08 05\n {2}pi\.PiRequest \{"n":5\}$/);
  t.match(blocks[7], new RegExp(`^call \\d+ #5 server SERVER_MESSAGE .*\\n  message 9 octets: ${piResponse(5).replace(/(..)(?!$)/g, '$1 ')}\\n  pi\\.PiResponse \\{"value":${pi(5)}\\}$`));
  t.match(blocks[8], /^call \d+ #6 server SERVER_TRAILER .*\n {2}status 0 OK\n {2}x-cost: 7$/);
  t.match(blocks[19], /^call \d+ #4 client SERVER_TRAILER .*\n {2}peer 127\.0\.0\.1:\d+\n {2}status 3 INVALID_ARGUMENT "request number should be positive"$/);
  const forced = await run(process.execPath, [...H2GRPC_CLI, 'trace', 'show', log.file, '--binlog']);
  t.equal(forced.status, 0, forced.stderr);
  t.match(forced.stdout, /message 2 octets: 08 05\ncall/, 'without --proto: the octets, no JSON');
  const step = await run(process.execPath, [...H2GRPC_CLI, 'trace', 'step', log.file]);
  t.equal(step.status, 1);
  t.match(step.stderr, /is a binary log: trace show reads it/);
});

t.test('streaming, compressed both ways: messages logged as the application sees them, in order', async (t) => {
  const log = newLog();
  const server = new Server({ binaryLog: log, compression: 'gzip', minCompressLength: 0 });
  server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(`127.0.0.1:${port}`, piStreams, { binaryLog: log, compression: 'gzip', minCompressLength: 0 });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await log.close();
  });
  const types = piStreams.methods;
  const request = (n: number) => Buffer.from(types.Calc!.serialize({ n })).toString('hex');
  const response = (n: number) => Buffer.from(types.Calc!.serializeResponse({ n, value: pi(n) })).toString('hex');

  // server streaming
  const approximations: unknown[] = [];
  for await (const r of client.Approximations({ n: 3 })) approximations.push(r);
  t.equal(approximations.length, 3);
  // bidirectional, one request at a time: each waits for the answer to the one before
  const answered = [signal(), signal()];
  async function* requests() {
    yield { n: 1 };
    await answered[0]!.promise;
    yield { n: 2 };
    await answered[1]!.promise;
  }
  let got = 0;
  for await (const _ of client.Calc(requests())) answered[got++]!.resolve();
  // client streaming
  const summary = await client.Summarize([{ n: 100 }, { n: 1000 }]);
  t.equal(summary.count, 2);

  const all = await calls(t, log);
  t.same(all.map((c) => c.side), ['client', 'server', 'client', 'server', 'client', 'server']);
  const header = (method: string) => [1, 'CLIENT_HEADER', { md: [], method: `/pi_streaming.PiStreams/${method}`, authority: `127.0.0.1:${port}` }];
  const message = (event: string, hex: string) => [event, { length: hex.length / 2, data: hex }];
  const ok = ['SERVER_TRAILER', { md: [], code: 0, message: '', details: '' }];
  const serverStreaming = [header('Approximations'), ...from(2, [message('CLIENT_MESSAGE', request(3)), ['CLIENT_HALF_CLOSE'], ['SERVER_HEADER', { md: [] }],
    message('SERVER_MESSAGE', Buffer.from(types.Approximations!.serializeResponse({ n: 1, value: pi(1) })).toString('hex')),
    message('SERVER_MESSAGE', Buffer.from(types.Approximations!.serializeResponse({ n: 2, value: pi(2) })).toString('hex')),
    message('SERVER_MESSAGE', Buffer.from(types.Approximations!.serializeResponse({ n: 3, value: pi(3) })).toString('hex')), ok])];
  t.same(all[0]!.entries.map(shape), serverStreaming, 'server streaming, client side: three responses, decompressed');
  t.same(all[1]!.entries.map(shape), serverStreaming, 'server streaming, server side: the request decompressed');
  const bidi = [header('Calc'), ...from(2, [message('CLIENT_MESSAGE', request(1)), ['SERVER_HEADER', { md: [] }], message('SERVER_MESSAGE', response(1)),
    message('CLIENT_MESSAGE', request(2)), message('SERVER_MESSAGE', response(2)), ['CLIENT_HALF_CLOSE'], ok])];
  t.same(all[2]!.entries.map(shape), bidi, 'bidirectional, client side');
  t.same(all[3]!.entries.map(shape), bidi, 'bidirectional, server side');
  const summaryOctets = Buffer.from(types.Summarize!.serializeResponse(summary)).toString('hex');
  const clientStreaming = [header('Summarize'), ...from(2, [message('CLIENT_MESSAGE', request(100)), message('CLIENT_MESSAGE', request(1000)), ['CLIENT_HALF_CLOSE'],
    ['SERVER_HEADER', { md: [] }], message('SERVER_MESSAGE', summaryOctets), ok])];
  t.same(all[4]!.entries.map(shape), clientStreaming, 'client streaming, client side');
  t.same(all[5]!.entries.map(shape), clientStreaming, 'client streaming, server side');
});

t.test('the filter: limits truncate metadata and messages; an excluded method is not logged at all', async (t) => {
  const log = newLog('pi.PiCalculator/Calc{h:12;m:1},pi_streaming.PiStreams/*{h},-pi_streaming.PiStreams/Summarize');
  const { server, port } = await piServer(log);
  server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
  const client = createClient(`127.0.0.1:${port}`, piService, { binaryLog: log });
  const streaming = createClient(`127.0.0.1:${port}`, piStreams, { binaryLog: log });
  t.teardown(async () => {
    client.close();
    streaming.close();
    await server.shutdown();
    await log.close();
  });
  await client.Calc({ n: 5 }, { metadata: USER });
  await streaming.Summarize([{ n: 1 }]);
  for await (const _ of streaming.Approximations({ n: 2 }));
  const all = await calls(t, log);
  t.same(all.map((c) => c.entries[0]!.clientHeader!.methodName), ['/pi.PiCalculator/Calc', '/pi.PiCalculator/Calc', '/pi_streaming.PiStreams/Approximations', '/pi_streaming.PiStreams/Approximations'], 'Summarize excluded on both sides');
  // {h:12}: x-user: alice is 6 + 5 = 11 octets, x-blob-bin 10 + 3 more; x-served-by: pi 11 + 2 = 13; x-cost: 7 is 7
  const limited = [
    [1, 'CLIENT_HEADER', { md: [['x-user', 'alice']], method: '/pi.PiCalculator/Calc', authority: `127.0.0.1:${port}` }, 'truncated'],
    [2, 'CLIENT_MESSAGE', { length: 2, data: '08' }, 'truncated'],
    [3, 'CLIENT_HALF_CLOSE'],
    [4, 'SERVER_HEADER', { md: [] }, 'truncated'],
    [5, 'SERVER_MESSAGE', { length: 9, data: '09' }, 'truncated'],
    [6, 'SERVER_TRAILER', { md: [['x-cost', '7']], code: 0, message: '', details: '' }],
  ];
  t.same(all[0]!.entries.map(shape), limited, '{h:12;m:1}, client side');
  t.same(all[1]!.entries.map(shape), limited, '{h:12;m:1}, server side');
  const headersOnly = (side: number) => all[side]!.entries.filter((e) => e.message).map(shape);
  const none = (n: number) => [{ length: Buffer.from(piStreams.methods.Approximations!.serializeResponse({ n, value: pi(n) })).length, data: '' }, 'truncated'];
  t.same(headersOnly(2), [[2, 'CLIENT_MESSAGE', { length: 2, data: '' }, 'truncated'], [5, 'SERVER_MESSAGE', ...none(1)], [6, 'SERVER_MESSAGE', ...none(2)]], '{h}: messages without their octets, their lengths kept');
  t.same(all[3]!.entries.map((e) => EVENTS[e.type]), ['CLIENT_HEADER', 'CLIENT_MESSAGE', 'CLIENT_HALF_CLOSE', 'SERVER_HEADER', 'SERVER_MESSAGE', 'SERVER_MESSAGE', 'SERVER_TRAILER']);
});

t.test('a cancelled call: CANCEL on both sides, nothing after it', async (t) => {
  const log = newLog();
  const server = new Server({ binaryLog: log });
  let serverCall: ServerCall | undefined;
  server.addService(piStreams, {
    async *Calc(requests, call) {
      serverCall = call;
      for await (const { n } of requests) yield { n, value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(`127.0.0.1:${port}`, piStreams, { binaryLog: log });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await log.close();
  });
  const abort = new AbortController();
  const done = signal();
  async function* requests() {
    yield { n: 1 };
    await done.promise; // holds the request stream open until the call is gone
  }
  const call = client.Calc(requests(), { signal: abort.signal });
  for await (const _ of call) {
    abort.abort();
    break;
  }
  await t.rejects(call.done, { code: Status.CANCELLED });
  await until(() => serverCall?.cancelled === true, 'the server sees the cancellation');
  done.resolve();
  const all = await calls(t, log);
  const cancelled = [
    [1, 'CLIENT_HEADER', { md: [], method: '/pi_streaming.PiStreams/Calc', authority: `127.0.0.1:${port}` }],
    [2, 'CLIENT_MESSAGE', { length: 2, data: '0801' }],
    [3, 'SERVER_HEADER', { md: [] }],
    [4, 'SERVER_MESSAGE', { length: 11, data: Buffer.from(piStreams.methods.Calc!.serializeResponse({ n: 1, value: pi(1) })).toString('hex') }],
    [5, 'CANCEL'],
  ];
  t.same(all.map((c) => c.side), ['client', 'server']);
  t.same(all[0]!.entries.map(shape), cancelled, 'client: the application cancelled');
  t.same(all[1]!.entries.map(shape), cancelled, 'server: the cancellation detected (RST_STREAM CANCEL)');
});

t.test('deadlines: the client\'s own is a CANCEL; the server\'s, a DEADLINE_EXCEEDED trailer', async (t) => {
  const log = newLog();
  const { server, port } = await piServer(log, { hold: (call) => new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason))) });
  const client = createClient(`127.0.0.1:${port}`, piService, { binaryLog: log });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await log.close();
  });
  await t.rejects(client.Calc({ n: 1 }, { timeout: 200 }), { code: Status.DEADLINE_EXCEEDED });
  // a client that sends grpc-timeout and keeps no deadline itself (node:http2): the server's deadline ends the call
  const h2 = http2.connect(`http://127.0.0.1:${port}`);
  t.teardown(() => h2.close());
  const stream = h2.request({ ':method': 'POST', ':path': '/pi.PiCalculator/Calc', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '100m' });
  // the deadline passes before any response: a Trailers-Only answer, which node:http2 gives as its 'response'
  const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => {
    stream.on('response', (headers) => headers['grpc-status'] !== undefined && resolve(headers));
    stream.on('trailers', resolve);
  });
  stream.on('data', () => {});
  stream.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
  t.equal((await trailers)['grpc-status'], String(Status.DEADLINE_EXCEEDED));
  await until(async () => (await readCalls(log)).length === 3, 'three calls logged');
  const [clientSide, serverSide, serverDeadline] = await calls(t, log);
  const start = [[2, 'CLIENT_MESSAGE', { length: 2, data: '0801' }], [3, 'CLIENT_HALF_CLOSE']];
  const header = { md: [], method: '/pi.PiCalculator/Calc', authority: `127.0.0.1:${port}` };
  t.same(clientSide!.entries.map(shape), [[1, 'CLIENT_HEADER', header], ...start, [4, 'CANCEL']], 'client: the deadline passed, a CANCEL (as grpc-go)');
  t.same(clientSide!.entries[0]!.clientHeader!.timeout?.seconds, 0);
  t.ok(clientSide!.entries[0]!.clientHeader!.timeout!.nanos > 190e6 && clientSide!.entries[0]!.clientHeader!.timeout!.nanos <= 200e6, 'its timeout, 200 ms');
  // the server's side of that call ends by whichever came first: the client's RST_STREAM, or its own deadline
  await until(async () => (await readCalls(log))[1]!.entries.length === 4, 'the server ended the call');
  const serverEnd = (await calls(t, log))[1]!.entries.map(shape)[3];
  t.ok(JSON.stringify(serverEnd) === JSON.stringify([4, 'CANCEL']) || JSON.stringify(serverEnd) === JSON.stringify([4, 'SERVER_TRAILER', { md: [], code: 4, message: 'Deadline exceeded', details: '' }]), `server: ${JSON.stringify(serverEnd)}`);
  t.same(serverSide!.entries.slice(0, 3).map(shape), [[1, 'CLIENT_HEADER', header], ...start]);
  t.same(serverDeadline!.entries.map(shape), [[1, 'CLIENT_HEADER', { md: [], method: '/pi.PiCalculator/Calc', authority: `127.0.0.1:${port}` }], ...start,
    [4, 'SERVER_TRAILER', { md: [], code: 4, message: 'Deadline exceeded', details: '' }]], 'server: its own deadline, the trailer it sent');
  t.same(serverDeadline!.entries[0]!.clientHeader!.timeout, { seconds: 0, nanos: 100_000_000 }, 'grpc-timeout 100m');
});

t.test('grpc-js client → our server: logged, grpc-js\'s own headers left out', async (t) => {
  const log = newLog();
  const { server, port } = await piServer(log);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const piPackage = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi;
  const client = new piPackage.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await log.close();
  });
  const metadata = new grpc.Metadata();
  metadata.set('x-user', 'alice');
  metadata.set('x-blob-bin', Buffer.from([1, 2, 3]));
  await new Promise<void>((resolve, reject) => client.Calc({ n: 5 }, metadata, (err: Error | null) => (err ? reject(err) : resolve())));
  const all = await calls(t, log);
  t.same(all.map((c) => c.side), ['server']);
  t.same(all[0]!.entries.map(shape), [
    [1, 'CLIENT_HEADER', { md: USER_MD, method: '/pi.PiCalculator/Calc', authority: `127.0.0.1:${port}` }],
    [2, 'CLIENT_MESSAGE', { length: 2, data: '0805' }],
    [3, 'CLIENT_HALF_CLOSE'],
    [4, 'SERVER_HEADER', { md: [['x-served-by', 'pi']] }],
    [5, 'SERVER_MESSAGE', { length: 9, data: piResponse(5) }],
    [6, 'SERVER_TRAILER', { md: [['x-cost', '7']], code: 0, message: '', details: '' }],
  ]);
  t.match(all[0]!.entries[0]!.peer, { type: 1, address: '127.0.0.1' });
});
