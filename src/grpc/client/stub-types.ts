import type { Sent } from '../call/index.js';
import type { MethodShape, ServiceShape } from '../schema/index.js';
import type { CallOptions } from './call-config.js';
import type { ClientCall } from './client-call.js';

// The client's stubs, typed by a service's shape (schema/service-types.ts): what `createClient` gives.

/** The stub a method's kind gives the client, typed by the method. */
export type StubOf<M extends MethodShape> = M['requestStream'] extends true
  ? M['responseStream'] extends true
    ? (requests: AsyncIterable<Sent<M['requestInit']>> | Iterable<Sent<M['requestInit']>>, options?: CallOptions) => ClientCall<M['response']>
    : (requests: AsyncIterable<Sent<M['requestInit']>> | Iterable<Sent<M['requestInit']>>, options?: CallOptions) => Promise<M['response']>
  : M['responseStream'] extends true
    ? (request: M['requestInit'], options?: CallOptions) => ClientCall<M['response']>
    : (request: M['requestInit'], options?: CallOptions) => Promise<M['response']>;

/** The stubs of a typed service, one per method. */
export type ServiceStubs<S extends ServiceShape> = { readonly [K in keyof S]: StubOf<S[K]> };
