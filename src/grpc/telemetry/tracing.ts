import type * as otel from './otel-types.js';
import type { HeaderList } from '../../http2/index.js';
import { type ClientCallObserver, type ClientCallStart, type MessageObserver, type ServerCallObserver, type ServerCallStart, Status, statusName } from '../call/index.js';
import { extractTraceContext, injectTraceContext, type Propagation } from './trace-context.js';

// gRFC A72: OpenTelemetry spans of gRPC calls. On the client a span per call ("Sent.<method>", kind CLIENT, child
// of the application's active span) and a span per attempt ("Attempt.<method>") under it, whose context goes to the
// server in the attempt's request headers; on the server a span per call ("Recv.<method>", kind SERVER) continuing
// that context. Each message in or out is an event on the attempt's or the server call's span.

/** The @opentelemetry/api module, loaded by openTelemetry() only when tracing is asked for. */
export type OtelApi = otel.OtelApi;

// @opentelemetry/api's enums, by value: this file imports only its types
const SPAN_KIND_SERVER = 1;
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

/** The instrumentation scope of the spans. */
export const TRACER_NAME = 'h2grpc';

export interface TracingOptions {
  tracerProvider: otel.TracerProvider;
  /** How a client sends its trace context: W3C traceparent, grpc-trace-bin, or both. Default ['tracecontext']. */
  propagation?: readonly Propagation[];
}

export class CallTracing {
  private readonly tracer: otel.Tracer;
  private readonly propagation: readonly Propagation[];

  constructor(
    private readonly api: OtelApi,
    options: TracingOptions,
  ) {
    this.tracer = options.tracerProvider.getTracer(TRACER_NAME);
    this.propagation = options.propagation ?? ['tracecontext'];
  }

  serverCall(start: ServerCallStart): ServerCallObserver {
    const remote = extractTraceContext(start.headers);
    const parent = remote ? this.api.trace.setSpanContext(this.api.ROOT_CONTEXT, { ...remote, isRemote: true }) : this.api.ROOT_CONTEXT;
    const span = this.tracer.startSpan(`Recv.${start.path.slice(1)}`, { kind: SPAN_KIND_SERVER }, parent);
    return new ServerCallSpan(span);
  }

  clientCall(start: ClientCallStart): ClientCallObserver {
    const method = start.path.slice(1);
    const parent = this.api.context.active();
    const span = this.tracer.startSpan(`Sent.${method}`, { kind: SPAN_KIND_CLIENT, attributes: { 'grpc.target': start.target } }, parent);
    return new ClientCallSpans(this, this.api.trace.setSpan(parent, span), span, method);
  }

  /** An attempt's span under its call's, and the header fields that carry its context. */
  startAttempt(callContext: otel.Context, method: string, previous: number, transparent: boolean): { span: otel.Span; headers: HeaderList } {
    const attributes = { 'previous-rpc-attempts': previous, 'transparent-retry': transparent };
    const span = this.tracer.startSpan(`Attempt.${method}`, { attributes }, callContext);
    return { span, headers: injectTraceContext(span.spanContext(), this.propagation) };
  }
}

/** A72's message events: "Outbound message" and "Inbound message", numbered from 0 in each direction. */
class MessageEvents implements MessageObserver {
  private sent = 0;
  private received = 0;

  constructor(protected span: otel.Span | undefined) {}

  messageSent(size: number): void {
    this.span?.addEvent('Outbound message', { 'sequence-number': this.sent++, 'message-size': size });
  }

  messageReceived(size: number): void {
    this.span?.addEvent('Inbound message', { 'sequence-number': this.received++, 'message-size': size });
  }

  protected resetCounts(): void {
    this.sent = 0;
    this.received = 0;
  }
}

/** Ends a span with a gRPC status: the code as an attribute, and ERROR with the code's name when not OK. */
function endSpan(span: otel.Span, code: number): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== Status.OK) span.setStatus({ code: SPAN_STATUS_ERROR, message: statusName(code) });
  span.end();
}

class ServerCallSpan extends MessageEvents implements ServerCallObserver {
  callEnded(code: number): void {
    if (this.span) endSpan(this.span, code);
    this.span = undefined;
  }
}

class ClientCallSpans extends MessageEvents implements ClientCallObserver {
  private attempts = 0;

  constructor(
    private readonly tracing: CallTracing,
    private readonly context: otel.Context,
    private readonly callSpan: otel.Span,
    private readonly method: string,
  ) {
    super(undefined);
  }

  attemptStarted(transparent: boolean): HeaderList {
    const { span, headers } = this.tracing.startAttempt(this.context, this.method, this.attempts++, transparent);
    this.span = span;
    this.resetCounts();
    return headers;
  }

  attemptEnded(code: number): void {
    if (this.span) endSpan(this.span, code);
    this.span = undefined;
  }

  callEnded(code: number): void {
    this.attemptEnded(code);
    endSpan(this.callSpan, code);
  }
}
