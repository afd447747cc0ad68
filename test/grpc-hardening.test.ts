// The gRPC layer's bounds: deadlines of any valid length (grpc-timeout up to 99999999H), malformed grpc-timeout,
// requestTimeout for a request that never completes, maxConnectionIdle, and shutdown({ graceMs }) that always ends.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { ErrorCode, FrameType } from '../src/frames/index.js';
import { createClient, DeadlineTimer, Server, Status } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { childEnv } from './peers.js';
import { h2Server, RawPeer } from './raw-peer.js';
import { signal } from './wait.js';

const CALC = [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers']] as Array<[string, string]>;
const MESSAGE = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x0a]); // PiRequest{n: 10}

async function piServer(t: Test, options: ConstructorParameters<typeof Server>[0] = {}, delay = 0) {
  const server = new Server(options);
  server.addService(piService, { Calc: async () => (delay && (await new Promise((r) => setTimeout(r, delay))), { value: 3.14 }) });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { server, port };
}


/** The trailers (or Trailers-Only headers) of stream 1, as an object. */
async function status(peer: RawPeer, streamId = 1): Promise<Record<string, string>> {
  const frame = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === streamId && (f as { endStream: boolean }).endStream);
  t.ok(frame, 'the call ended with trailers');
  const fields: Record<string, string> = {};
  for (const f of peer.received(FrameType.HEADERS, streamId)) Object.assign(fields, Object.fromEntries(peer.hpackIn.decode((f as { headerBlock: Uint8Array }).headerBlock)));
  return fields;
}

t.test('grpc-timeout of any valid length is honoured, not fired at once', async (t) => {
  const { port } = await piServer(t, {}, 200);
  for (const timeout of ['99999999H', '3000000S', '2147484M', '99999999S']) {
    const peer = await RawPeer.connect(port);
    peer.headers(1, [...CALC, ['grpc-timeout', timeout]]);
    peer.send({ type: FrameType.DATA, streamId: 1, endStream: true, data: MESSAGE });
    t.equal((await status(peer))['grpc-status'], '0', `grpc-timeout: ${timeout} (above 2^31-1 ms): the call succeeds`);
    peer.close();
  }
});

t.test('a grpc-timeout of more than 8 digits, or with a bad unit, is malformed: INTERNAL', async (t) => {
  const { port } = await piServer(t);
  for (const timeout of ['123456789S', '1X', 'S', '-1S', '1.5S']) {
    const peer = await RawPeer.connect(port);
    peer.headers(1, [...CALC, ['grpc-timeout', timeout]]);
    const fields = await status(peer);
    t.equal(fields['grpc-status'], String(Status.INTERNAL), `grpc-timeout: ${timeout}`);
    t.match(fields['grpc-message'], /malformed grpc-timeout/);
    peer.close();
  }
});

t.test('the client: a timeout above 2^31-1 ms is a far deadline, not an immediate one', async (t) => {
  const { port } = await piServer(t, {}, 100);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  t.same(await client.Calc({ n: 1 }, { timeout: 2 ** 31 + 1000 }), { value: 3.14 });
  t.same(await client.Calc({ n: 1 }, { deadline: Date.now() + 40 * 24 * 3600_000 }), { value: 3.14 }, 'a deadline 40 days away');
});

t.test('DeadlineTimer chains timers past setTimeout\'s 2^31-1 ms', async (t) => {
  let fired = 0;
  const nearFired = signal();
  const far = new DeadlineTimer(Date.now() + 2 ** 31 + 5000, () => fired++, true);
  const near = new DeadlineTimer(Date.now() + 20, () => (fired++, nearFired.resolve()));
  await nearFired.promise;
  t.equal(fired, 1, 'only the near one fired');
  far.clear();
  near.clear();
});

t.test('requestTimeout: a unary call whose request never comes is ended with CANCELLED', async (t) => {
  const { port } = await piServer(t, { requestTimeout: 300 });
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  const started = Date.now();
  peer.headers(1, CALC); // and nothing more
  const fields = await status(peer);
  t.equal(fields['grpc-status'], String(Status.CANCELLED));
  t.match(fields['grpc-message'], /requestTimeout/);
  t.ok(Date.now() - started >= 250, 'after the timeout');
  t.equal((await peer.rst(1) as { errorCode: number }).errorCode, ErrorCode.NO_ERROR, 'and RST_STREAM NO_ERROR, as the client has not finished');
});

t.test('requestTimeout: a non-gRPC request answered early whose rest never comes is reset with NO_ERROR', async (t) => {
  const { port } = await piServer(t, { requestTimeout: 300 });
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  const started = Date.now();
  peer.headers(1, [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']]); // no END_STREAM
  t.ok(await peer.waitFor((f) => f.type === FrameType.DATA && f.streamId === 1 && (f as { endStream: boolean }).endStream), 'answered at once');
  t.equal((await peer.rst(1) as { errorCode: number }).errorCode, ErrorCode.NO_ERROR, 'then reset, its rest no longer awaited');
  t.ok(Date.now() - started >= 250, `after the timeout (${Date.now() - started} ms)`);
  t.ok(await peer.alive(), 'the connection goes on');
});

t.test('maxConnectionIdle: a connection with no call is closed with GOAWAY max_idle', async (t) => {
  const { port } = await piServer(t, { maxConnectionIdle: 200 });
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  const goaway = await peer.goaway();
  t.equal(Buffer.from((goaway as { debugData: Uint8Array }).debugData).toString(), 'max_idle');
  t.ok(await peer.untilClosed(), 'and the connection is closed');
});

t.test('shutdown({ graceMs }) ends even with a client that never reads or never sends', async (t) => {
  const { server, port } = await piServer(t);
  const neverSends = await RawPeer.connect(port);
  neverSends.headers(1, CALC);
  // a window of 0: the response can never be sent, so the call never ends by itself
  const neverReads = await RawPeer.connect(port, false);
  neverReads.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  neverReads.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 0]] });
  neverReads.send({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
  neverReads.headers(1, CALC);
  neverReads.send({ type: FrameType.DATA, streamId: 1, endStream: true, data: MESSAGE });
  t.teardown(() => {
    neverSends.close();
    neverReads.close();
  });
  // both calls are in place: the server answered a PING sent after the first, and the second's response headers
  t.ok(await neverSends.alive(), 'the first call is open');
  t.ok(await neverReads.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1), 'the second call is answered, its DATA held back');
  const started = Date.now();
  await server.shutdown({ graceMs: 300 });
  const took = Date.now() - started;
  // the bound only tells the grace (and its 1 s linger) from the 30 s default
  t.ok(took >= 290 && took < 20_000, `shutdown ended after the grace period, and the second it gives trailers to get out (${took} ms)`);
  t.ok(await neverSends.goaway(), 'GOAWAY was sent first');
  t.ok(await neverSends.untilClosed() && await neverReads.untilClosed(), 'both connections are closed');
});

t.test('a call still running when shutdown\'s grace ends is told the server is shutting down', async (t) => {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const server = new Server().addService(piService, {
    Calc: () => {
      started();
      return new Promise<never>(() => {}); // never answers
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  const call = client.Calc({ n: 1 }).then(() => undefined, (e: { code: number; details: string }) => e);
  await running;
  await server.shutdown({ graceMs: 200 });
  const err = await call;
  t.equal(err?.code, Status.UNAVAILABLE, 'UNAVAILABLE');
  t.equal(err?.details, 'the server is shutting down: calls still running after its grace period of 200 ms were ended', 'saying why, not a bare "the peer closed the connection"');
});

/** Runs test/fixtures/deadline-client.ts; resolves with its outcome line and the ms from "closed" to its exit. */
function deadlineClient(port: number, timeout: number): Promise<{ outcome: string; exitAfterClose: number; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/deadline-client.ts', String(port), String(timeout)], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const lines: string[] = [];
    let closedAt = 0;
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l);
      if (l === 'closed') closedAt = Date.now();
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ outcome: lines[0] ?? '', exitAfterClose: closedAt ? Date.now() - closedAt : Infinity, code });
    });
  });
}

t.test('no hangs: a client process whose deadline expires before or after the handshake exits by itself at once', async (t) => {
  // a server that accepts the connection and never says a word (no SETTINGS: the handshake never completes)
  const silent = net.createServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => silent.close());
  // an HTTP/2 server that completes the handshake and never answers the call
  const { port: mute } = await h2Server(t, {}, false);
  for (const [what, port, timeout] of [
    ['1 ms deadline, the server never completes the handshake', (silent.address() as net.AddressInfo).port, 1],
    ['200 ms deadline, the server never completes the handshake', (silent.address() as net.AddressInfo).port, 200],
    ['200 ms deadline, the server never answers the call', mute, 200],
  ] as const) {
    const { outcome, exitAfterClose, code } = await deadlineClient(port, timeout);
    t.equal(outcome, 'DEADLINE_EXCEEDED', `${what}: DEADLINE_EXCEEDED`);
    t.equal(code, 0, `${what}: the process exited by itself`);
    // a timer left behind (SETTINGS ACK 10 s, connection attempt 20 s) would hold it far longer
    t.ok(exitAfterClose < 5000, `${what}: soon after client.close() (${exitAfterClose} ms)`);
  }
});
