import type { ServerCall } from './server-call.js';

/**
 * Wraps every call on a server, of all four kinds. `next()` runs the rest of the chain and the handler, and
 * resolves once the call's status is sent (see `call.status`). Throw a StatusError instead of calling `next` to
 * refuse the call. Interceptors run in the order given, the first one outermost.
 */
export type ServerInterceptor = (call: ServerCall, next: () => Promise<void>) => Promise<void>;

/**
 * Composes server interceptors around `last`. Whatever an inner one throws becomes the call's status before the
 * outer one's `next()` resolves, so every interceptor sees `call.status` set when `next()` returns.
 */
export function chainServer(interceptors: readonly ServerInterceptor[], call: ServerCall, last: () => Promise<void>): () => Promise<void> {
  return interceptors.reduceRight<() => Promise<void>>(
    (next, interceptor) => async () => {
      try {
        await interceptor(call, next);
      } catch (err) {
        call.sendError(err);
      }
    },
    last,
  );
}
