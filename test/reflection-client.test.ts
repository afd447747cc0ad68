// reflect(), the reflection client of `h2grpc call` and `list`: every question on one ServerReflectionInfo stream,
// as grpcurl asks them; an error answer ends it with that status; a server that never ends the stream after the
// last answer is cancelled, not waited for.
import t, { type Test } from 'tap';
import { reflect, reflectionHandler, reflectionService, Server, Status } from '../src/grpc/index.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { signal } from './wait.js';

type Request = Record<string, unknown>;
type Handler = (requests: AsyncIterable<Request>, call: { signal: AbortSignal }) => AsyncIterable<Record<string, unknown>>;

/** A pi server whose reflection is `handler`, and the number of reflection calls it got. */
async function serverWith(t: Test, handler: (real: Handler) => Handler) {
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  const real = reflectionHandler(() => [piService, reflectionService]) as unknown as Handler;
  const seen = { calls: 0 };
  const wrapped = handler(real);
  server.addService(reflectionService, { ServerReflectionInfo: (requests: AsyncIterable<Request>, call: { signal: AbortSignal }) => (seen.calls++, wrapped(requests, call)) });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, seen };
}

t.test('one stream: the list, then each service\'s file', async (t) => {
  const asked: Request[] = [];
  const { address, seen } = await serverWith(t, (real) => async function* (requests, call) {
    yield* real((async function* () { for await (const r of requests) yield (asked.push(r), r); })(), call);
  });
  const { services, root } = await reflect(address);
  t.same(services, ['pi.PiCalculator', 'grpc.reflection.v1.ServerReflection']);
  t.ok(root.lookupService('pi.PiCalculator'), 'the schema');
  t.equal(seen.calls, 1, 'one reflection call');
  t.same(asked.map((r) => r.message_request), ['list_services', 'file_containing_symbol', 'file_containing_symbol'], 'three questions on it');
});

t.test('an error answer: reflect() fails with its code and message', async (t) => {
  const { address } = await serverWith(t, (real) => async function* (requests, call) {
    for await (const answer of real(requests, call)) {
      yield answer.file_descriptor_response ? { error_response: { error_code: Status.PERMISSION_DENIED, error_message: 'not this file' } } : answer;
    }
  });
  await t.rejects(reflect(address), { code: Status.PERMISSION_DENIED, details: 'not this file' });
});

t.test('a server that never ends the stream after the last answer: cancelled, reflect() resolves', async (t) => {
  const cancelled = signal();
  const { address } = await serverWith(t, (real) => async function* (requests, call) {
    yield* real(requests, call);
    // the requests ended (the client half-closed) and every answer went: this server keeps the stream open
    call.signal.addEventListener('abort', () => cancelled.resolve());
    await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
  });
  const { services } = await reflect(address);
  t.same(services, ['pi.PiCalculator', 'grpc.reflection.v1.ServerReflection'], 'every answer used');
  await cancelled.promise;
  t.pass('the server saw the stream cancelled');
});
