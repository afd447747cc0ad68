import type { Attributes, Counter, Histogram, Meter, MeterProvider } from './otel-types.js';
import { type ClientCallObserver, type ClientCallStart, type ServerCallObserver, type ServerCallStart, statusName } from '../call/index.js';

// gRFC A66: the per-call metrics of a gRPC client and server, recorded through an OpenTelemetry MeterProvider.
// No import of @opentelemetry/api at all (its shapes are in otel-types.ts): the provider the application passes does the work.

/** gRFC A66 "Latency" buckets, in seconds. */
export const LATENCY_BUCKETS = [0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100];
/** gRFC A66 "Size" buckets, in octets. */
export const SIZE_BUCKETS = [0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

/** The instrumentation scope the instruments are made in. */
export const METER_NAME = 'h2grpc';

/** Options of the metrics. */
export interface MetricsOptions {
  meterProvider: MeterProvider;
  /**
   * gRFC A66: a server reports methods it does not serve as grpc.method "other", so a peer cannot inflate the
   * metrics' cardinality; return true for paths ("/pkg.Service/Method") to report by name anyway. Default none.
   */
  recordUnregisteredMethod?: (path: string) => boolean;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** The nine A66 instruments, made once per openTelemetry(); each call records into them. */
export class CallMetrics {
  readonly clientAttemptStarted: Counter;
  readonly clientAttemptDuration: Histogram;
  readonly clientAttemptSent: Histogram;
  readonly clientAttemptRcvd: Histogram;
  readonly clientCallDuration: Histogram;
  readonly serverCallStarted: Counter;
  readonly serverCallDuration: Histogram;
  readonly serverCallSent: Histogram;
  readonly serverCallRcvd: Histogram;
  private readonly recordUnregistered: ((path: string) => boolean) | undefined;

  constructor(options: MetricsOptions) {
    const meter = options.meterProvider.getMeter(METER_NAME);
    this.recordUnregistered = options.recordUnregisteredMethod;
    this.clientAttemptStarted = meter.createCounter('grpc.client.attempt.started', { unit: '{attempt}', description: 'Number of client call attempts started.' });
    this.clientAttemptDuration = latency(meter, 'grpc.client.attempt.duration', 'End-to-end time taken to complete a client call attempt.');
    this.clientAttemptSent = size(meter, 'grpc.client.attempt.sent_total_compressed_message_size', 'Compressed message bytes sent per client call attempt.');
    this.clientAttemptRcvd = size(meter, 'grpc.client.attempt.rcvd_total_compressed_message_size', 'Compressed message bytes received per call attempt.');
    this.clientCallDuration = latency(meter, 'grpc.client.call.duration', 'Time taken by gRPC to complete an RPC from application\'s perspective.');
    this.serverCallStarted = meter.createCounter('grpc.server.call.started', { unit: '{call}', description: 'Number of server calls started.' });
    this.serverCallDuration = latency(meter, 'grpc.server.call.duration', 'End-to-end time taken to complete a call from server transport\'s perspective.');
    this.serverCallSent = size(meter, 'grpc.server.call.sent_total_compressed_message_size', 'Compressed message bytes sent per server call.');
    this.serverCallRcvd = size(meter, 'grpc.server.call.rcvd_total_compressed_message_size', 'Compressed message bytes received per server call.');
  }

  serverCall(start: ServerCallStart): ServerCallObserver {
    const method = start.registered || this.recordUnregistered?.(start.path) ? start.path.slice(1) : 'other';
    return new ServerCallMetrics(this, method);
  }

  clientCall(start: ClientCallStart): ClientCallObserver {
    return new ClientCallMetrics(this, { 'grpc.method': start.path.slice(1), 'grpc.target': start.target });
  }
}

function latency(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });
}

function size(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { unit: 'By', description, advice: { explicitBucketBoundaries: SIZE_BUCKETS } });
}

/** One server call's measures: started when its headers arrive, recorded when its status goes out. */
class ServerCallMetrics implements ServerCallObserver {
  private readonly start = performance.now();
  private sent = 0;
  private received = 0;

  constructor(
    private readonly metrics: CallMetrics,
    private readonly method: string,
  ) {
    metrics.serverCallStarted.add(1, { 'grpc.method': method });
  }

  messageSent(size: number): void {
    this.sent += size;
  }

  messageReceived(size: number): void {
    this.received += size;
  }

  callEnded(code: number): void {
    const attributes: Attributes = { 'grpc.method': this.method, 'grpc.status': statusName(code) };
    this.metrics.serverCallDuration.record(seconds(this.start), attributes);
    this.metrics.serverCallSent.record(this.sent, attributes);
    this.metrics.serverCallRcvd.record(this.received, attributes);
  }
}

/** One client call's measures: the call's time, and each attempt's time and message octets. */
class ClientCallMetrics implements ClientCallObserver {
  private readonly start = performance.now();
  private attemptStart = 0;
  private attemptOpen = false;
  private sent = 0;
  private received = 0;

  constructor(
    private readonly metrics: CallMetrics,
    private readonly attributes: { 'grpc.method': string; 'grpc.target': string },
  ) {}

  attemptStarted(): undefined {
    this.attemptOpen = true;
    this.attemptStart = performance.now();
    this.sent = 0;
    this.received = 0;
    this.metrics.clientAttemptStarted.add(1, this.attributes);
    return undefined;
  }

  messageSent(size: number): void {
    this.sent += size;
  }

  messageReceived(size: number): void {
    this.received += size;
  }

  attemptEnded(code: number): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    const attributes: Attributes = { ...this.attributes, 'grpc.status': statusName(code) };
    this.metrics.clientAttemptDuration.record(seconds(this.attemptStart), attributes);
    this.metrics.clientAttemptSent.record(this.sent, attributes);
    this.metrics.clientAttemptRcvd.record(this.received, attributes);
  }

  callEnded(code: number): void {
    this.attemptEnded(code);
    this.metrics.clientCallDuration.record(seconds(this.start), { ...this.attributes, 'grpc.status': statusName(code) });
  }
}
