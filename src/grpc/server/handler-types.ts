import type { Sent } from '../call/index.js';
import type { MethodShape, ServiceDefinition, ServiceShape, TypedServiceDefinition } from '../schema/index.js';
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

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Unary: returns (or resolves to) the response, or throws a StatusError. */
export type UnaryHandler<Req = any, Res = any> = (request: Req, call: ServerCall) => Res | Promise<Res>;
/** Server streaming: one request, the responses as an (async) iterable, e.g. an async generator. */
export type ServerStreamingHandler<Req = any, Res = any> = (request: Req, call: ServerCall) => AsyncIterable<Res> | Iterable<Res>;
/** Client streaming: the requests as an async iterable, one response. */
export type ClientStreamingHandler<Req = any, Res = any> = (requests: AsyncIterable<Req>, call: ServerCall) => Res | Promise<Res>;
/** Bidirectional: requests in, responses out, both streams. */
export type BidiStreamingHandler<Req = any, Res = any> = (requests: AsyncIterable<Req>, call: ServerCall) => AsyncIterable<Res> | Iterable<Res>;
/** A handler of any of the four kinds. */
export type Handler = UnaryHandler | ServerStreamingHandler | ClientStreamingHandler | BidiStreamingHandler;
/** The handlers addService takes for a service: typed ones for a generated service, any for a loaded one. */
export type HandlersFor<D extends ServiceDefinition> = D extends TypedServiceDefinition<infer S> ? Partial<ServiceHandlers<S>> : Record<string, Handler>;
/* eslint-enable @typescript-eslint/no-explicit-any */
