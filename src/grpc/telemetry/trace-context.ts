import { headerValue, type HeaderList } from '../../http2/index.js';

// How a span's context crosses the wire in request metadata: W3C Trace Context's `traceparent` header
// (https://www.w3.org/TR/trace-context/ §3.2), and gRPC's `grpc-trace-bin` (gRFC A72: OpenCensus's binary format,
// base64 as every -bin metadata value).

/** The parts of an OpenTelemetry SpanContext that travel: lower-case hex ids, and the flags (1: sampled). */
export interface WireSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** Which headers a client sends its trace context in; a server reads either. */
export type Propagation = 'tracecontext' | 'grpc-trace-bin';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** W3C Trace Context §3.2: version-traceid-parentid-flags; an all-zero id or version ff is invalid. */
export function parseTraceparent(value: string): WireSpanContext | undefined {
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // §3.2.4: version 00 has exactly four fields; a later version may add more after a dash
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) };
}

/** A span context as a W3C traceparent header value, version 00: "00-<trace id>-<span id>-<flags>". */
export function formatTraceparent(context: WireSpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * grpc-trace-bin: version 0, then fields by id — 0: trace id (16 octets), 1: span id (8), 2: trace options (1).
 * 29 octets in all; unknown trailing fields are ignored, as OpenCensus does.
 */
export function parseGrpcTraceBin(base64: string): WireSpanContext | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 29 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[18] !== 1 || bytes[27] !== 2) return undefined;
  const traceId = bytes.subarray(2, 18).toString('hex');
  const spanId = bytes.subarray(19, 27).toString('hex');
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, traceFlags: bytes[28]! & 1 };
}

/** A span context as a grpc-trace-bin value: the 29 octets, base64 without padding (as -bin metadata is sent). */
export function formatGrpcTraceBin(context: WireSpanContext): string {
  const bytes = Buffer.alloc(29);
  bytes[0] = 0; // version
  bytes[1] = 0; // field 0: trace id
  bytes.write(context.traceId, 2, 'hex');
  bytes[18] = 1; // field 1: span id
  bytes.write(context.spanId, 19, 'hex');
  bytes[27] = 2; // field 2: trace options
  bytes[28] = context.traceFlags & 1;
  return bytes.toString('base64').replace(/=+$/, '');
}

/** The trace context of a request: its traceparent, else its grpc-trace-bin, else none. */
export function extractTraceContext(headers: HeaderList): WireSpanContext | undefined {
  const traceparent = headerValue(headers, 'traceparent');
  const fromW3c = traceparent === undefined ? undefined : parseTraceparent(traceparent);
  if (fromW3c) return fromW3c;
  const bin = headerValue(headers, 'grpc-trace-bin');
  return bin === undefined ? undefined : parseGrpcTraceBin(bin);
}

/** The header fields that carry `context` the ways asked for. */
export function injectTraceContext(context: WireSpanContext, propagation: readonly Propagation[]): HeaderList {
  const fields: HeaderList = [];
  for (const way of propagation) {
    if (way === 'tracecontext') fields.push(['traceparent', formatTraceparent(context)]);
    else fields.push(['grpc-trace-bin', formatGrpcTraceBin(context)]);
  }
  return fields;
}
