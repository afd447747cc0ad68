import type { Attributes, MeterProvider } from './otel-types.js';
import { type ChannelObserver, type ClientCallObserver, type ClientCallStart, type ServerCallObserver, type ServerCallStart, statusName } from '../call/index.js';
import { ConnectionMetrics } from './channel-metrics.js';
import { type Instrument, type InstrumentChoice, instrumentsOf } from './instruments.js';

// gRFC A66: the per-call metrics of a gRPC client and server, recorded through an OpenTelemetry MeterProvider.
// No import of @opentelemetry/api at all (its shapes are in otel-types.ts): the provider the application passes does the work.

/** Options of the metrics. */
export interface MetricsOptions {
  meterProvider: MeterProvider;
  /**
   * gRFC A66: a server reports methods it does not serve as grpc.method "other", so a peer cannot inflate the
   * metrics' cardinality; return true for paths ("/pkg.Service/Method") to report by name anyway. Default none.
   */
  recordUnregisteredMethod?: (path: string) => boolean;
  /** gRFC A79: which instruments are recorded (the others are made as no-ops). */
  choice: InstrumentChoice;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** The nine A66 instruments, made once per openTelemetry(); each call records into them. And A79's for channels. */
export class CallMetrics {
  readonly clientAttemptStarted: Instrument;
  readonly clientAttemptDuration: Instrument;
  readonly clientAttemptSent: Instrument;
  readonly clientAttemptRcvd: Instrument;
  readonly clientCallDuration: Instrument;
  readonly serverCallStarted: Instrument;
  readonly serverCallDuration: Instrument;
  readonly serverCallSent: Instrument;
  readonly serverCallRcvd: Instrument;
  private readonly recordUnregistered: ((path: string) => boolean) | undefined;
  /** gRFC A79: the connection instruments, when any is chosen. */
  private readonly connections: ConnectionMetrics | undefined;

  constructor(options: MetricsOptions) {
    this.recordUnregistered = options.recordUnregisteredMethod;
    const instrument = instrumentsOf(options.meterProvider, options.choice);
    this.clientAttemptStarted = instrument('grpc.client.attempt.started');
    this.clientAttemptDuration = instrument('grpc.client.attempt.duration');
    this.clientAttemptSent = instrument('grpc.client.attempt.sent_total_compressed_message_size');
    this.clientAttemptRcvd = instrument('grpc.client.attempt.rcvd_total_compressed_message_size');
    this.clientCallDuration = instrument('grpc.client.call.duration');
    this.serverCallStarted = instrument('grpc.server.call.started');
    this.serverCallDuration = instrument('grpc.server.call.duration');
    this.serverCallSent = instrument('grpc.server.call.sent_total_compressed_message_size');
    this.serverCallRcvd = instrument('grpc.server.call.rcvd_total_compressed_message_size');
    this.connections = ConnectionMetrics.chosen(options.meterProvider, options.choice);
  }

  channel(target: string): ChannelObserver | undefined {
    return this.connections?.channel(target);
  }

  serverCall(start: ServerCallStart): ServerCallObserver {
    const method = start.registered || this.recordUnregistered?.(start.path) ? start.path.slice(1) : 'other';
    return new ServerCallMetrics(this, method);
  }

  clientCall(start: ClientCallStart): ClientCallObserver {
    return new ClientCallMetrics(this, { 'grpc.method': start.path.slice(1), 'grpc.target': start.target });
  }
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
