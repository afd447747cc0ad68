import type { Attributes, MeterProvider } from './otel-types.js';
import type { ChannelObserver } from '../call/index.js';
import { type Instrument, type InstrumentChoice, instrumentsOf, isRecorded } from './instruments.js';

// gRFC A79's metrics beyond any call, for a client channel's connections: A94's grpc.subchannel.* and A78's
// grpc.lb.pick_first.* (pick_first's view: it holds one connection at a time, so it counts what its subchannels do).
// Experimental in gRPC and off by default: openTelemetry({ enableMetrics: [...] }) turns them on.

/** The connection instruments, made once per openTelemetry(); each channel records into them with its target. */
export class ConnectionMetrics {
  readonly disconnections: Instrument;
  readonly attemptsSucceeded: Instrument;
  readonly attemptsFailed: Instrument;
  readonly openConnections: Instrument;
  readonly pickFirstDisconnections: Instrument;
  readonly pickFirstSucceeded: Instrument;
  readonly pickFirstFailed: Instrument;
  /** Whether a disconnection carries gRFC A94's optional grpc.disconnect_error. */
  readonly disconnectError: boolean;

  /** Undefined when none of them is chosen: channels then make no observer. */
  static chosen(meterProvider: MeterProvider, choice: InstrumentChoice): ConnectionMetrics | undefined {
    const metrics = new ConnectionMetrics(meterProvider, choice);
    const all = [metrics.disconnections, metrics.attemptsSucceeded, metrics.attemptsFailed, metrics.openConnections, metrics.pickFirstDisconnections, metrics.pickFirstSucceeded, metrics.pickFirstFailed];
    return all.some(isRecorded) ? metrics : undefined;
  }

  private constructor(meterProvider: MeterProvider, choice: InstrumentChoice) {
    const instrument = instrumentsOf(meterProvider, choice);
    this.disconnections = instrument('grpc.subchannel.disconnections');
    this.attemptsSucceeded = instrument('grpc.subchannel.connection_attempts_succeeded');
    this.attemptsFailed = instrument('grpc.subchannel.connection_attempts_failed');
    this.openConnections = instrument('grpc.subchannel.open_connections');
    this.pickFirstDisconnections = instrument('grpc.lb.pick_first.disconnections');
    this.pickFirstSucceeded = instrument('grpc.lb.pick_first.connection_attempts_succeeded');
    this.pickFirstFailed = instrument('grpc.lb.pick_first.connection_attempts_failed');
    this.disconnectError = choice.optionalLabels.has('grpc.disconnect_error');
  }

  channel(target: string): ChannelObserver {
    return new ChannelMetrics(this, { 'grpc.target': target });
  }
}

/** One channel's connections, counted with its grpc.target. */
class ChannelMetrics implements ChannelObserver {
  constructor(
    private readonly m: ConnectionMetrics,
    private readonly target: Attributes,
  ) {}

  connectionAttempt(succeeded: boolean, policy: string): void {
    (succeeded ? this.m.attemptsSucceeded : this.m.attemptsFailed).add(1, this.target);
    if (policy === 'pick_first') (succeeded ? this.m.pickFirstSucceeded : this.m.pickFirstFailed).add(1, this.target);
  }

  disconnected(reason: string, policy: string): void {
    this.m.disconnections.add(1, this.m.disconnectError ? { ...this.target, 'grpc.disconnect_error': reason } : this.target);
    if (policy === 'pick_first') this.m.pickFirstDisconnections.add(1, this.target);
  }

  openConnections(delta: 1 | -1): void {
    this.m.openConnections.add(delta, this.target);
  }
}
