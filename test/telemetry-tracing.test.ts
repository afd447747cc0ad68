// gRFC A72 tracing, read back through the real OpenTelemetry SDK (an in-memory span exporter): our client → our
// server shares one trace, call span → attempt span → server span; grpc-js with a W3C traceparent → our server
// continues that trace; and the two wire formats of trace context, byte for byte.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { createClient, formatGrpcTraceBin, formatTraceparent, openTelemetry, parseGrpcTraceBin, parseTraceparent, Server, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { metricsPeer, tracesPeer } from './telemetry/otel-helpers.js';
import { until } from './wait.js';

const SPAN_KIND_SERVER = 1;
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

async function tracedPiServer(telemetry: Awaited<ReturnType<typeof openTelemetry>>) {
  const server = new Server({ telemetry });
  server.addService(piService, {
    Calc: ({ n }: { n: number }) => {
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const events = (span: ReadableSpan) => span.events.map((e) => [e.name, e.attributes?.['sequence-number'], e.attributes?.['message-size']]);

t.test('trace context on the wire: traceparent and grpc-trace-bin', async (t) => {
  // W3C Trace Context §3.2's example
  const example = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const parsed = parseTraceparent(example);
  t.same(parsed, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
  t.equal(formatTraceparent(parsed!), example);
  t.equal(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined, 'an all-zero trace id is invalid');
  t.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined, 'an all-zero span id is invalid');
  t.equal(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), undefined, 'version ff is invalid');
  t.equal(parseTraceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'), undefined, 'upper-case hex is invalid');
  t.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'), undefined, 'version 00 has four fields');
  t.ok(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'), 'a later version may have more');
  // grpc-trace-bin: 00 | 00 trace id | 01 span id | 02 options
  const bin = formatGrpcTraceBin(parsed!);
  t.equal(Buffer.from(bin, 'base64').toString('hex'), '00' + '00' + '4bf92f3577b34da6a3ce929d0e0e4736' + '01' + '00f067aa0ba902b7' + '02' + '01');
  t.notOk(bin.endsWith('='), 'unpadded, as -bin metadata is sent');
  t.same(parseGrpcTraceBin(bin), parsed);
  t.equal(parseGrpcTraceBin(Buffer.from([0, 0, 1]).toString('base64')), undefined, 'too short');
});

t.test('our client → our server: one trace, call → attempt → server span, message events', async (t) => {
  const clientTraces = tracesPeer();
  const serverTraces = tracesPeer();
  const { server, port } = await tracedPiServer(await openTelemetry({ tracerProvider: serverTraces.tracerProvider }));
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry: await openTelemetry({ tracerProvider: clientTraces.tracerProvider }) });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
  });
  await client.Calc({ n: 5 });
  await t.rejects(client.Calc({ n: -1 }), { code: Status.INVALID_ARGUMENT });
  await until(() => clientTraces.spans().length === 4 && serverTraces.spans().length === 2, 'all six spans ended');

  const [call, failedCall] = byName(clientTraces.spans(), 'Sent.pi.PiCalculator/Calc');
  const [attempt, failedAttempt] = byName(clientTraces.spans(), 'Attempt.pi.PiCalculator/Calc');
  const [served, failedServed] = byName(serverTraces.spans(), 'Recv.pi.PiCalculator/Calc');
  t.ok(call && attempt && served && failedCall && failedAttempt && failedServed, 'a call, an attempt and a server span per call');
  t.equal(call!.kind, SPAN_KIND_CLIENT);
  t.equal(served!.kind, SPAN_KIND_SERVER);
  t.equal(call!.parentSpanContext, undefined, 'no active span in the application: the call span is a root');
  t.equal(attempt!.parentSpanContext?.spanId, call!.spanContext().spanId, 'the attempt is the call\'s child');
  t.equal(served!.parentSpanContext?.spanId, attempt!.spanContext().spanId, 'the server span is the attempt\'s child, across the wire');
  t.equal(served!.parentSpanContext?.isRemote, true);
  const traceId = call!.spanContext().traceId;
  t.equal(attempt!.spanContext().traceId, traceId);
  t.equal(served!.spanContext().traceId, traceId, 'one trace id on both sides');
  t.not(failedCall!.spanContext().traceId, traceId, 'the next call is a trace of its own');
  t.equal(failedServed!.spanContext().traceId, failedCall!.spanContext().traceId);
  t.same(attempt!.attributes, { 'previous-rpc-attempts': 0, 'transparent-retry': false, 'rpc.grpc.status_code': 0 });
  t.equal(call!.attributes['grpc.target'], `dns:///127.0.0.1:${port}`);
  // PiRequest{n: 5} is 2 octets, a PiResponse 9
  t.same(events(attempt!), [['Outbound message', 0, 2], ['Inbound message', 0, 9]], 'the attempt\'s messages');
  t.same(events(served!), [['Inbound message', 0, 2], ['Outbound message', 0, 9]], 'the server\'s messages');
  t.same(call!.status, { code: 0 }, 'OK leaves the status unset');
  t.same(failedCall!.status, { code: SPAN_STATUS_ERROR, message: 'INVALID_ARGUMENT' });
  t.same(failedAttempt!.status, { code: SPAN_STATUS_ERROR, message: 'INVALID_ARGUMENT' });
  t.same(failedServed!.status, { code: SPAN_STATUS_ERROR, message: 'INVALID_ARGUMENT' });
  t.equal(failedServed!.attributes['rpc.grpc.status_code'], Status.INVALID_ARGUMENT);
});

t.test('grpc-trace-bin instead of traceparent, with metrics on as well', async (t) => {
  const clientTraces = tracesPeer();
  const serverTraces = tracesPeer();
  const meters = metricsPeer();
  const { server, port } = await tracedPiServer(await openTelemetry({ tracerProvider: serverTraces.tracerProvider, meterProvider: meters.meterProvider }));
  const telemetry = await openTelemetry({ tracerProvider: clientTraces.tracerProvider, meterProvider: meters.meterProvider, propagation: ['grpc-trace-bin'] });
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry });
  t.teardown(async () => {
    client.close();
    await server.shutdown();
    await meters.shutdown();
  });
  await client.Calc({ n: 5 });
  await until(() => clientTraces.spans().length === 2 && serverTraces.spans().length === 1, 'the three spans ended');
  const attempt = byName(clientTraces.spans(), 'Attempt.pi.PiCalculator/Calc')[0]!;
  const served = serverTraces.spans()[0]!;
  t.equal(served.parentSpanContext?.spanId, attempt.spanContext().spanId, 'the server continued the context from grpc-trace-bin');
  t.equal(served.spanContext().traceId, attempt.spanContext().traceId);
  const metrics = await meters.read();
  t.ok(metrics.has('grpc.server.call.duration') && metrics.has('grpc.client.call.duration'), 'and both sides measured');
});

t.test('grpc-js client with a traceparent → our server continues the trace', async (t) => {
  const serverTraces = tracesPeer();
  const { server, port } = await tracedPiServer(await openTelemetry({ tracerProvider: serverTraces.tracerProvider }));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const piPackage = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi;
  const client = new piPackage.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    await server.shutdown();
  });
  const metadata = new grpc.Metadata();
  metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  await new Promise((resolve, reject) => client.Calc({ n: 5 }, metadata, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  await until(() => serverTraces.spans().length === 1, 'the server span ended');
  const served = serverTraces.spans()[0]!;
  t.equal(served.name, 'Recv.pi.PiCalculator/Calc');
  t.equal(served.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c', 'the trace grpc-js\'s caller started');
  t.equal(served.parentSpanContext?.spanId, 'b7ad6b7169203331', 'under the caller\'s span');
  t.not(served.spanContext().spanId, 'b7ad6b7169203331', 'a span of its own');
  t.equal(served.spanContext().traceFlags, 1, 'sampled, as the caller said');
  t.same(events(served), [['Inbound message', 0, 2], ['Outbound message', 0, 9]]);
});
