// Unary gRPC between our client and our server: values, every status code, metadata both ways, deadlines on both
// sides, cancellation, limits, protocol errors, reconnection.
import net from 'node:net';
import t, { type Test } from 'tap';
import { createClient, Metadata, Server, Status, StatusError, statusName, type ServerCall } from '../src/grpc/index.js';
import { calcHandler, pi, piService } from '../examples/pi-service.js';
import { freePort } from './peers.js';
import { signal } from './wait.js';

async function start(handler = calcHandler(), options = {}) {
  const server = new Server(options);
  server.addService(piService, { Calc: handler });
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  return { server, client, port };
}

async function rejects(t: Test, promise: Promise<unknown>, code: number, details?: RegExp | string) {
  try {
    await promise;
    t.fail(`expected ${statusName(code)}`);
  } catch (err) {
    t.type(err, StatusError);
    t.equal((err as StatusError).code, code, `code ${statusName(code)}`);
    if (details !== undefined) t.match((err as StatusError).details, details);
    return err as StatusError;
  }
  return undefined as never;
}

t.test('pi values and INVALID_ARGUMENT', async (t) => {
  const { client } = await start();
  for (const n of [1, 2, 100, 999]) t.equal((await client.Calc({ n })).value, pi(n), `pi(${n})`);
  t.equal(Number((await client.Calc({ n: 999 })).value.toPrecision(12)), 3.14127400894);
  const err = await rejects(t, client.Calc({ n: 0 }), Status.INVALID_ARGUMENT, 'request number should be positive');
  t.equal(err.codeName, 'INVALID_ARGUMENT');
});

t.test('every status code, with its details percent-encoded and decoded', async (t) => {
  const { client } = await start(async ({ n }: { n: number }) => {
    throw new StatusError(n, `status ${statusName(n)} — 100% ünïcode\n`);
  });
  for (let code = 1; code <= 16; code++) {
    await rejects(t, client.Calc({ n: code }), code, `status ${statusName(code)} — 100% ünïcode\n`);
  }
});

t.test('a handler that throws a plain error is UNKNOWN with its message', async (t) => {
  const { client } = await start(async () => {
    throw new Error('boom');
  });
  await rejects(t, client.Calc({ n: 1 }), Status.UNKNOWN, 'boom');
});

t.test('metadata both ways: initial, trailing, -bin', async (t) => {
  let seen: Metadata | undefined;
  const { client } = await start(async ({ n }: { n: number }, call: ServerCall) => {
    seen = call.metadata;
    call.sendMetadata(new Metadata({ 'x-initial': 'hello', 'x-raw-bin': Buffer.from([0, 1, 254, 255]) }));
    call.trailers.set('x-trailer', 'bye');
    if (n < 0) throw new StatusError(Status.FAILED_PRECONDITION, 'nope', new Metadata({ 'x-why': 'because' }));
    return { value: n };
  });
  const md = new Metadata({ 'x-user': 'alice', 'x-id-bin': Buffer.from('\x00\x01binary'), 'x-multi': ['a', 'b'] });
  const result = await client.unary<{ value: number }>('Calc', { n: 7 }, { metadata: md });
  t.equal(result.message.value, 7);
  t.equal(seen?.get('x-user'), 'alice');
  t.same(seen?.get('x-id-bin'), Buffer.from('\x00\x01binary'));
  t.same(seen?.getAll('x-multi'), ['a', 'b']);
  t.match(seen?.get('user-agent'), /^h2grpc\//);
  t.equal(result.headers.get('x-initial'), 'hello');
  t.same(result.headers.get('x-raw-bin'), Buffer.from([0, 1, 254, 255]));
  t.equal(result.trailers.get('x-trailer'), 'bye');
  const err = await rejects(t, client.Calc({ n: -1 }), Status.FAILED_PRECONDITION, 'nope');
  t.equal(err.metadata?.get('x-why'), 'because');
  t.equal(err.metadata?.get('x-trailer'), 'bye');
  t.equal(err.headers?.get('x-initial'), 'hello');
});

t.test('invalid metadata is refused before anything is sent', async (t) => {
  t.throws(() => new Metadata({ 'Bad Key': 'x' }), /characters outside/);
  t.throws(() => new Metadata({ 'grpc-custom': 'x' }), /reserved/);
  t.throws(() => new Metadata({ 'x-bin': 'not a buffer' }), /must be a Buffer/);
  t.throws(() => new Metadata({ 'x-a': 'tab\there' }), /printable ASCII/);
  t.throws(() => new Metadata({ 'x-a': Buffer.from('x') }), /string value/);
  t.throws(() => new Metadata({ 'x-a': ' padded ' }), /spaces/);
});

t.test('deadlines: the client gives up, the server sees the deadline and the abort', async (t) => {
  let serverSaw: { deadline?: number; aborted?: boolean; done?: boolean } = {};
  const handlerDone = signal();
  const { client } = await start(async ({ n }: { n: number }, call: ServerCall) => {
    serverSaw.deadline = call.deadline;
    await new Promise((resolve) => setTimeout(resolve, n));
    serverSaw.aborted = call.signal.aborted;
    serverSaw.done = true;
    handlerDone.resolve();
    return { value: 1 };
  });
  const before = Date.now();
  await rejects(t, client.Calc({ n: 300 }, { timeout: 100 }), Status.DEADLINE_EXCEEDED);
  t.notOk(serverSaw.done, 'the client gave up before the handler finished');
  await handlerDone.promise;
  t.ok(serverSaw.deadline! > before && serverSaw.deadline! < before + 100 + 5000, 'grpc-timeout reached the server as a deadline');
  t.equal(serverSaw.aborted, true, 'the handler saw the call end');
  serverSaw = {};
  t.equal((await client.Calc({ n: 1 }, { deadline: new Date(Date.now() + 5000) })).value, 1, 'a generous deadline passes');
});

t.test('server-side deadline: DEADLINE_EXCEEDED is sent by the server too', async (t) => {
  const server = new Server();
  server.addService(piService, { Calc: () => new Promise(() => {}) });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  // a raw client that sends grpc-timeout but never times out itself
  const { Connection } = await import('../src/http2/index.js');
  const { frameMessage } = await import('../src/grpc/index.js');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const conn = new Connection(socket, 'client');
  const trailers = await new Promise<Array<[string, string]>>((resolve) => {
    const stream = conn.request([[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers'], ['grpc-timeout', '50m']], {
      onHeaders: (_s, h, end) => end && resolve(h),
      onData: (s, d) => s.consume(d.length),
      onReset: () => resolve([]),
    });
    stream.write(frameMessage(piService.methods.Calc!.serialize({ n: 1 })), true);
  });
  t.match(Object.fromEntries(trailers), { 'grpc-status': '4', 'grpc-message': 'Deadline exceeded' });
  conn.destroy();
});

t.test('cancellation: RST_STREAM CANCEL, and the handler sees it', async (t) => {
  const seen = signal<unknown>();
  const running = signal();
  const { client } = await start(async (_req: { n: number }, call: ServerCall): Promise<{ value: number }> => {
    call.signal.addEventListener('abort', () => seen.resolve(call.signal.reason));
    running.resolve();
    return new Promise(() => {}); // never answers
  });
  const controller = new AbortController();
  const pending = client.Calc({ n: 1 }, { signal: controller.signal });
  await running.promise;
  controller.abort();
  await rejects(t, pending, Status.CANCELLED);
  const reason = await seen.promise;
  t.equal((reason as StatusError).code, Status.CANCELLED, 'the handler was told CANCELLED');
});

t.test('unknown service and method: UNIMPLEMENTED', async (t) => {
  const { port } = await start();
  const { loadProto, serviceDefinition } = await import('../src/grpc/index.js');
  const root = loadProto('examples/pi.proto');
  const other = serviceDefinition(root, 'pi.PiCalculator');
  const wrongService = { ...other, name: 'pi.Nope', methods: { Calc: { ...other.methods.Calc!, path: '/pi.Nope/Calc' } } };
  const wrongMethod = { ...other, methods: { Calc: { ...other.methods.Calc!, path: '/pi.PiCalculator/Nope' } } };
  const c1 = createClient<'Calc'>(`127.0.0.1:${port}`, wrongService);
  const c2 = createClient<'Calc'>(`127.0.0.1:${port}`, wrongMethod);
  await rejects(t, c1.Calc({ n: 1 }), Status.UNIMPLEMENTED, /unknown service pi\.Nope/);
  await rejects(t, c2.Calc({ n: 1 }), Status.UNIMPLEMENTED, /not implemented/);
  c1.close();
  c2.close();
});

t.test('message size limits: RESOURCE_EXHAUSTED both ways', async (t) => {
  const { client } = await start(calcHandler(), { maxReceiveMessageLength: 1 });
  await rejects(t, client.Calc({ n: 1000 }), Status.RESOURCE_EXHAUSTED, /larger than the limit of 1/);
  const { port } = await start();
  const small = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { maxReceiveMessageLength: 4, maxSendMessageLength: 100 });
  await rejects(t, small.Calc({ n: 5 }), Status.RESOURCE_EXHAUSTED, /response|received message/);
  small.close();
});

t.test('calls queue under MAX_CONCURRENT_STREAMS and all complete', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const server = new Server({ settings: { maxConcurrentStreams: 3 } });
  server.addService(piService, {
    Calc: async ({ n }: { n: number }) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { value: n };
    },
  });
  const port = await server.listen(0);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  await client.Calc({ n: 0.5 }); // the first call learns the server's SETTINGS
  const values = await Promise.all(Array.from({ length: 40 }, (_, i) => client.Calc({ n: i + 1 })));
  t.same(values.map((v: { value: number }) => v.value), Array.from({ length: 40 }, (_, i) => i + 1));
  t.ok(maxInFlight <= 3, `at most 3 in flight (saw ${maxInFlight})`);
});

t.test('no server: UNAVAILABLE; a server that comes up later is reached after the backoff', async (t) => {
  const port = await freePort();
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { backoff: { initialBackoff: 100, jitter: 0 } });
  t.teardown(() => client.close());
  await rejects(t, client.Calc({ n: 1 }), Status.UNAVAILABLE, /ECONNREFUSED/);
  await rejects(t, client.Calc({ n: 1 }), Status.UNAVAILABLE, /ECONNREFUSED/);
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  await server.listen(port);
  t.teardown(() => server.forceShutdown());
  t.equal((await client.Calc({ n: 1 }, { waitForReady: true })).value, pi(1), 'waitForReady waits out the backoff and connects');
});

t.test('a server restart: the client reconnects', async (t) => {
  const { server, client, port } = await start();
  t.equal((await client.Calc({ n: 3 })).value, pi(3));
  await server.shutdown();
  const again = new Server();
  again.addService(piService, { Calc: calcHandler() });
  await again.listen(port);
  t.teardown(() => again.forceShutdown());
  t.equal((await client.Calc({ n: 4 }, { waitForReady: true })).value, pi(4));
});

t.test('graceful shutdown lets calls in flight finish', async (t) => {
  const running = signal();
  const slow = calcHandler({ sleep: 100 });
  const { server, client } = await start((request, call) => (running.resolve(), slow(request, call)));
  const pending = client.Calc({ n: 10 });
  await running.promise;
  await server.shutdown();
  t.equal((await pending).value, pi(10));
});
