// Interceptors on client and server, for all four kinds of call, composed in order.
import t from 'tap';
import { type ClientInterceptor, createClient, Metadata, Server, type ServerInterceptor, Status, StatusError } from '../src/grpc/index.js';
import { piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { run } from './peers.js';
import { until } from './wait.js';

t.test('client and server interceptors wrap all four kinds, in order', async (t) => {
  const log: string[] = [];
  const serverInterceptor = (name: string): ServerInterceptor => async (call, next) => {
    log.push(`${name}> ${call.method.name} ${call.metadata.get('x-order') ?? ''}`);
    await next();
    log.push(`${name}< ${call.method.name} ${call.status?.code}`);
  };
  const clientInterceptor = (name: string): ClientInterceptor => (info, next) => {
    const metadata = new Metadata(info.options.metadata?.toJSON());
    metadata.set('x-order', `${metadata.get('x-order') ?? ''}${name}`);
    log.push(`${name}> ${info.method.name}`);
    const call = next({ ...info, options: { ...info.options, metadata } });
    call.done.then(() => log.push(`${name}< ${info.method.name}`), () => log.push(`${name}! ${info.method.name}`));
    return call;
  };
  const server = new Server({ interceptors: [serverInterceptor('S1'), serverInterceptor('S2')] });
  server.addService(piService, { Calc: calcHandler() });
  server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
  const port = await server.listen(0);
  const options = { interceptors: [clientInterceptor('A'), clientInterceptor('B')] };
  const unary = createClient<'Calc'>(`127.0.0.1:${port}`, piService, options);
  const streams = createClient<'Calc' | 'Approximations' | 'Summarize'>(`127.0.0.1:${port}`, piStreams, options);
  t.teardown(() => {
    unary.close();
    streams.close();
    server.forceShutdown();
  });
  await unary.Calc({ n: 3 });
  for await (const _ of streams.Approximations({ n: 2 })) void _;
  await streams.Summarize([{ n: 1 }]);
  for await (const _ of streams.Calc([{ n: 1 }])) void _;
  // four calls, four interceptors each logging the way in and out
  await until(() => log.length >= 32, 'every interceptor logged its call');
  for (const method of ['Calc', 'Approximations', 'Summarize']) {
    const lines = log.filter((l) => l.endsWith(` ${method}`) || l.includes(` ${method} `));
    t.ok(lines.includes(`A> ${method}`) && lines.includes(`B> ${method}`) && lines.includes(`A< ${method}`), `client interceptors ran for ${method}`);
    t.ok(lines.some((l) => l === `S1> ${method} AB`), `server interceptors ran for ${method}, with the metadata both client interceptors added, in order`);
  }
  const first = log.slice(0, 8);
  t.same(first, ['A> Calc', 'B> Calc', 'S1> Calc AB', 'S2> Calc AB', 'S2< Calc 0', 'S1< Calc 0', 'B< Calc', 'A< Calc'], 'the first listed is outermost on both sides');
});

t.test('a server interceptor refuses a call; the outer one sees the status', async (t) => {
  const seen: Array<number | undefined> = [];
  const server = new Server({
    interceptors: [
      async (call, next) => {
        await next();
        seen.push(call.status?.code);
      },
      async (call, next) => {
        if (!call.metadata.has('authorization')) throw new StatusError(Status.UNAUTHENTICATED, 'no token');
        await next();
      },
    ],
  });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  await t.rejects(client.Calc({ n: 1 }), { code: Status.UNAUTHENTICATED, details: 'no token' });
  t.ok((await client.Calc({ n: 1 }, { metadata: new Metadata({ authorization: 'Bearer x' }) })).value > 0);
  t.same(seen, [Status.UNAUTHENTICATED, Status.OK]);
});

t.test('examples/pi-interceptors.ts', async (t) => {
  const result = await run(process.execPath, ['--import', 'tsx', 'examples/pi-interceptors.ts']);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /\[server\] \/pi\.PiCalculator\/Calc OK in [\d.]+ ms/);
  t.match(result.stdout, /\[client\] Calc OK in [\d.]+ ms/);
  t.match(result.stdout, /bidirectional Calc: 3 answers/);
  t.match(result.stdout, /\[server\] \/pi\.PiCalculator\/Calc UNAUTHENTICATED/);
  t.match(result.stdout, /without the token: UNAUTHENTICATED: missing or wrong token/);
});

t.test('listen(): interceptors see every message both ways and the status, for all four kinds, client and server', async (t) => {
  const log: string[] = [];
  const serverSide: ServerInterceptor = (call, next) => {
    call.listen({
      onRequest: (m) => void log.push(`S ${call.method.name} <- ${JSON.stringify(m)}`),
      onResponse: (m) => void log.push(`S ${call.method.name} -> ${JSON.stringify(m)}`),
      onStatus: (s) => void log.push(`S ${call.method.name} ${s.code}`),
    });
    return next();
  };
  const clientSide: ClientInterceptor = (info, next) => next(info).listen({
    onRequest: (m) => void log.push(`C ${info.method.name} -> ${JSON.stringify(m)}`),
    onResponse: (m) => void log.push(`C ${info.method.name} <- ${JSON.stringify(m)}`),
    onStatus: (s) => void log.push(`C ${info.method.name} ${s.code}`),
  });
  const server = new Server({ interceptors: [serverSide] }).addService(piStreams, streamingHandlers({ answerRate: 1 }));
  t.teardown(() => server.forceShutdown());
  const client = createClient(`127.0.0.1:${await server.listen(0, '127.0.0.1')}`, piStreams, { interceptors: [clientSide] });
  t.teardown(() => client.close());
  const kinds: Array<[string, () => Promise<unknown>]> = [
    ['server streaming', async () => {
      for await (const _ of client.Approximations({ n: 2 }));
    }],
    ['client streaming', () => client.Summarize([{ n: 1 }, { n: 2 }])],
    ['bidirectional', async () => {
      for await (const _ of client.Calc([{ n: 3 }]));
    }],
  ];
  for (const [kind, call] of kinds) {
    log.length = 0;
    await call();
    await new Promise((r) => setImmediate(r));
    const client = log.filter((l) => l.startsWith('C '));
    const server = log.filter((l) => l.startsWith('S '));
    t.ok(client.some((l) => l.includes(' -> ')) && client.some((l) => l.includes(' <- ')), `${kind}: the client saw its requests and responses`);
    t.ok(server.some((l) => l.includes(' <- ')) && server.some((l) => l.includes(' -> ')), `${kind}: the server saw them too`);
    t.match(client.at(-1), / 0$/, `${kind}: the client's last event is its status, OK, after the messages`);
    t.match(server.at(-1), / 0$/, `${kind}: the server's last event is its status`);
  }
  t.same(log.filter((l) => l.startsWith('C Calc')), ['C Calc -> {"n":3}', 'C Calc <- {"n":3,"value":3.0346151137976114}', 'C Calc 0'], 'bidirectional, in order');
});

t.test('listen(): hooks may replace messages; an error status reaches both sides', async (t) => {
  const statuses: number[] = [];
  const server = new Server({
    interceptors: [(call, next) => {
      call.listen({ onRequest: (m) => ({ n: (m as { n: number }).n * 10 }), onResponse: (m) => ({ value: (m as { value: number }).value + 1 }), onStatus: (s) => void statuses.push(s.code) });
      return next();
    }],
  }).addService(piService, { Calc: ({ n }: { n: number }) => {
    if (n === 0) throw new StatusError(Status.INVALID_ARGUMENT, 'zero');
    return { value: n };
  } });
  t.teardown(() => server.forceShutdown());
  const client = createClient<'Calc'>(`127.0.0.1:${await server.listen(0, '127.0.0.1')}`, piService, {
    interceptors: [(info, next) => next(info).listen({ onRequest: (m) => ({ n: (m as { n: number }).n + 1 }), onStatus: (s) => void statuses.push(s.code) })],
  });
  t.teardown(() => client.close());
  t.same(await client.Calc({ n: 1 }), { value: 21 }, 'client: n 1 -> 2; server: 2 -> 20; handler 20; server response 20 -> 21');
  await t.rejects(client.Calc({ n: -1 }), { code: Status.INVALID_ARGUMENT });
  await new Promise((r) => setImmediate(r));
  t.same(statuses.sort(), [0, 0, 3, 3], 'OK and INVALID_ARGUMENT, each heard by the server and the client listener');
});

t.test('examples/pi-logging.ts logs every message of the four kinds, both sides', async (t) => {
  const result = await run(process.execPath, ['--import', 'tsx', 'examples/pi-logging.ts']);
  t.equal(result.status, 0, result.stderr);
  for (const line of ['[client] Calc -> {"n":10}', '[server] Calc <- {"n":10}', '[client] Approximations <- {"n":2,', '[server] Summarize <- {"n":2}', '[client] Calc status OK']) {
    t.ok(result.stdout.includes(line), line);
  }
});
