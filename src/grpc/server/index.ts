// The server side: Server (listening, routing, limits, shutdown), ServerCall (one call's life), its listener,
// the deadline sweeper, interceptors, the handler types of typed services, and worker processes.
// Imports: schema/, call/, services/, protocols/.
export { Server } from './server.js';
export { type ServerOptions } from './server-options.js';
export { ServerCall } from './server-call.js';
export { isWorker, listenWithWorkers } from './workers.js';
export { type ServerInterceptor } from './interceptors.js';
export { type BidiStreamingHandler, type ClientStreamingHandler, type Handler, type HandlerOf, type HandlersFor, type ServerStreamingHandler, type ServiceHandlers, type UnaryHandler } from './handler-types.js';
