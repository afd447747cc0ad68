// Interop with the real @grpc/grpc-js: its client against our pi server, and our client against its pi server.
// The same checks both ways: values, INVALID_ARGUMENT with code and details, deadline, metadata both ways.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t from 'tap';
import { createClient, Metadata, Server, Status, StatusError, type ServerCall } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';

const definition = protoLoader.loadSync(PI_PROTO, { keepCase: true });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const piPackage = (grpc.loadPackageDefinition(definition) as any).pi;

/** Our pi server, which echoes x-echo metadata back in the headers and trailers, and sleeps when n >= 10000. */
async function ourServer() {
  const server = new Server();
  server.addService(piService, {
    Calc: async ({ n }: { n: number }, call: ServerCall) => {
      const echo = call.metadata.get('x-echo');
      if (echo !== undefined) {
        call.sendMetadata(new Metadata({ 'x-echo-initial': String(echo), 'x-bin-bin': call.metadata.get('x-bin-bin') ?? Buffer.alloc(0) }));
        call.trailers.set('x-echo-trailing', String(echo));
      }
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      if (n >= 10000) await new Promise((r) => setTimeout(r, 500));
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** The same pi server written with grpc-js. */
async function grpcJsServer() {
  const server = new grpc.Server();
  server.addService(piPackage.PiCalculator.service, {
    Calc: (call: grpc.ServerUnaryCall<{ n: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const echo = call.metadata.get('x-echo')[0];
      const trailer = new grpc.Metadata();
      if (echo !== undefined) {
        const initial = new grpc.Metadata();
        initial.set('x-echo-initial', String(echo));
        initial.set('x-bin-bin', call.metadata.get('x-bin-bin')[0] ?? Buffer.alloc(0));
        call.sendMetadata(initial);
        trailer.set('x-echo-trailing', String(echo));
      }
      const { n } = call.request;
      if (n <= 0) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'request number should be positive', metadata: trailer });
      setTimeout(() => callback(null, { value: pi(n) }, trailer), n >= 10000 ? 500 : 0);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}

t.test('grpc-js client -> our server', async (t) => {
  const { server, port } = await ourServer();
  const client = new piPackage.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  const call = (n: number, md = new grpc.Metadata(), options: grpc.CallOptions = {}) =>
    new Promise<{ err: grpc.ServiceError | null; value?: number; headers?: grpc.Metadata; trailers?: grpc.Metadata }>((resolve) => {
      let headers: grpc.Metadata | undefined;
      let outcome: { err: grpc.ServiceError | null; value?: number } | undefined;
      // grpc-js calls back before it emits 'status' with the trailers: answer once both are in
      const c = client.Calc({ n }, md, options, (err: grpc.ServiceError | null, res?: { value: number }) => (outcome = { err, value: res?.value }));
      c.on('metadata', (m: grpc.Metadata) => (headers = m));
      c.on('status', (s: grpc.StatusObject) => setImmediate(() => resolve({ ...outcome!, headers, trailers: s.metadata })));
    });

  for (const n of [1, 2, 999]) {
    const r = await call(n);
    t.equal(r.err, null);
    t.equal(r.value, pi(n), `pi(${n}) = ${r.value}`);
  }
  const bad = await call(0);
  t.equal(bad.err?.code, grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT');
  t.equal(bad.err?.details, 'request number should be positive');
  const late = await call(10000, undefined, { deadline: Date.now() + 100 });
  t.equal(late.err?.code, grpc.status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED');
  const md = new grpc.Metadata();
  md.set('x-echo', 'ping');
  md.set('x-bin-bin', Buffer.from([0, 255, 1]));
  const echoed = await call(5, md);
  t.equal(echoed.value, pi(5));
  t.same(echoed.headers?.get('x-echo-initial'), ['ping'], 'initial metadata from our server');
  t.same(echoed.headers?.get('x-bin-bin'), [Buffer.from([0, 255, 1])], '-bin metadata both ways');
  t.same(echoed.trailers?.get('x-echo-trailing'), ['ping'], 'trailing metadata from our server');
  const failedWithMd = await call(0, md);
  t.same(failedWithMd.err?.metadata.get('x-echo-trailing'), ['ping'], 'trailing metadata on an error');
  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => call(i + 1)));
  t.same(many.map((r) => r.value), Array.from({ length: 200 }, (_, i) => pi(i + 1)), '200 concurrent calls');
});

t.test('our client -> grpc-js server', async (t) => {
  const { server, port } = await grpcJsServer();
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  for (const n of [1, 2, 999]) t.equal((await client.Calc({ n })).value, pi(n), `pi(${n})`);
  await t.rejects(client.Calc({ n: 0 }), { code: Status.INVALID_ARGUMENT, details: 'request number should be positive' }, 'INVALID_ARGUMENT');
  await t.rejects(client.Calc({ n: 10000 }, { timeout: 100 }), { code: Status.DEADLINE_EXCEEDED }, 'DEADLINE_EXCEEDED');
  const md = new Metadata({ 'x-echo': 'pong', 'x-bin-bin': Buffer.from([9, 8, 7, 0]) });
  const result = await client.unary<{ value: number }>('Calc', { n: 6 }, { metadata: md });
  t.equal(result.message.value, pi(6));
  t.equal(result.headers.get('x-echo-initial'), 'pong', 'initial metadata from grpc-js');
  t.same(result.headers.get('x-bin-bin'), Buffer.from([9, 8, 7, 0]), '-bin metadata both ways');
  t.equal(result.trailers.get('x-echo-trailing'), 'pong', 'trailing metadata from grpc-js');
  const err = await client.Calc({ n: -5 }, { metadata: md }).catch((e: StatusError) => e);
  t.equal(err.metadata?.get('x-echo-trailing'), 'pong', 'trailing metadata on an error');
  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => client.Calc({ n: i + 1 })));
  t.same(many.map((r: { value: number }) => r.value), Array.from({ length: 200 }, (_, i) => pi(i + 1)), '200 concurrent calls');
});
