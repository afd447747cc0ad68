// Retries (gRPC A6): policy parsing, backoff with jitter, throttling, commitment, pushback, streams replayed.
import t, { type Test } from 'tap';
import {
  backoffMs, createClient, Metadata, normalizeRetryPolicy, retryPolicyFor, RetryThrottle, Server, type ServerCall, type ServiceConfig, Status, StatusError,
} from '../src/grpc/index.js';
import { pi, piService } from '../examples/pi-service.js';
import { piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import { run } from './peers.js';

const policy = { maxAttempts: 4, initialBackoff: '0.01s', maxBackoff: '0.05s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE', 10] };
const config = (extra: Partial<ServiceConfig> = {}): ServiceConfig => ({ methodConfig: [{ name: [{ service: 'pi.PiCalculator' }], retryPolicy: policy }], ...extra });

t.test('policy, backoff and throttle', async (t) => {
  const p = normalizeRetryPolicy({ ...policy, maxAttempts: 9 });
  t.equal(p.maxAttempts, 5, 'maxAttempts is capped at 5');
  t.same([...p.retryableStatusCodes], [Status.UNAVAILABLE, Status.ABORTED]);
  t.equal(p.initialBackoff, 10);
  t.equal(backoffMs(p, 1, () => 1), 10);
  t.equal(backoffMs(p, 3, () => 1), 40);
  t.equal(backoffMs(p, 10, () => 1), 50, 'capped by maxBackoff');
  t.equal(backoffMs(p, 2, () => 0.5), 10, 'full jitter: a random share of the cap');
  t.throws(() => normalizeRetryPolicy({ ...policy, maxAttempts: 1 }), /at least 2/);
  t.throws(() => normalizeRetryPolicy({ ...policy, retryableStatusCodes: ['NOPE'] }), /unknown status code/);
  t.throws(() => normalizeRetryPolicy({ ...policy, initialBackoff: '10ms' }), /not like/);
  t.ok(retryPolicyFor(config(), '/pi.PiCalculator/Calc'), 'a service-wide entry applies to its methods');
  t.equal(retryPolicyFor(config(), '/other.Service/Calc'), undefined);
  const throttle = new RetryThrottle({ maxTokens: 4, tokenRatio: 0.5 });
  t.ok(throttle.allowsRetry);
  throttle.failure();
  throttle.failure();
  t.notOk(throttle.allowsRetry, 'at half the tokens, no more retries');
  throttle.success();
  t.ok(throttle.allowsRetry, 'successes earn tokens back');
});

/** A server whose Calc fails `failures` times per x-id with `code` (optionally after headers, or with a pushback). */
async function flaky(t: Test, failures: number, code: number, opts: { headersFirst?: boolean; pushback?: (id: string) => number } = {}) {
  const attempts = new Map<string, number>();
  const server = new Server();
  server.addService(piService, {
    Calc: ({ n }: { n: number }, call: ServerCall) => {
      const id = String(call.metadata.get('x-id'));
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      if (attempt <= failures) {
        if (opts.headersFirst) call.sendMetadata(new Metadata({ 'x-attempt': String(attempt) }));
        if (opts.pushback) call.retryPushback = opts.pushback(id);
        throw new StatusError(code, `attempt ${attempt} fails`);
      }
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  return { port, attempts };
}

t.test('a retryable status is retried until it succeeds', async (t) => {
  const { port, attempts } = await flaky(t, 2, Status.UNAVAILABLE);
  const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config() });
  t.teardown(() => client.close());
  const call = client.call<{ value: number }>('Calc', [{ n: 5 }], { metadata: new Metadata({ 'x-id': 'a' }) });
  t.equal((await call.unary()).message.value, pi(5));
  t.equal(call.attemptCount, 3);
  t.equal(attempts.get('a'), 3, 'the server saw three attempts');
});

t.test('what is not retried', async (t) => {
  {
    const { port, attempts } = await flaky(t, 1, Status.INVALID_ARGUMENT);
    const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config() });
    await t.rejects(client.unary('Calc', { n: 1 }, { metadata: new Metadata({ 'x-id': 'b' }) }), { code: Status.INVALID_ARGUMENT });
    t.equal(attempts.get('b'), 1, 'a status outside retryableStatusCodes');
    client.close();
  }
  {
    const { port, attempts } = await flaky(t, 9, Status.UNAVAILABLE);
    const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config() });
    await t.rejects(client.unary('Calc', { n: 1 }, { metadata: new Metadata({ 'x-id': 'c' }) }), { code: Status.UNAVAILABLE, details: 'attempt 4 fails' });
    t.equal(attempts.get('c'), 4, 'no more than maxAttempts');
    client.close();
  }
  {
    const { port, attempts } = await flaky(t, 1, Status.UNAVAILABLE, { headersFirst: true });
    const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config() });
    await t.rejects(client.unary('Calc', { n: 1 }, { metadata: new Metadata({ 'x-id': 'd' }) }), { code: Status.UNAVAILABLE });
    t.equal(attempts.get('d'), 1, 'a call is committed once response headers arrive');
    client.close();
  }
  {
    const { port, attempts } = await flaky(t, 100, Status.UNAVAILABLE);
    const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config({ retryThrottling: { maxTokens: 4, tokenRatio: 0.1 } }) });
    for (const id of ['e1', 'e2', 'e3']) await client.unary('Calc', { n: 1 }, { metadata: new Metadata({ 'x-id': id }) }).catch(() => {});
    // 4 tokens: e1's first failure leaves 3 (retry allowed), its second 2 (no longer above half)
    t.equal(attempts.get('e1'), 2, 'the first call retries until half the tokens are gone');
    t.equal(attempts.get('e2'), 1, 'then throttling stops retries');
    t.equal(attempts.get('e3'), 1);
    client.close();
  }
  {
    const { port, attempts } = await flaky(t, 9, Status.UNAVAILABLE);
    const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: config() });
    const err = (await client.unary('Calc', { n: 1 }, { timeout: 5, metadata: new Metadata({ 'x-id': 'f' }) }).catch((e: unknown) => e)) as StatusError;
    // the last attempt's UNAVAILABLE, or the deadline itself if it passed first on a busy machine
    t.ok(err.code === Status.UNAVAILABLE || err.code === Status.DEADLINE_EXCEEDED, `the call ended with ${err.codeName}`);
    t.ok((attempts.get('f') ?? 0) < 4, 'no retry that would outlive the deadline');
    client.close();
  }
});

t.test('server pushback: a delay overrides the backoff, a negative one forbids the retry', async (t) => {
  const { port, attempts } = await flaky(t, 1, Status.UNAVAILABLE, { pushback: (id) => (id === 'stop' ? -1 : 0) });
  // a huge backoff: only the pushback of 0 lets the retry happen at once
  const slowPolicy = { ...policy, initialBackoff: '100s', maxBackoff: '100s' };
  const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig: { methodConfig: [{ name: [{ service: 'pi.PiCalculator' }], retryPolicy: slowPolicy }] } });
  t.teardown(() => client.close());
  const ok = await client.unary<{ value: number }>('Calc', { n: 3 }, { timeout: 5000, metadata: new Metadata({ 'x-id': 'go' }) });
  t.equal(ok.message.value, pi(3), 'grpc-retry-pushback-ms: 0 retries at once, though the backoff says 100 s');
  t.equal(attempts.get('go'), 2);
  await t.rejects(client.unary('Calc', { n: 3 }, { metadata: new Metadata({ 'x-id': 'stop' }) }), { code: Status.UNAVAILABLE, details: 'attempt 1 fails' });
  t.equal(attempts.get('stop'), 1, 'a negative pushback: no retry');
});

t.test('a client stream is replayed on retry', async (t) => {
  let attempts = 0;
  const server = new Server();
  const handlers = streamingHandlers();
  server.addService(piStreams, {
    ...handlers,
    Summarize: async (requests: AsyncIterable<{ n: number }>, call: ServerCall) => {
      attempts++;
      if (attempts === 1) {
        for await (const _ of requests) void _;
        throw new StatusError(Status.ABORTED, 'conflict, retry');
      }
      return handlers.Summarize(requests, call);
    },
  });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const client = createClient<'Summarize'>(`127.0.0.1:${port}`, piStreams, {
    serviceConfig: { methodConfig: [{ name: [{ service: 'pi_streaming.PiStreams', method: 'Summarize' }], retryPolicy: policy }] },
  });
  t.teardown(() => client.close());
  const summary = await client.Summarize(Array.from({ length: 50 }, (_, i) => ({ n: i + 1 })));
  t.equal(summary.count, 50, 'the second attempt got all 50 requests again');
  t.equal(attempts, 2);
});

t.test('examples/pi-retry.ts shows the attempts', async (t) => {
  const result = await run(process.execPath, ['--import', 'tsx', 'examples/pi-retry.ts']);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, '[server] call pi(10), attempt 2: UNAVAILABLE (flaky)\n[server] call pi(10), attempt 3: OK\n[client] pi(10) = 3.1096254579886478 after 3 attempts');
  t.match(result.stdout, '[client] without a retry policy: UNAVAILABLE: flaky server, try again');
});
