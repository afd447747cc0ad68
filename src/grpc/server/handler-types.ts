import type { Sent } from '../call/index.js';
import type { MethodShape, ServiceShape } from '../schema/index.js';
import type { ServerCall } from './server-call.js';

// The server's handlers, typed by a service's shape (schema/service-types.ts): what `addService` asks for.

/** The handler a method's kind asks for, typed by the method. */
export type HandlerOf<M extends MethodShape> = M['requestStream'] extends true
  ? M['responseStream'] extends true
    ? (requests: AsyncIterable<M['request']>, call: ServerCall) => AsyncIterable<Sent<M['responseInit']>> | Iterable<Sent<M['responseInit']>>
    : (requests: AsyncIterable<M['request']>, call: ServerCall) => Sent<M['responseInit']> | Promise<Sent<M['responseInit']>>
  : M['responseStream'] extends true
    ? (request: M['request'], call: ServerCall) => AsyncIterable<Sent<M['responseInit']>> | Iterable<Sent<M['responseInit']>>
    : (request: M['request'], call: ServerCall) => Sent<M['responseInit']> | Promise<Sent<M['responseInit']>>;

/** One handler per method, every method implemented (addService also takes a Partial: the rest answer UNIMPLEMENTED). */
export type ServiceHandlers<S extends ServiceShape> = { [K in keyof S]: HandlerOf<S[K]> };
