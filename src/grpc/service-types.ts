import type { CallOptions, ClientCall } from './client-call.js';
import type { WithCompression } from './compression.js';
import type { ServiceDefinition } from './schema.js';
import type { ServerCall } from './server-call.js';

// The static types of a service, as `h2grpc gen` writes them: each method's request and response in the two forms
// the runtime uses (Init: what may be sent, fields optional; the plain name: what is received, defaults filled in),
// and its kind. They shape the server's handlers and the client's stubs; at run time nothing here exists.

/** One method: request and response, each as sent (Init) and as received, and whether each side streams. */
export interface MethodShape<ReqInit = unknown, Req = unknown, ResInit = unknown, Res = unknown, ClientStreams extends boolean = boolean, ServerStreams extends boolean = boolean> {
  requestInit: ReqInit;
  request: Req;
  responseInit: ResInit;
  response: Res;
  requestStream: ClientStreams;
  responseStream: ServerStreams;
}

/** A unary method's types (generated code names its methods with these). */
export type Unary<ReqInit, Req, ResInit, Res> = MethodShape<ReqInit, Req, ResInit, Res, false, false>;
/** A server-streaming method's types. */
export type ServerStreaming<ReqInit, Req, ResInit, Res> = MethodShape<ReqInit, Req, ResInit, Res, false, true>;
/** A client-streaming method's types. */
export type ClientStreaming<ReqInit, Req, ResInit, Res> = MethodShape<ReqInit, Req, ResInit, Res, true, false>;
/** A bidirectional-streaming method's types. */
export type BidiStreaming<ReqInit, Req, ResInit, Res> = MethodShape<ReqInit, Req, ResInit, Res, true, true>;

/** A service's methods by name. */
export type ServiceShape = { [method: string]: MethodShape };

declare const shape: unique symbol;

/** A ServiceDefinition that also carries its methods' types (generated code makes these; loadService does not). */
export interface TypedServiceDefinition<S extends ServiceShape> extends ServiceDefinition {
  /** Types only: no such property exists at run time. */
  readonly [shape]: S;
}

/** A message to send, bare or with its own compression choice (`withCompression(message, false)`). */
export type Sent<T> = T | WithCompression<T>;

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
