// Streaming calls, all kinds, both ways with grpc-js: half-close, cancellation from either side, errors
// mid-stream, deadlines on streams, backpressure end to end, and a million messages in bounded memory.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import t, { type Test } from 'tap';
import { createClient, Server, type ServerCall, Status, StatusError } from '../src/grpc/index.js';
import { pi } from '../examples/pi-service.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import { until } from './wait.js';
import type { Connection, Http2Stream } from '../src/http2/index.js';

type Methods = 'Calc' | 'Approximations' | 'Summarize';

async function ours(t: Test, handlers: Record<string, unknown> = streamingHandlers({ answerRate: 1 })) {
  const server = new Server();
  server.addService(piStreams, handlers as never);
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient<Methods>(`127.0.0.1:${port}`, piStreams);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  return { server, client, port };
}

type Answer = { n: number; value: number };

async function collect<T = Answer>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i }));

t.test('all three streaming kinds, our client and our server', async (t) => {
  const { client } = await ours(t);
  const approximations = await collect(client.Approximations({ n: 50 }));
  t.equal(approximations.length, 50);
  t.same(approximations.at(-1), { n: 50, value: pi(50) }, 'server streaming');
  const summary = await client.Summarize(range(1, 999));
  t.same(summary, { count: 999, best_n: 999, best_value: pi(999), error: Math.abs(Math.PI - pi(999)) }, 'client streaming');
  const answers = await collect(client.Calc(range(1, 300)));
  t.same(answers, range(1, 300).map(({ n }) => ({ n, value: pi(n) })), 'bidirectional, every request answered at rate 1');
  t.same(await client.Summarize([]), { count: 0, best_n: 0, best_value: 0, error: Math.PI }, 'an empty client stream half-closes at once');
});

t.test('the tutorial bidirectional pi: about half of the requests answered, each with its n', async (t) => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const { client } = await ours(t, streamingHandlers({ random }));
  const answers = await collect(client.Calc(range(1, 999)));
  t.ok(answers.length > 300 && answers.length < 700, `${answers.length} of 999 answered`);
  t.ok(answers.every(({ n, value }: { n: number; value: number }) => value === pi(n)), 'each answer is pi of its own n');
  t.ok(answers.every((a: { n: number }, i: number) => i === 0 || a.n > answers[i - 1]!.n), 'in order, with gaps');
});

t.test('bidirectional: responses flow while requests are still being sent', async (t) => {
  const { client } = await ours(t);
  let sent = 0;
  let releaseNext!: () => void;
  async function* requests() {
    for (let n = 1; n <= 5; n++) {
      sent = n;
      yield { n };
      await new Promise<void>((r) => (releaseNext = r));
    }
  }
  const seen: number[] = [];
  for await (const { n } of client.Calc(requests())) {
    seen.push(n);
    t.equal(sent, n, `the answer to ${n} arrived before request ${n + 1} was produced`);
    releaseNext();
  }
  t.same(seen, [1, 2, 3, 4, 5]);
});

t.test('an error mid-stream: the messages before it, then the status', async (t) => {
  const { client } = await ours(t);
  const got: number[] = [];
  const call = client.Calc([{ n: 1 }, { n: 2 }, { n: -1 }, { n: 4 }]);
  await t.rejects(
    (async () => {
      for await (const { n } of call) got.push(n);
    })(),
    { code: Status.INVALID_ARGUMENT, details: 'request number should be positive, got -1' },
  );
  t.same(got, [1, 2], 'the two answers sent before the error arrived');
  await t.rejects(call.done, { code: Status.INVALID_ARGUMENT });
});

t.test('call.signal made after the cancellation (it is made on first use) is already aborted, with the reason', async (t) => {
  let looked: { aborted: boolean; reason: unknown; cancelled: boolean } | undefined;
  const { client } = await ours(t, {
    ...streamingHandlers({ answerRate: 1 }),
    async *Approximations(_req: { n: number }, call: ServerCall) {
      // never touches call.signal while running: only call.cancelled
      for (let i = 1; !call.cancelled; i++) {
        yield { n: i, value: pi(i) };
        await new Promise((r) => setTimeout(r, 1));
      }
      looked = { aborted: call.signal.aborted, reason: call.signal.reason, cancelled: call.cancelled };
    },
  });
  const call = client.Approximations({ n: 1 });
  let count = 0;
  await t.rejects((async () => {
    for await (const _ of call) if (++count === 5) call.cancel();
  })(), { code: Status.CANCELLED });
  await until(() => looked !== undefined, 'the handler looked at call.signal');
  t.same({ aborted: looked?.aborted, cancelled: looked?.cancelled }, { aborted: true, cancelled: true });
  t.equal((looked?.reason as StatusError).code, Status.CANCELLED, 'the reason is the CANCELLED StatusError');
});

t.test('cancellation from the client and from the server', async (t) => {
  let serverSaw: unknown;
  const { client } = await ours(t, {
    ...streamingHandlers({ answerRate: 1 }),
    async *Approximations(_req: { n: number }, call: ServerCall) {
      call.signal.addEventListener('abort', () => (serverSaw = call.signal.reason));
      for (let i = 1; ; i++) {
        yield { n: i, value: pi(i) };
        await new Promise((r) => setTimeout(r, 1));
      }
    },
  });
  const call = client.Approximations({ n: 1 });
  let count = 0;
  await t.rejects((async () => {
    for await (const _ of call) if (++count === 10) call.cancel();
  })(), { code: Status.CANCELLED });
  await until(() => serverSaw !== undefined, 'the handler saw the abort');
  t.equal((serverSaw as StatusError).code, Status.CANCELLED, 'the server handler saw the cancellation');

  const { client: c2 } = await ours(t, {
    ...streamingHandlers({ answerRate: 1 }),
    async *Calc(requests: AsyncIterable<{ n: number }>) {
      for await (const { n } of requests) {
        if (n === 3) throw new StatusError(Status.ABORTED, 'the server gives up');
        yield { n, value: pi(n) };
      }
    },
  });
  async function* endless() {
    for (let n = 1; ; n++) {
      yield { n };
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await t.rejects(collect(c2.Calc(endless())), { code: Status.ABORTED }, 'the server ends a bidirectional call while the client still sends');
});

t.test('deadlines on streams', async (t) => {
  const { client } = await ours(t, {
    ...streamingHandlers({ answerRate: 1 }),
    async *Approximations(_req: unknown, call: ServerCall) {
      for (let i = 1; !call.cancelled; i++) {
        yield { n: i, value: pi(i) };
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  });
  const got: unknown[] = [];
  await t.rejects((async () => {
    for await (const m of client.Approximations({ n: 1 }, { timeout: 1000 })) got.push(m);
  })(), { code: Status.DEADLINE_EXCEEDED });
  t.ok(got.length > 0, `messages arrived before the deadline (${got.length})`);
});

t.test('backpressure: a reader that stops reading stops the writer', async (t) => {
  let produced = 0;
  let serverCall: ServerCall | undefined;
  const { server, client } = await ours(t, {
    ...streamingHandlers(),
    async *Approximations(_req: unknown, call: ServerCall) {
      serverCall = call;
      while (!call.cancelled && produced < 1_000_000) {
        produced++;
        yield { n: produced, value: 1 };
      }
    },
  });
  // the server's side of the connection, to ping the client from it
  let connection: Connection | undefined;
  const handle = server.handle.bind(server);
  server.handle = (socket) => (connection = handle(socket));
  const call = client.Approximations({ n: 1 });
  const iterator = call[Symbol.asyncIterator]();
  await iterator.next();
  // stalled: the stream's window is spent and its queue is over the high-water mark, so the handler's write waits
  const stream = () => serverCall!.stream as Http2Stream;
  await until(() => serverCall !== undefined && stream().sendWindow.size <= 0 && stream().pendingBytes >= stream().highWaterMark, 'the server stream stalled');
  const stalled = produced;
  // a PING round trip from the server: any WINDOW_UPDATE the client sent for what it received has now arrived
  await connection!.ping();
  await new Promise((r) => setImmediate(r));
  t.equal(produced, stalled, `the server stopped producing while nobody read (${stalled} messages ahead)`);
  t.ok(stalled < 200_000, 'it stopped within the flow-control windows and the write buffer');
  for (let i = 0; i < 50_000; i++) await iterator.next();
  await until(() => produced > stalled, 'production went on');
  t.ok(produced > stalled, 'reading again (and so giving back window) lets it go on');
  call.cancel();
});

t.test('a million small messages through a stream in bounded memory', async (t) => {
  const TOTAL = 1_000_000;
  const { client } = await ours(t, {
    ...streamingHandlers(),
    async *Approximations({ n }: { n: number }) {
      for (let i = 1; i <= n; i++) yield { n: i, value: 0.5 };
    },
  });
  // live heap after a full collection, sampled as the stream goes: it must not grow with the message count
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  let count = 0;
  let peak = before;
  for await (const m of client.Approximations({ n: TOTAL })) {
    if ((m as { n: number }).n !== ++count) throw new Error(`message ${count} out of order`);
    if (count % 100_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  t.equal(count, TOTAL, 'all of them, in order');
  const grown = (peak - before) / 2 ** 20;
  t.ok(grown < 32, `the live heap grew by ${grown.toFixed(1)} MiB at most while streaming (bound 32 MiB; the windows are 17 MiB)`);
});

t.test('grpc-js interop, streaming both ways', async (t) => {
  const definition = protoLoader.loadSync(PI_STREAMING_PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = (grpc.loadPackageDefinition(definition) as any).pi_streaming;

  // grpc-js client -> our server
  const { port } = await ours(t);
  const jsClient = new pkg.PiStreams(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => jsClient.close());
  const approximations = await new Promise<unknown[]>((resolve, reject) => {
    const out: unknown[] = [];
    const call = jsClient.Approximations({ n: 30 });
    call.on('data', (m: unknown) => out.push(m));
    call.on('end', () => resolve(out));
    call.on('error', reject);
  });
  t.equal(approximations.length, 30, 'grpc-js reads our server stream');
  const summary = await new Promise<{ count: number }>((resolve, reject) => {
    const call = jsClient.Summarize((err: Error | null, res: { count: number }) => (err ? reject(err) : resolve(res)));
    for (let n = 1; n <= 100; n++) call.write({ n });
    call.end();
  });
  t.equal(summary.count, 100, 'grpc-js client-streams to our server');
  const bidi = await new Promise<Array<{ n: number; value: number }>>((resolve, reject) => {
    const out: Array<{ n: number; value: number }> = [];
    const call = jsClient.Calc();
    call.on('data', (m: { n: number; value: number }) => out.push(m));
    call.on('end', () => resolve(out));
    call.on('error', reject);
    for (let n = 1; n <= 100; n++) call.write({ n });
    call.end();
  });
  t.same(bidi.map((m) => m.n), range(1, 100).map((r) => r.n), 'grpc-js bidirectional with our server');
  const failed = await new Promise<grpc.ServiceError>((resolve) => {
    const call = jsClient.Calc();
    call.on('data', () => {});
    call.on('error', resolve);
    call.write({ n: 1 });
    call.write({ n: -5 });
    call.end();
  });
  t.equal(failed.code, grpc.status.INVALID_ARGUMENT, 'an error mid-stream reaches grpc-js');

  // our client -> grpc-js server
  const server = new grpc.Server();
  server.addService(pkg.PiStreams.service, {
    Approximations: (call: grpc.ServerWritableStream<{ n: number }, unknown>) => {
      for (let i = 1; i <= call.request.n; i++) call.write({ n: i, value: pi(i) });
      call.end();
    },
    Summarize: (call: grpc.ServerReadableStream<{ n: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      let count = 0;
      call.on('data', () => count++);
      call.on('end', () => cb(null, { count, best_n: 0, best_value: 0, error: 0 }));
    },
    Calc: (call: grpc.ServerDuplexStream<{ n: number }, unknown>) => {
      call.on('data', ({ n }: { n: number }) => (n > 0 ? call.write({ n, value: pi(n) }) : call.destroy({ code: grpc.status.INVALID_ARGUMENT, details: 'negative', name: 'Error', message: 'negative' } as grpc.ServiceError)));
      call.on('end', () => call.end());
    },
  });
  const jsPort = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => server.forceShutdown());
  const client = createClient<Methods>(`127.0.0.1:${jsPort}`, piStreams);
  t.teardown(() => client.close());
  t.equal((await collect(client.Approximations({ n: 40 }))).length, 40, 'we read a grpc-js server stream');
  t.equal((await client.Summarize(range(1, 77))).count, 77, 'we client-stream to grpc-js');
  t.same((await collect(client.Calc(range(1, 100)))).map((m: { n: number }) => m.n), range(1, 100).map((r) => r.n), 'bidirectional with grpc-js');
});
