// What a user of grpc-js or connect-es expects of a call's life on the client: leaving a response loop early
// cancels the call (the server's handler sees its signal abort), and a request that does not serialize fails the
// call INTERNAL with the serializer's message, sending nothing.
import t, { type Test } from 'tap';
import { createClient, Server, type ServerCall, Status, type StatusError } from '../src/grpc/index.js';
import { PiStreams } from '../examples/gen/pi-streaming.js';
import { piService } from '../examples/pi-service.js';
import { TestService } from '../examples/interop/gen/test.js';

/** A server whose Approximations streams without end (until cancelled) and whose Calc echoes; it records what it saw. */
async function endless(t: Test) {
  const seen = { calls: 0, aborted: [] as Promise<string>[], stopped: [] as Promise<number>[], produced: 0 };
  const server = new Server({
    interceptors: [async (_call, next) => {
      seen.calls++;
      await next();
    }],
  }).addService(PiStreams, {
    Approximations: async function* (_request: { n: number }, call: ServerCall) {
      seen.aborted.push(new Promise((resolve) => call.signal.addEventListener('abort', () => resolve(String((call.signal.reason as StatusError)?.code)))));
      let stop!: (produced: number) => void;
      seen.stopped.push(new Promise((resolve) => (stop = resolve)));
      try {
        for (let n = 1; !call.cancelled; n++) {
          seen.produced++;
          yield { n, value: n };
        }
      } finally {
        stop(seen.produced);
      }
    },
    Calc: async function* (requests: AsyncIterable<{ n: number }>, call: ServerCall) {
      seen.aborted.push(new Promise((resolve) => call.signal.addEventListener('abort', () => resolve(String((call.signal.reason as StatusError)?.code)))));
      for await (const { n } of requests) yield { n, value: n };
    },
  }).addService(piService, { Calc: ({ n }: { n: number }) => ({ value: n }) })
    .addService(TestService, { UnaryCall: () => ({}), FullDuplexCall: async function* (requests: AsyncIterable<unknown>) {
      for await (const _ of requests) yield {};
    } });
  t.teardown(() => server.forceShutdown());
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(`127.0.0.1:${port}`, PiStreams);
  const pi = createClient(`127.0.0.1:${port}`, piService);
  const testing = createClient(`127.0.0.1:${port}`, TestService);
  t.teardown(() => (client.close(), pi.close(), testing.close()));
  return { seen, client, pi, testing };
}


t.test('break, return or throw in a response loop cancels the call; the handler sees its signal abort', async (t) => {
  const { seen, client } = await endless(t);
  const leave: Array<[string, (call: AsyncIterable<unknown>) => Promise<void>]> = [
    ['break', async (call) => {
      for await (const _ of call) break;
    }],
    ['return', async (call) => {
      const first = async () => {
        for await (const m of call) return m;
      };
      await first();
    }],
    ['throw', async (call) => {
      try {
        for await (const _ of call) throw new Error('the loop body failed');
      } catch {
        // the application's own error, as it threw it
      }
    }],
  ];
  for (const [how, run] of leave) {
    const call = client.Approximations({ n: 0 });
    await run(call);
    const err = await call.done.then(() => undefined, (e: StatusError) => e);
    t.equal(err?.code, Status.CANCELLED, `${how}: the call ends CANCELLED`);
    t.match(err?.details, /closed before the end/);
    t.equal(await seen.aborted.at(-1), String(Status.CANCELLED), `${how}: the server handler's signal aborted (CANCELLED)`);
  }
  const stoppedAt = await Promise.all(seen.stopped);
  t.equal(stoppedAt.length, 3, 'each of the three handlers left its loop (its finally ran)');
  // a bidi call: leaving the response side cancels the whole call, requests too
  const requests = (async function* () {
    for (let n = 1; ; n++) {
      yield { n };
      await new Promise((r) => setImmediate(r));
    }
  })();
  const bidi = client.Calc(requests);
  for await (const r of bidi) if (r.n === 3) break;
  t.equal((await bidi.done.then(() => undefined, (e: StatusError) => e))?.code, Status.CANCELLED, 'bidi: CANCELLED');
  t.equal(await seen.aborted.at(-1), String(Status.CANCELLED), 'bidi: the handler saw it');
});

t.test('a loop that reads to the end does not cancel anything', async (t) => {
  const { pi } = await endless(t);
  t.same(await pi.Calc({ n: 7 }), { value: 7 });
  const full = await pi.unary('Calc', { n: 8 });
  t.same(full.message, { value: 8 });
});

t.test('a request that does not serialize: INTERNAL with the serializer\'s message, nothing sent', async (t) => {
  const { seen, testing } = await endless(t);
  const before = seen.calls;
  const payload = 5 as never; // a message field given a number
  const err = await testing.UnaryCall({ payload }).then(() => undefined, (e: StatusError) => e);
  t.equal(err?.code, Status.INTERNAL, 'INTERNAL, as grpc-js says');
  t.match(err?.details, /^the request message does not serialize: .*payload: object expected/, 'with the serializer\'s message');
  t.equal(seen.calls, before, 'nothing was sent: the server saw no call');
  // a streaming request that goes bad midway: the call ends INTERNAL too (its stream had opened)
  const bad = testing.FullDuplexCall([{}, { payload }]);
  const streamErr = await (async () => {
    try {
      for await (const _ of bad);
    } catch (e) {
      return e as StatusError;
    }
  })();
  t.equal(streamErr?.code, Status.INTERNAL, 'a bad message in a request stream: INTERNAL');
});
