// The server side: Server (listening, routing, limits, shutdown), ServerCall (one call's life), its listener,
// the deadline sweeper, interceptors, the handler types of typed services, and worker processes.
// Imports: schema/, call/, services/.
export { type BidiStreamingHandler, type ClientStreamingHandler, type Handler, type HandlersFor, Server, type ServerOptions, type ServerStreamingHandler, type UnaryHandler } from './server.js';
export { ServerCall } from './server-call.js';
export { isWorker, listenWithWorkers } from './workers.js';
export { type ServerInterceptor } from './interceptors.js';
export { type HandlerOf, type ServiceHandlers } from './handler-types.js';
