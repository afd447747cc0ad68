// The Cache service's handlers over any backend: argument checks, errors as gRPC statuses, and a header naming
// the server that answered (so a client spreading calls over a cluster can count them).
import { fileURLToPath } from 'node:url';
import { Metadata, type ServerCall, type ServiceHandlers, Status, StatusError } from '../../src/grpc/index.js';
import { BackendUnavailable, type CacheBackend, type Change } from './backend.js';
import { Cache, type CacheShape } from './gen/cache.js';

/** cache.proto, for tracing; the types come from ./gen/cache.ts (npm run gen:examples). */
export const CACHE_PROTO = fileURLToPath(new URL('./cache.proto', import.meta.url));
/** cache.Cache, typed: generated from cache.proto by `h2grpc gen`. */
export const cacheService = Cache;

/** The response header that names the server: its address. */
export const SERVED_BY = 'cache-server';

/** Changes a Watch may have queued for a client that does not read; past it the Watch ends RESOURCE_EXHAUSTED. */
const MAX_QUEUED_CHANGES = 10_000;

function checkKey(key: string): void {
  if (key.length === 0) throw new StatusError(Status.INVALID_ARGUMENT, 'key is empty');
}

/** A backend's failure as the status a client can act on. */
function asStatus(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof BackendUnavailable) return new StatusError(Status.UNAVAILABLE, err.message);
  if (err instanceof RangeError) return new StatusError(Status.RESOURCE_EXHAUSTED, err.message);
  return new StatusError(Status.INTERNAL, `the cache backend failed: ${(err as Error).message}`);
}

export function cacheHandlers(backend: CacheBackend, address: () => string): ServiceHandlers<CacheShape> {
  // A unary call names its server once the backend has answered, so the header leaves with the answer: response
  // headers sent before a server dies commit the call, and gRPC (A6) does not retry a committed call elsewhere.
  const served = (call: ServerCall) => call.sendMetadata(new Metadata().set(SERVED_BY, address()));
  return {
    Get: async ({ key }, call) => {
      checkKey(key);
      const value = await backend.get(key).catch((err) => Promise.reject(asStatus(err)));
      served(call);
      if (value === undefined) throw new StatusError(Status.NOT_FOUND, `no key ${JSON.stringify(key)}`);
      return { value };
    },
    Set: async ({ key, value, ttl_seconds: ttl }, call) => {
      checkKey(key);
      if (ttl != null && ttl < 0) throw new StatusError(Status.INVALID_ARGUMENT, `ttl_seconds is negative (${ttl})`);
      await backend.set(key, Buffer.from(value), ttl ?? undefined).catch((err) => Promise.reject(asStatus(err)));
      served(call);
      return {};
    },
    Delete: async ({ key }, call) => {
      checkKey(key);
      const deleted = await backend.delete(key).catch((err) => Promise.reject(asStatus(err)));
      served(call);
      if (!deleted) throw new StatusError(Status.NOT_FOUND, `no key ${JSON.stringify(key)}`);
      return {};
    },
    async *Scan({ prefix }, call) {
      served(call);
      try {
        for await (const [key, value] of backend.scan(prefix)) yield { key, value };
      } catch (err) {
        throw asStatus(err);
      }
    },
    async *Watch({ prefix }, call) {
      const queue: Change[] = [];
      let wake: (() => void) | undefined;
      let overflow = false;
      const stop = backend.watch(prefix, (change) => {
        if (queue.length >= MAX_QUEUED_CHANGES) overflow = true;
        else queue.push(change);
        wake?.();
      });
      const cancelled = () => wake?.();
      call.signal.addEventListener('abort', cancelled);
      try {
        await backend.watching?.();
        served(call); // the response headers: from now on every change is delivered
        while (!call.cancelled) {
          if (overflow) throw new StatusError(Status.RESOURCE_EXHAUSTED, `the watcher fell ${MAX_QUEUED_CHANGES} changes behind`);
          const change = queue.shift();
          if (change) {
            yield change;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        stop();
        call.signal.removeEventListener('abort', cancelled);
      }
    },
  };
}
