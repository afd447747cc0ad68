// HTTP/1.1 over node:net sockets (RFC 9112), on the codec of src/http1: a server connection that hands each
// request to a handler with a streaming body and a response writer, and a minimal keep-alive client connection.
export { Http1ServerConnection, type Http1Handler, type Http1Request, type Http1ServerOptions } from './server-connection.js';
export { RequestBody } from './request-body.js';
export { ResponseWriter } from './response-writer.js';
export { Http1ClientConnection, Http1Exchange, type Http1Response, type Http1ResponseHandler } from './client-connection.js';
export type { Http1Direction, Http1Observer } from './observer.js';
