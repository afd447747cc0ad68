import type { MeterProvider, OtelApi, TracerProvider } from './otel-types.js';
import type { HeaderList } from '../../http2/index.js';
import type { CallObservers, ChannelObserver, ClientCallObserver, ClientCallStart, ServerCallObserver, ServerCallStart } from '../call/index.js';
import { chooseInstruments } from './instruments.js';
import { CallMetrics } from './metrics.js';
import type { Propagation } from './trace-context.js';
import { CallTracing } from './tracing.js';

/** What openTelemetry() measures and traces with. */
export interface OpenTelemetryOptions {
  /** gRFC A66 metrics into this provider (e.g. the SDK's MeterProvider with a Prometheus or OTLP reader). */
  meterProvider?: MeterProvider;
  /** gRFC A72 spans into this provider. Loads @opentelemetry/api (for contexts) when given. */
  tracerProvider?: TracerProvider;
  /** How a client sends its trace context: W3C traceparent, grpc-trace-bin, or both. Default ['tracecontext']. */
  propagation?: readonly Propagation[];
  /** Report these unregistered methods by name instead of "other" (gRFC A66). Default: none. */
  recordUnregisteredMethod?: (path: string) => boolean;
  /**
   * gRFC A79: instruments to record besides the default ones (A66's nine), e.g. A94's
   * 'grpc.subchannel.open_connections' (docs/observability.md lists them all). An unknown name is a TypeError.
   */
  enableMetrics?: readonly string[];
  /** gRFC A79: default instruments not to record. */
  disableMetrics?: readonly string[];
  /** gRFC A79 optional labels to record: 'grpc.disconnect_error' (A94, on grpc.subchannel.disconnections). Default none. */
  optionalLabels?: readonly string[];
}

/**
 * The OpenTelemetry plugin of a server or a client (as grpc-go's opentelemetry.DialOption / ServerOption):
 * `new Server({ telemetry: await openTelemetry({ meterProvider, tracerProvider }) })`. @opentelemetry/api is an
 * optional peer dependency: it is imported here, when tracing is asked for, and never by a program that does not
 * call this. Without a provider of either kind the result observes nothing and calls make no observer at all.
 */
export async function openTelemetry(options: OpenTelemetryOptions): Promise<CallObservers> {
  const choice = chooseInstruments(options.enableMetrics, options.disableMetrics, options.optionalLabels);
  const metrics = options.meterProvider ? new CallMetrics({ meterProvider: options.meterProvider, recordUnregisteredMethod: options.recordUnregisteredMethod, choice }) : undefined;
  let tracing: CallTracing | undefined;
  if (options.tracerProvider) {
    const api = await loadApi();
    tracing = new CallTracing(api, { tracerProvider: options.tracerProvider, propagation: options.propagation });
  }
  if (metrics && tracing) return new Both(metrics, tracing);
  return metrics ?? tracing ?? {};
}

async function loadApi(): Promise<OtelApi> {
  try {
    return await import('@opentelemetry/api');
  } catch (err) {
    throw new Error(`tracing needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api): ${(err as Error).message}`);
  }
}

/** Metrics and tracing together: each event told to both. */
class Both implements CallObservers {
  constructor(
    private readonly metrics: CallMetrics,
    private readonly tracing: CallTracing,
  ) {}

  serverCall(start: ServerCallStart): ServerCallObserver {
    const a = this.metrics.serverCall(start);
    const b = this.tracing.serverCall(start);
    return {
      messageSent: (size) => (a.messageSent(size), b.messageSent(size)),
      messageReceived: (size) => (a.messageReceived(size), b.messageReceived(size)),
      callEnded: (code) => (a.callEnded(code), b.callEnded(code)),
    };
  }

  clientCall(start: ClientCallStart): ClientCallObserver {
    const a = this.metrics.clientCall(start);
    const b = this.tracing.clientCall(start);
    return {
      attemptStarted: (transparent): HeaderList | undefined => (a.attemptStarted(transparent), b.attemptStarted(transparent)),
      messageSent: (size) => (a.messageSent(size), b.messageSent(size)),
      messageReceived: (size) => (a.messageReceived(size), b.messageReceived(size)),
      attemptEnded: (code) => (a.attemptEnded(code), b.attemptEnded(code)),
      callEnded: (code) => (a.callEnded(code), b.callEnded(code)),
    };
  }

  channel(target: string): ChannelObserver | undefined {
    return this.metrics.channel(target);
  }
}
