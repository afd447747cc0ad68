// Observability through OpenTelemetry: gRFC A66 metrics and A72 tracing of the calls of a server or a client,
// installed with their `telemetry` option (openTelemetry()), and the wire formats of trace context.
// Imports: call/. @opentelemetry/api only as types, and at run time only when tracing is asked for.
export { openTelemetry, type OpenTelemetryOptions } from './open-telemetry.js';
export { INSTRUMENTS, type InstrumentDescriptor, LATENCY_BUCKETS, METER_NAME, SIZE_BUCKETS } from './instruments.js';
export { TRACER_NAME } from './tracing.js';
export { extractTraceContext, formatGrpcTraceBin, formatTraceparent, injectTraceContext, parseGrpcTraceBin, parseTraceparent, type Propagation, type WireSpanContext } from './trace-context.js';
