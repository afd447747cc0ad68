// The part of @opentelemetry/api that the telemetry room uses, as structural types. The package is an optional peer:
// the declarations h2grpc ships must not name it, or a TypeScript program without it would not compile against
// h2grpc. @opentelemetry/api's own objects (the SDK's providers, its context API) fit these shapes.

export type Attributes = Record<string, string | number | boolean | undefined>;

export interface Counter {
  add(value: number, attributes?: Attributes): void;
}

export interface Histogram {
  record(value: number, attributes?: Attributes): void;
}

export interface InstrumentOptions {
  unit?: string;
  description?: string;
  /** The bucket boundaries a histogram asks for (gRFC A66 gives them). */
  advice?: { explicitBucketBoundaries?: number[] };
}

export interface Meter {
  createCounter(name: string, options?: InstrumentOptions): Counter;
  createUpDownCounter(name: string, options?: InstrumentOptions): Counter;
  createHistogram(name: string, options?: InstrumentOptions): Histogram;
}

/** What `meterProvider` takes: @opentelemetry/api's MeterProvider (e.g. the SDK's). */
export interface MeterProvider {
  getMeter(name: string, version?: string): Meter;
}

/** An OpenTelemetry Context: opaque here. */
export type Context = object;

export interface SpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
}

export interface Span {
  spanContext(): SpanContext;
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  addEvent(name: string, attributes?: Attributes): unknown;
  end(): void;
}

export interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Attributes }, context?: Context): Span;
}

/** What `tracerProvider` takes: @opentelemetry/api's TracerProvider (e.g. the SDK's). */
export interface TracerProvider {
  getTracer(name: string, version?: string): Tracer;
}

/** The @opentelemetry/api module, as far as tracing uses it (loaded at run time only when tracing is asked for). */
export interface OtelApi {
  ROOT_CONTEXT: Context;
  context: { active(): Context };
  trace: {
    setSpan(context: Context, span: Span): Context;
    setSpanContext(context: Context, spanContext: SpanContext): Context;
  };
}
