// Health checking (grpc.health.v1.Health): Check and Watch from a grpc-js client and ours, per service, and
// NOT_SERVING first during a graceful shutdown.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t from 'tap';
import { createClient, HEALTH_PROTO, healthService, Server, Status } from '../src/grpc/index.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { until } from './wait.js';

t.test('Check and Watch from grpc-js; NOT_SERVING during shutdown', async (t) => {
  const server = new Server({ health: true });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  const pkg = (grpc.loadPackageDefinition(protoLoader.loadSync(HEALTH_PROTO, { keepCase: true, enums: String })) as any).grpc.health.v1; // eslint-disable-line @typescript-eslint/no-explicit-any
  const client = new pkg.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const check = (service: string) => new Promise<{ err: grpc.ServiceError | null; status?: string }>((resolve) =>
    client.Check({ service }, (err: grpc.ServiceError | null, res: { status: string }) => resolve({ err, status: res?.status })));
  t.equal((await check('')).status, 'SERVING', 'the server as a whole');
  t.equal((await check('pi.PiCalculator')).status, 'SERVING', 'each registered service');
  t.equal((await check('nope.Service')).err?.code, grpc.status.NOT_FOUND, 'an unknown service is NOT_FOUND');

  const seen: string[] = [];
  const ended = new Promise<void>((resolve) => {
    const watch = client.Watch({ service: 'pi.PiCalculator' });
    watch.on('data', (m: { status: string }) => seen.push(m.status));
    watch.on('end', () => resolve());
    watch.on('error', () => resolve());
  });
  const unknown: string[] = [];
  const watchUnknown = client.Watch({ service: 'later.Service' });
  watchUnknown.on('data', (m: { status: string }) => unknown.push(m.status));
  watchUnknown.on('error', () => {});
  await until(() => seen.length === 1 && unknown.length === 1, 'both watches answered');
  server.health.set('pi.PiCalculator', 'NOT_SERVING');
  server.health.set('later.Service', 'SERVING');
  await until(() => seen.length === 2 && unknown.length === 2, 'both changes seen');
  server.health.set('pi.PiCalculator', 'SERVING');
  await until(() => seen.length === 3, 'SERVING again seen');
  t.same(unknown, ['SERVICE_UNKNOWN', 'SERVING'], 'Watch of a service not yet known');
  await server.shutdown();
  await ended;
  t.same(seen, ['SERVING', 'NOT_SERVING', 'SERVING', 'NOT_SERVING'], 'Watch sees every change, and NOT_SERVING when the shutdown starts; then the stream ends');
});

t.test('our client checks health too', async (t) => {
  const server = new Server({ health: true });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  const client = createClient<'Check'>(`127.0.0.1:${port}`, healthService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  t.same(await client.Check({ service: 'pi.PiCalculator' }), { status: 'SERVING' });
  await t.rejects(client.Check({ service: 'x' }), { code: Status.NOT_FOUND });
});
