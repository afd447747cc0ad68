// Rich errors: google.rpc.Status with typed details in grpc-status-details-bin, between our client and server and
// with grpc-js both ways; and the pi-errors example's output.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t from 'tap';
import { createClient, richStatus, Server, Status, StatusError, type StatusDetail } from '../src/grpc/index.js';
import { PI_PROTO, piService } from '../examples/pi-service.js';
import { run } from './peers.js';

const details: StatusDetail[] = [
  { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMITED', domain: 'pi.example', metadata: { limit: '10/s' } },
  { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'n', description: 'too big' }] },
  { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: { seconds: '2', nanos: 500000000 } },
  { '@type': 'type.googleapis.com/google.rpc.DebugInfo', stack_entries: ['a', 'b'], detail: 'deep' },
  { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'zh-CN', message: '请求太多' },
];

t.test('google.rpc.Status round-trips through the codec', async (t) => {
  const encoded = richStatus.encode({ code: 8, message: 'slow down', details });
  t.same(richStatus.decode(encoded), { code: 8, message: 'slow down', details });
  const unknown = richStatus.decode(richStatus.encode({ code: 1, message: '', details: [{ '@type': 'type.googleapis.com/acme.Custom', value: Buffer.from([1, 2]) }] }));
  t.same(unknown.details, [{ '@type': 'type.googleapis.com/acme.Custom', value: Buffer.from([1, 2]) }], 'an unknown detail type keeps its octets');
  t.throws(() => richStatus.encode({ code: 1, message: '', details: [{ '@type': 'acme.Custom', x: 1 }] }), /unknown detail type/);
});

t.test('typed details from our server to our client', async (t) => {
  const server = new Server();
  server.addService(piService, { Calc: () => { throw new StatusError(Status.RESOURCE_EXHAUSTED, 'slow down', undefined, details); } });
  const port = await server.listen(0);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  const err = (await client.Calc({ n: 1 }).catch((e: unknown) => e)) as StatusError;
  t.equal(err.code, Status.RESOURCE_EXHAUSTED);
  t.same(err.errorDetails, details);
});

t.test('grpc-js interop: typed details both ways', async (t) => {
  const pkg = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi; // eslint-disable-line @typescript-eslint/no-explicit-any
  // our server -> grpc-js client: the trailer decodes to the same Status
  const server = new Server();
  server.addService(piService, { Calc: () => { throw new StatusError(Status.INVALID_ARGUMENT, 'bad n', undefined, details); } });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const jsClient = new pkg.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => jsClient.close());
  const jsErr = await new Promise<grpc.ServiceError>((resolve) => jsClient.Calc({ n: 1 }, (e: grpc.ServiceError) => resolve(e)));
  t.equal(jsErr.code, grpc.status.INVALID_ARGUMENT);
  const bin = jsErr.metadata.get('grpc-status-details-bin')[0] as Buffer;
  t.ok(Buffer.isBuffer(bin), 'grpc-js sees grpc-status-details-bin');
  t.same(richStatus.decode(bin), { code: 3, message: 'bad n', details }, 'and it holds our google.rpc.Status');

  // grpc-js server -> our client
  const jsServer = new grpc.Server();
  jsServer.addService(pkg.PiCalculator.service, {
    Calc: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      const md = new grpc.Metadata();
      md.set('grpc-status-details-bin', richStatus.encode({ code: 5, message: 'no such pi', details: details.slice(0, 2) }));
      cb({ code: grpc.status.NOT_FOUND, details: 'no such pi', metadata: md, name: '', message: '' });
    },
  });
  const jsPort = await new Promise<number>((resolve, reject) => jsServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => jsServer.forceShutdown());
  const client = createClient<'Calc'>(`127.0.0.1:${jsPort}`, piService);
  t.teardown(() => client.close());
  const err = (await client.Calc({ n: 1 }).catch((e: unknown) => e)) as StatusError;
  t.equal(err.code, Status.NOT_FOUND);
  t.same(err.errorDetails, details.slice(0, 2), 'we decode the details grpc-js sent');
});

t.test('examples/pi-errors.ts prints code, details, metadata and typed details', async (t) => {
  const result = await run(process.execPath, ['--import', 'tsx', 'examples/pi-errors.ts']);
  t.equal(result.status, 0, result.stderr);
  const out = result.stdout;
  t.match(out, 'Calc(0) failed: code 3 INVALID_ARGUMENT\n  details: request number should be positive');
  t.match(out, 'business error from details: 10086 something happened');
  t.match(out, 'trailing metadata: {"biz-err-code":"10086","biz-err-msg":"something happened"}');
  t.match(out, 'initial metadata: {"x-served-by":"pi-errors"}');
  t.match(out, '"reason":"RATE_LIMITED"');
  t.match(out, '"field_violations":[{"field":"n","description":"must be below 1000000"}]');
  t.match(out, '"retry_delay":{"seconds":"2","nanos":500000000}');
  t.match(out, 'pi(10) = 3.1096254579886478');
});

t.test('details of the user\'s own types: any type of the served services, a typeRegistry, or pre-encoded', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadProto, loadService } = await import('../src/grpc/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-details-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'shop.proto'), 'syntax = "proto3"; package shop.v1; message Item { string id = 1; int32 stock = 2; } message Get { string id = 1; } service Shop { rpc GetItem(Get) returns (Item); }');
  writeFileSync(join(dir, 'extra.proto'), 'syntax = "proto3"; package audit.v1; message Trail { string who = 1; }');
  const shop = loadService(join(dir, 'shop.proto'), 'shop.v1.Shop');
  const details: StatusDetail[] = [
    { '@type': 'type.googleapis.com/shop.v1.Item', id: 'x1', stock: 0 }, // in the served service's schema
    { '@type': 'type.googleapis.com/audit.v1.Trail', who: 'ops' }, // in the typeRegistry
    { '@type': 'type.googleapis.com/opaque.v1.Blob', value: Buffer.from([1, 2, 3]) }, // pre-encoded, passed as it is
  ];
  const server = new Server({ typeRegistry: [loadProto(join(dir, 'extra.proto'))] }).addService(shop, {
    GetItem: () => {
      throw new StatusError(Status.FAILED_PRECONDITION, 'out of stock', undefined, details);
    },
  });
  t.teardown(() => server.forceShutdown());
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient<'GetItem'>(`127.0.0.1:${port}`, shop, { typeRegistry: [loadProto(join(dir, 'extra.proto'))] });
  t.teardown(() => client.close());
  const err = await client.GetItem({ id: 'x1' }).then(() => undefined, (e: StatusError) => e);
  t.equal(err?.code, Status.FAILED_PRECONDITION, 'the status the handler threw, not INTERNAL');
  t.same(err?.errorDetails, [
    { '@type': 'type.googleapis.com/shop.v1.Item', id: 'x1', stock: 0 },
    { '@type': 'type.googleapis.com/audit.v1.Trail', who: 'ops' },
    { '@type': 'type.googleapis.com/opaque.v1.Blob', value: Buffer.from([1, 2, 3]) },
  ], 'each detail decoded by the client with the service\'s types and its typeRegistry; the unknown one as bytes');
  // a type the server knows nowhere: INTERNAL naming what to do
  const unknown = new Server().addService(shop, {
    GetItem: () => {
      throw new StatusError(Status.NOT_FOUND, 'no', undefined, [{ '@type': 'type.googleapis.com/audit.v1.Trail', who: 'x' }]);
    },
  });
  t.teardown(() => unknown.forceShutdown());
  const other = createClient<'GetItem'>(`127.0.0.1:${await unknown.listen(0, '127.0.0.1')}`, shop);
  t.teardown(() => other.close());
  const failed = await other.GetItem({ id: 'x' }).then(() => undefined, (e: StatusError) => e);
  t.equal(failed?.code, Status.INTERNAL);
  t.match(failed?.details, /unknown detail type type.googleapis.com\/audit.v1.Trail: it is in no served service's schema; give its root in the server's typeRegistry option/);
});
