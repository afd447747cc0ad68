// Binary logs (gRFC A16) of grpc-go 1.33 (Debian) beside ours, for the same calls: Unary (metadata, a 5 s
// deadline, header and trailer metadata), Fail (INVALID_ARGUMENT with a trailer, Trailers-Only) and Chat (three
// messages each way). The grpc-go server's log against our server's, the grpc-go client's against our client's,
// entry by entry where A16 and binarylog.proto say what must be there; where grpc-go 1.33 logs differently, the
// difference is asserted and said why. `h2grpc trace` reads grpc-go's files.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { binaryLog, EventType, type LogEntry, type LogMetadataEntry as MetadataEntry, readBinaryLog } from '../src/grpc/index.js';
import { buildGoPeer, ECHO_PROTO, echoCalls, ourEchoServer, startGoServer } from './go-peer.js';
import { H2GRPC_CLI, run } from './peers.js';

const EVENTS = Object.fromEntries(Object.entries(EventType).map(([k, v]) => [v, k])) as Record<number, string>;
const LOGGER_CLIENT = 1;
const LOGGER_SERVER = 2;
const dir = mkdtempSync(join(tmpdir(), 'h2grpc-binlog-go-'));

/** What A16 fixes of an entry: event, logger, header fields, metadata (sorted: grpc-go walks a Go map), message, status, peer without its port. */
function norm(e: LogEntry, port: number): Record<string, unknown> {
  const md = (entries: MetadataEntry[]) => entries.map(({ key, value }) => `${key}: ${Buffer.from(value).toString('latin1')}`).sort();
  const o: Record<string, unknown> = { event: EVENTS[e.type], logger: e.logger };
  const h = e.clientHeader;
  if (h) o.header = { method: h.methodName, authority: h.authority.replace(`:${port}`, ':PORT'), md: md(h.metadata), deadline: h.timeout !== undefined };
  if (e.serverHeader) o.md = md(e.serverHeader.metadata);
  if (e.message) o.message = `${e.message.length}: ${Buffer.from(e.message.data).toString('hex')}`;
  if (e.trailer) o.trailer = { code: e.trailer.statusCode, message: e.trailer.statusMessage, md: md(e.trailer.metadata), details: e.trailer.statusDetails.length };
  if (e.peer) o.peer = `${e.peer.type} ${e.peer.address}`;
  if (e.payloadTruncated) o.truncated = true;
  return o;
}

/** The file's calls by call id, in the order each first appears; each call's sequence ids 1, 2, 3… and times in order. */
function calls(t: Test, octets: Uint8Array, who: string): LogEntry[][] {
  const byCall = new Map<number, LogEntry[]>();
  for (const e of readBinaryLog(octets)) byCall.set(e.callId, [...(byCall.get(e.callId) ?? []), e]);
  for (const [id, entries] of byCall) {
    t.same(entries.map((e) => e.sequenceIdWithinCall), entries.map((_, i) => i + 1), `${who} call ${id}: sequence ids from 1`);
    const times = entries.map((e) => e.timestamp.seconds * 1e9 + e.timestamp.nanos);
    t.ok(times.every((x, i) => i === 0 || x >= times[i - 1]!), `${who} call ${id}: times in order`);
  }
  return [...byCall.values()];
}

const events = (entries: LogEntry[]) => entries.map((e) => EVENTS[e.type]);
const timeoutMs = (e: LogEntry) => e.clientHeader!.timeout!.seconds * 1000 + e.clientHeader!.timeout!.nanos / 1e6;
/** Entries of one direction, in order: what the client sent (header, messages, half-close) or what the server did. */
const fromClient = (entries: Array<Record<string, unknown>>) => entries.filter((e) => String(e.event).startsWith('CLIENT_'));
const fromServer = (entries: Array<Record<string, unknown>>) => entries.filter((e) => String(e.event).startsWith('SERVER_'));

const HELLO = '7: 0a0568656c6c6f';
const CHAT = ['3: 0a0161', '4: 0a026262', '5: 0a03636363'];

const programs = await buildGoPeer(t, 'grpc-go binary log comparison');
if (programs) {
  t.test('the grpc-go server and ours log the same calls from our client (LOGGER_SERVER)', async (t) => {
    const goFile = join(dir, 'go-server.binlog');
    const go = await startGoServer(t, programs, { binlog: goFile, filter: '*' });
    const log = binaryLog({ filter: '*', file: join(dir, 'our-server.binlog') });
    t.teardown(() => log.close());
    const ours = await ourEchoServer(t, { binaryLog: log });
    await echoCalls(t, go.port);
    await echoCalls(t, ours.port);
    await go.waitLogged(18); // grpc-go logs SERVER_TRAILER after the status is written: the calls may end first
    await log.flush();
    const goCalls = calls(t, readFileSync(goFile), 'grpc-go');
    const ourCalls = calls(t, readFileSync(log.file), 'ours');
    t.equal(goCalls.length, 3, 'grpc-go: three calls');
    t.equal(ourCalls.length, 3, 'ours: three calls');
    t.same(goCalls.map((c) => c[0]!.callId), [1, 2, 3], 'grpc-go numbers calls from 1 in the process (call_id is per log, A16)');
    t.ok(ourCalls.every((c) => c[0]!.callId > 0), 'ours: call ids not 0');
    for (const c of [...goCalls, ...ourCalls]) t.ok(c.every((e) => e.logger === LOGGER_SERVER), `call ${c[0]!.callId}: LOGGER_SERVER`);
    const [goUnary, goFail, goChat] = goCalls.map((c) => c.map((e) => norm(e, go.port)));
    const [ourUnary, ourFail, ourChat] = ourCalls.map((c) => c.map((e) => norm(e, ours.port)));

    // Unary
    const header = { method: '/gogo.EchoService/Unary', authority: '127.0.0.1:PORT', md: ['x-user: alice'], deadline: true };
    const peer = '1 127.0.0.1'; // TYPE_IPV4, on the server with CLIENT_HEADER only (binarylog.proto: "the first incoming event")
    t.same(goUnary, [
      { event: 'CLIENT_HEADER', logger: 2, header, peer },
      { event: 'CLIENT_MESSAGE', logger: 2, message: HELLO },
      { event: 'SERVER_HEADER', logger: 2, md: ['x-served-by: echo'] },
      { event: 'SERVER_MESSAGE', logger: 2, message: HELLO },
      { event: 'SERVER_TRAILER', logger: 2, trailer: { code: 0, message: '', md: ['x-cost: 7'], details: 0 } },
    ], 'grpc-go: Unary');
    // grpc-go 1.33's processUnaryRPC logs no CLIENT_HALF_CLOSE (its processStreamingRPC does); ours logs the
    // END_STREAM that arrived, as A16's event list has it. Without that one entry the two logs are the same.
    t.same(events(ourCalls[0]!), ['CLIENT_HEADER', 'CLIENT_MESSAGE', 'CLIENT_HALF_CLOSE', 'SERVER_HEADER', 'SERVER_MESSAGE', 'SERVER_TRAILER'], 'ours: Unary, with the half-close');
    t.same(ourUnary!.filter((e) => e.event !== 'CLIENT_HALF_CLOSE'), goUnary, 'ours: Unary, the rest as grpc-go');
    for (const [who, entry] of [['grpc-go', goCalls[0]![0]!], ['ours', ourCalls[0]![0]!]] as const) {
      t.ok(timeoutMs(entry) > 4000 && timeoutMs(entry) <= 5000, `${who}: timeout from grpc-timeout, ${timeoutMs(entry)} ms`);
      t.ok(entry.peer!.ipPort > 0, `${who}: the client's port (each its own connection)`);
    }

    // Fail: Trailers-Only, so no SERVER_HEADER on either server
    const failed = { code: 3, message: 'no echo for you', md: ['x-reason: refused'], details: 0 };
    t.same(goFail, [
      { event: 'CLIENT_HEADER', logger: 2, header: { ...header, method: '/gogo.EchoService/Fail', md: [], deadline: false }, peer },
      { event: 'CLIENT_MESSAGE', logger: 2, message: '3: 0a0178' },
      { event: 'SERVER_TRAILER', logger: 2, trailer: failed },
    ], 'grpc-go: Fail, Trailers-Only');
    t.same(events(ourCalls[1]!), ['CLIENT_HEADER', 'CLIENT_MESSAGE', 'CLIENT_HALF_CLOSE', 'SERVER_TRAILER'], 'ours: Fail, with the half-close');
    t.same(ourFail!.filter((e) => e.event !== 'CLIENT_HALF_CLOSE'), goFail, 'ours: Fail, the rest as grpc-go');

    // Chat: both handlers send their header first, then echo each request as it comes; how the two directions
    // interleave depends on when the requests arrive, so each direction is compared in its own order
    const chatHeader = { ...header, method: '/gogo.EchoService/Chat', md: [], deadline: false };
    const chatFromClient = [
      { event: 'CLIENT_HEADER', logger: 2, header: chatHeader, peer },
      ...CHAT.map((message) => ({ event: 'CLIENT_MESSAGE', logger: 2, message })),
      { event: 'CLIENT_HALF_CLOSE', logger: 2 },
    ];
    const chatFromServer = [
      { event: 'SERVER_HEADER', logger: 2, md: ['x-served-by: echo'] },
      ...CHAT.map((message) => ({ event: 'SERVER_MESSAGE', logger: 2, message })),
      { event: 'SERVER_TRAILER', logger: 2, trailer: { code: 0, message: '', md: ['x-count: 3'], details: 0 } },
    ];
    for (const [who, chat] of [['grpc-go', goChat!], ['ours', ourChat!]] as const) {
      t.same(fromClient(chat), chatFromClient, `${who}: Chat, the client's events in order`);
      t.same(fromServer(chat), chatFromServer, `${who}: Chat, the server's events in order`);
      t.equal(chat[0]!.event, 'CLIENT_HEADER', `${who}: Chat begins with CLIENT_HEADER`);
      t.equal(chat.at(-1)!.event, 'SERVER_TRAILER', `${who}: Chat ends with SERVER_TRAILER`);
      t.ok(chat.findIndex((e) => e.event === 'SERVER_MESSAGE') > chat.findIndex((e) => e.event === 'CLIENT_MESSAGE'), `${who}: an echo after its request`);
    }

    // h2grpc trace reads grpc-go's file, and decodes its messages with the .proto
    const shown = await run(process.execPath, [...H2GRPC_CLI, 'trace', goFile, '--proto', ECHO_PROTO]);
    t.equal(shown.status, 0, shown.stderr);
    const blocks = shown.stdout.trimEnd().split(/\n(?=call )/);
    t.equal(blocks.length, 18, 'h2grpc trace: a block per entry of grpc-go\'s log');
    t.match(blocks[0], new RegExp(`^call 1 #1 server CLIENT_HEADER  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n  peer 127\\.0\\.0\\.1:\\d+\\n  method /gogo\\.EchoService/Unary\\n  authority 127\\.0\\.0\\.1:${go.port}\\n  timeout 4\\.\\d+s\\n  x-user: alice$`));
    t.match(blocks[1], /^call 1 #2 server CLIENT_MESSAGE .*\n {2}message 7 octets: 0a 05 68 65 6c 6c 6f\n {2}gogo\.Echo \{"text":"hello"\}$/);
    t.match(blocks[7], /^call 2 #3 server SERVER_TRAILER .*\n {2}status 3 INVALID_ARGUMENT "no echo for you"\n {2}x-reason: refused$/);
  });

  t.test('the grpc-go client and ours log the same calls to our server (LOGGER_CLIENT)', async (t) => {
    const { port } = await ourEchoServer(t);
    const goFile = join(dir, 'go-client.binlog');
    const goRun = await run(programs.client, [`127.0.0.1:${port}`, goFile], { env: { GRPC_BINARY_LOG_FILTER: '*' } });
    t.equal(goRun.status, 0, goRun.stderr);
    t.equal([...goRun.stdout.matchAll(/^binlog \d+$/gm)].length, 19, 'grpc-go: 19 entries written before it exited');
    t.equal(goRun.stdout.replace(/^binlog \d+\n/gm, ''), 'Unary OK 0a0568656c6c6f header [echo] trailer [7]\nFail InvalidArgument "no echo for you" trailer [refused]\nChat OK 3 trailer [3]\ndone\n', 'the grpc-go client\'s calls to our server');
    const log = binaryLog({ filter: '*', file: join(dir, 'our-client.binlog') });
    t.teardown(() => log.close());
    await echoCalls(t, port, { binaryLog: log });
    await log.flush();
    const goCalls = calls(t, readFileSync(goFile), 'grpc-go');
    const ourCalls = calls(t, readFileSync(log.file), 'ours');
    t.equal(goCalls.length, 3, 'grpc-go: three calls');
    t.equal(ourCalls.length, 3, 'ours: three calls');
    for (const c of [...goCalls, ...ourCalls]) t.ok(c.every((e) => e.logger === LOGGER_CLIENT), `call ${c[0]!.callId}: LOGGER_CLIENT`);
    const [goUnary, goFail, goChat] = goCalls.map((c) => c.map((e) => norm(e, port)));
    const [ourUnary, ourFail, ourChat] = ourCalls.map((c) => c.map((e) => norm(e, port)));
    const peer = '1 127.0.0.1';
    const header = { method: '/gogo.EchoService/Unary', authority: '127.0.0.1:PORT', md: ['x-user: alice'], deadline: true };
    const okTrailer = { event: 'SERVER_TRAILER', logger: 1, trailer: { code: 0, message: '', md: ['x-cost: 7'], details: 0 } };

    // Unary. grpc-go 1.33's client logs no CLIENT_HALF_CLOSE for a unary call (only ClientStream.CloseSend
    // does), and puts the peer on SERVER_TRAILER too, where binarylog.proto has it only for Trailers-Only
    t.same(goUnary, [
      { event: 'CLIENT_HEADER', logger: 1, header },
      { event: 'CLIENT_MESSAGE', logger: 1, message: HELLO },
      { event: 'SERVER_HEADER', logger: 1, md: ['x-served-by: echo'], peer },
      { event: 'SERVER_MESSAGE', logger: 1, message: HELLO },
      { ...okTrailer, peer },
    ], 'grpc-go: Unary');
    t.same(ourUnary, [
      { event: 'CLIENT_HEADER', logger: 1, header },
      { event: 'CLIENT_MESSAGE', logger: 1, message: HELLO },
      { event: 'CLIENT_HALF_CLOSE', logger: 1 },
      { event: 'SERVER_HEADER', logger: 1, md: ['x-served-by: echo'], peer },
      { event: 'SERVER_MESSAGE', logger: 1, message: HELLO },
      okTrailer,
    ], 'ours: Unary, with the half-close, the peer once');
    for (const [who, entry] of [['grpc-go', goCalls[0]![0]!], ['ours', ourCalls[0]![0]!]] as const) {
      t.ok(timeoutMs(entry) > 4000 && timeoutMs(entry) <= 5000, `${who}: the time left to the deadline, ${timeoutMs(entry)} ms`);
    }
    t.equal(goCalls[0]![2]!.peer!.ipPort, port, 'grpc-go: the server\'s port');
    t.equal(ourCalls[0]![3]!.peer!.ipPort, port, 'ours: the server\'s port');

    // Fail, a Trailers-Only answer: grpc-go 1.33 logs a SERVER_HEADER with no metadata before the trailer (its
    // RecvMsg logs the header it has, which is empty); binarylog.proto: the peer goes on the trailer "in the case
    // of trailers-only", which is what ours does
    const failTrailer = { event: 'SERVER_TRAILER', logger: 1, trailer: { code: 3, message: 'no echo for you', md: ['x-reason: refused'], details: 0 }, peer };
    const failHeader = { event: 'CLIENT_HEADER', logger: 1, header: { ...header, method: '/gogo.EchoService/Fail', md: [], deadline: false } };
    const failMessage = { event: 'CLIENT_MESSAGE', logger: 1, message: '3: 0a0178' };
    t.same(goFail, [failHeader, failMessage, { event: 'SERVER_HEADER', logger: 1, md: [], peer }, failTrailer], 'grpc-go: Fail, an empty SERVER_HEADER');
    t.same(ourFail, [failHeader, failMessage, { event: 'CLIENT_HALF_CLOSE', logger: 1 }, failTrailer], 'ours: Fail, Trailers-Only as the trailer alone');

    // Chat: each direction in order; the peer on SERVER_HEADER (and, grpc-go, again on the trailer)
    const chatFromClient = [
      { event: 'CLIENT_HEADER', logger: 1, header: { ...header, method: '/gogo.EchoService/Chat', md: [], deadline: false } },
      ...CHAT.map((message) => ({ event: 'CLIENT_MESSAGE', logger: 1, message })),
      { event: 'CLIENT_HALF_CLOSE', logger: 1 },
    ];
    const chatFromServer = [
      { event: 'SERVER_HEADER', logger: 1, md: ['x-served-by: echo'], peer },
      ...CHAT.map((message) => ({ event: 'SERVER_MESSAGE', logger: 1, message })),
      { event: 'SERVER_TRAILER', logger: 1, trailer: { code: 0, message: '', md: ['x-count: 3'], details: 0 } },
    ];
    t.same(fromClient(goChat!), chatFromClient, 'grpc-go: Chat, what the client did');
    t.same(fromClient(ourChat!), chatFromClient, 'ours: Chat, what the client did');
    t.same(fromServer(goChat!), [...chatFromServer.slice(0, -1), { ...chatFromServer.at(-1)!, peer }], 'grpc-go: Chat, the server\'s events, the peer again on the trailer');
    t.same(fromServer(ourChat!), chatFromServer, 'ours: Chat, the server\'s events');

    const shown = await run(process.execPath, [...H2GRPC_CLI, 'trace', goFile]);
    t.equal(shown.status, 0, shown.stderr);
    t.equal(shown.stdout.trimEnd().split(/\n(?=call )/).length, 19, 'h2grpc trace: a block per entry of the grpc-go client\'s log');
    t.match(shown.stdout, /call 2 #3 client SERVER_HEADER .*\n {2}peer 127\.0\.0\.1:\d+\ncall 2 #4 client SERVER_TRAILER/, 'the empty SERVER_HEADER shown');
  });
}
