// gRFC A66 metrics, read back through the real OpenTelemetry SDK (an in-memory exporter): exact counts and sums of
// compressed message octets for known traffic, our client → our server, a retried call, grpc-js → our server, and
// connect-node's Connect and gRPC-Web over HTTP/1.1 and HTTP/2 → our server.
import { createClient as connectClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import t from 'tap';
import { descriptorsOfRoots, registryOf } from '../src/codegen/index.js';
import { createClient, LATENCY_BUCKETS, loadProto, openTelemetry, Server, SIZE_BUCKETS, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { piStreams } from '../examples/pi-streaming-service.js';
import { countAndSum, metricsPeer, series } from './telemetry/otel-helpers.js';

// the octets of the messages, by hand (protobuf encoding): PiRequest{n: 5} is 08 05, {n: 1000} is 08 e8 07,
// {n: 0} 08 00 (protobufjs writes a field that was set, even to its default); every PiResponse here is a double,
// 09 and eight octets
const REQUEST_5 = 2;
const REQUEST_1000 = 3;
const RESPONSE = 9;
const CALC = 'grpc.method=pi.PiCalculator/Calc';

async function piServer(telemetry: Awaited<ReturnType<typeof openTelemetry>>, handler?: (n: number) => Promise<void> | void) {
  const server = new Server({ telemetry });
  server.addService(piService, {
    Calc: async ({ n }: { n: number }) => {
      await handler?.(n);
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

t.test('our client → our server: every instrument, exact', async (t) => {
  const serverPeer = metricsPeer();
  const clientPeer = metricsPeer();
  const { server, port } = await piServer(await openTelemetry({ meterProvider: serverPeer.meterProvider }));
  const telemetry = await openTelemetry({ meterProvider: clientPeer.meterProvider });
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry });
  const streaming = createClient(`127.0.0.1:${port}`, piStreams, { telemetry });
  t.teardown(async () => {
    client.close();
    streaming.close();
    await server.shutdown();
    await serverPeer.shutdown();
    await clientPeer.shutdown();
  });
  await client.Calc({ n: 5 });
  await client.Calc({ n: 5 });
  await client.Calc({ n: 1000 });
  await t.rejects(client.Calc({ n: 0 }), { code: Status.INVALID_ARGUMENT });
  // a method this server does not serve: UNIMPLEMENTED, reported as "other" on the server (A66)
  await t.rejects(streaming.unary('Summarize', [{ n: 1 }]), { code: Status.UNIMPLEMENTED });

  const target = `grpc.target=dns:///127.0.0.1:${port}`;
  const c = await clientPeer.read();
  t.same([...c.keys()].sort(), ['grpc.client.attempt.duration', 'grpc.client.attempt.rcvd_total_compressed_message_size', 'grpc.client.attempt.sent_total_compressed_message_size', 'grpc.client.attempt.started', 'grpc.client.call.duration'], 'the five client instruments');
  t.equal(series<number>(c.get('grpc.client.attempt.started')).get(`${CALC},${target}`)?.value, 4, 'four attempts of Calc started');
  t.equal(c.get('grpc.client.attempt.started')?.descriptor.unit, '{attempt}');
  const ok = `${CALC},grpc.status=OK,${target}`;
  const invalid = `${CALC},grpc.status=INVALID_ARGUMENT,${target}`;
  t.same(countAndSum(c.get('grpc.client.attempt.sent_total_compressed_message_size'), ok), { count: 3, sum: 2 * REQUEST_5 + REQUEST_1000 }, 'request octets of the OK attempts');
  t.same(countAndSum(c.get('grpc.client.attempt.rcvd_total_compressed_message_size'), ok), { count: 3, sum: 3 * RESPONSE }, 'response octets of the OK attempts');
  t.same(countAndSum(c.get('grpc.client.attempt.sent_total_compressed_message_size'), invalid), { count: 1, sum: 2 }, 'PiRequest{n: 0} as sent: 08 00');
  t.same(countAndSum(c.get('grpc.client.attempt.rcvd_total_compressed_message_size'), invalid), { count: 1, sum: 0 }, 'an error has no response message');
  t.equal(countAndSum(c.get('grpc.client.attempt.duration'), ok)?.count, 3);
  t.equal(countAndSum(c.get('grpc.client.call.duration'), ok)?.count, 3);
  t.equal(countAndSum(c.get('grpc.client.call.duration'), invalid)?.count, 1);
  const unservedKey = `grpc.method=pi_streaming.PiStreams/Summarize,grpc.status=UNIMPLEMENTED,${target}`;
  t.equal(countAndSum(c.get('grpc.client.call.duration'), unservedKey)?.count, 1, 'the client names the method it called');
  const duration = c.get('grpc.client.attempt.duration')!;
  t.equal(duration.descriptor.unit, 's');
  t.same((series<{ buckets: { boundaries: number[] } }>(duration).get(ok)!.value as { buckets: { boundaries: number[] } }).buckets.boundaries, LATENCY_BUCKETS, 'A66 latency buckets');
  const sizes = c.get('grpc.client.attempt.sent_total_compressed_message_size')!;
  t.equal(sizes.descriptor.unit, 'By');
  t.same((series<{ buckets: { boundaries: number[] } }>(sizes).get(ok)!.value as { buckets: { boundaries: number[] } }).buckets.boundaries, SIZE_BUCKETS, 'A66 size buckets');

  const s = await serverPeer.read();
  t.same([...s.keys()].sort(), ['grpc.server.call.duration', 'grpc.server.call.rcvd_total_compressed_message_size', 'grpc.server.call.sent_total_compressed_message_size', 'grpc.server.call.started'], 'the four server instruments');
  const started = series<number>(s.get('grpc.server.call.started'));
  t.equal(started.get(CALC)?.value, 4, 'four Calc calls started');
  t.equal(started.get('grpc.method=other')?.value, 1, 'the unserved method is "other"');
  t.equal(s.get('grpc.server.call.started')?.descriptor.unit, '{call}');
  t.same(countAndSum(s.get('grpc.server.call.rcvd_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 3, sum: 2 * REQUEST_5 + REQUEST_1000 });
  t.same(countAndSum(s.get('grpc.server.call.sent_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 3, sum: 3 * RESPONSE });
  t.same(countAndSum(s.get('grpc.server.call.sent_total_compressed_message_size'), `${CALC},grpc.status=INVALID_ARGUMENT`), { count: 1, sum: 0 });
  t.same(countAndSum(s.get('grpc.server.call.rcvd_total_compressed_message_size'), `${CALC},grpc.status=INVALID_ARGUMENT`), { count: 1, sum: 2 }, 'the server got the 2 octets the client sent');
  t.equal(countAndSum(s.get('grpc.server.call.duration'), 'grpc.method=other,grpc.status=UNIMPLEMENTED')?.count, 1);
  t.equal(countAndSum(s.get('grpc.server.call.duration'), `${CALC},grpc.status=OK`)?.count, 3);
});

t.test('a retried call: two attempts, one call (gRPC A6 with A66)', async (t) => {
  const clientPeer = metricsPeer();
  let calls = 0;
  const { server, port } = await piServer({}, () => {
    if (++calls === 1) throw new StatusError(Status.UNAVAILABLE, 'try again');
  });
  const client = createClient(`127.0.0.1:${port}`, piService, {
    telemetry: await openTelemetry({ meterProvider: clientPeer.meterProvider }),
    serviceConfig: { methodConfig: [{ name: [{ service: 'pi.PiCalculator' }], retryPolicy: { maxAttempts: 3, initialBackoff: '0.01s', maxBackoff: '0.01s', backoffMultiplier: 1, retryableStatusCodes: ['UNAVAILABLE'] } }] },
  });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await clientPeer.shutdown();
  });
  await client.Calc({ n: 5 });
  const c = await clientPeer.read();
  const target = `grpc.target=dns:///127.0.0.1:${port}`;
  t.equal(series<number>(c.get('grpc.client.attempt.started')).get(`${CALC},${target}`)?.value, 2, 'two attempts');
  t.same(countAndSum(c.get('grpc.client.attempt.sent_total_compressed_message_size'), `${CALC},grpc.status=UNAVAILABLE,${target}`), { count: 1, sum: REQUEST_5 }, 'the failed attempt sent the request');
  t.same(countAndSum(c.get('grpc.client.attempt.sent_total_compressed_message_size'), `${CALC},grpc.status=OK,${target}`), { count: 1, sum: REQUEST_5 }, 'the retry replayed it');
  t.same(countAndSum(c.get('grpc.client.attempt.rcvd_total_compressed_message_size'), `${CALC},grpc.status=OK,${target}`), { count: 1, sum: RESPONSE });
  t.equal(countAndSum(c.get('grpc.client.call.duration'), `${CALC},grpc.status=OK,${target}`)?.count, 1, 'one call');
  t.equal(countAndSum(c.get('grpc.client.call.duration'), `${CALC},grpc.status=UNAVAILABLE,${target}`), undefined, 'the call did not fail');
});

t.test('grpc-js client → our server', async (t) => {
  const serverPeer = metricsPeer();
  const { server, port } = await piServer(await openTelemetry({ meterProvider: serverPeer.meterProvider }));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const piPackage = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi;
  const client = new piPackage.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await serverPeer.shutdown();
  });
  const calc = (n: number) => new Promise<unknown>((resolve, reject) => client.Calc({ n }, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  await calc(5);
  await calc(1000);
  await t.rejects(calc(-1), { code: Status.INVALID_ARGUMENT });
  const s = await serverPeer.read();
  t.equal(series<number>(s.get('grpc.server.call.started')).get(CALC)?.value, 3);
  t.same(countAndSum(s.get('grpc.server.call.rcvd_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 2, sum: REQUEST_5 + REQUEST_1000 });
  t.same(countAndSum(s.get('grpc.server.call.sent_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 2, sum: 2 * RESPONSE });
  // n = -1 is a negative int32: ten octets of varint after the tag, 11 in all
  t.same(countAndSum(s.get('grpc.server.call.rcvd_total_compressed_message_size'), `${CALC},grpc.status=INVALID_ARGUMENT`), { count: 1, sum: 11 });
  t.equal(countAndSum(s.get('grpc.server.call.duration'), `${CALC},grpc.status=INVALID_ARGUMENT`)?.count, 1);
});

t.test('Connect and gRPC-Web calls (HTTP/1.1 and HTTP/2) are counted as gRPC calls: same instruments, same octets', async (t) => {
  const serverPeer = metricsPeer();
  const { server, port } = await piServer(await openTelemetry({ meterProvider: serverPeer.meterProvider }));
  t.teardown(async () => {
    await server.shutdown();
    await serverPeer.shutdown();
  });
  const PiCalculator = registryOf(descriptorsOfRoots([loadProto([PI_PROTO])])).getService('pi.PiCalculator')!;
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const transport of [
    createConnectTransport({ baseUrl, httpVersion: '1.1' }),
    createConnectTransport({ baseUrl, httpVersion: '2' }),
    createGrpcWebTransport({ baseUrl, httpVersion: '1.1' }),
  ]) {
    const calc = connectClient(PiCalculator, transport) as unknown as { calc(r: { n: number }): Promise<{ value: number }> };
    t.equal((await calc.calc({ n: 5 })).value, pi(5));
    await t.rejects(calc.calc({ n: 0 }));
  }
  const s = await serverPeer.read();
  t.equal(series<number>(s.get('grpc.server.call.started')).get(CALC)?.value, 6, 'six calls started');
  t.same(countAndSum(s.get('grpc.server.call.rcvd_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 3, sum: 3 * REQUEST_5 }, 'the request octets, as sent on every protocol');
  t.same(countAndSum(s.get('grpc.server.call.sent_total_compressed_message_size'), `${CALC},grpc.status=OK`), { count: 3, sum: 3 * RESPONSE });
  t.equal(countAndSum(s.get('grpc.server.call.duration'), `${CALC},grpc.status=INVALID_ARGUMENT`)?.count, 3, 'errors with their status');
});
