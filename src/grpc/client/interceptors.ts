import type { CallOptions, ClientCall } from './client-call.js';
import type { MethodDefinition } from '../schema/index.js';

/** What a client interceptor may look at and change before a call starts. */
export interface ClientCallInfo {
  method: MethodDefinition;
  /** The request messages (one for unary and server-streaming calls). Wrap the iterable to see or change them. */
  requests: AsyncIterable<unknown> | Iterable<unknown>;
  /** Metadata, deadline, compression, wait-for-ready, signal: change them or pass new ones to `next`. */
  options: CallOptions;
}

/**
 * Wraps the start of every call on a client, of all four kinds. Call `next(info)` (with `info` changed or not) to
 * go on; the ClientCall it returns is the call: watch `call.headers` and `call.done`, or `call.cancel()` it.
 * Interceptors run in the order given, the first one outermost.
 */
export type ClientInterceptor = (info: ClientCallInfo, next: (info: ClientCallInfo) => ClientCall<unknown>) => ClientCall<unknown>;

/** Composes interceptors around `last`, the first interceptor outermost. */
export function chainClient(interceptors: readonly ClientInterceptor[], last: (info: ClientCallInfo) => ClientCall<unknown>): (info: ClientCallInfo) => ClientCall<unknown> {
  return interceptors.reduceRight<(info: ClientCallInfo) => ClientCall<unknown>>((next, interceptor) => (info) => interceptor(info, next), last);
}
