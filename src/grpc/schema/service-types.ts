import type { ServiceDefinition } from './schema.js';

// The static types of a service, as `h2grpc gen` writes them: each method's request and response in the two forms
// the runtime uses (Init: what may be sent, fields optional; the plain name: what is received, defaults filled in),
// and its kind. They shape the server's handlers (server/handler-types.ts) and the client's stubs (client/stub-types.ts); at run time
// nothing here exists.

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
