import { headerValue, type HeaderList } from '../../http2/index.js';
import { type ClientStream, Status } from '../call/index.js';
import { ClientTranslation } from './client-translation.js';

// gRPC with the JSON sub-format, the client's side (gRPC PROTOCOL-HTTP2: Content-Type "application/grpc" ["+" format]):
// everything as gRPC over HTTP/2, the twin of the server's GrpcStream. The request says application/grpc+json; the
// response must answer in that format, since its messages are read as ProtoJSON.

const GRPC_JSON = 'application/grpc+json';

/**
 * Why response headers answer in another gRPC format than JSON (application/grpc, or +proto: a server that only speaks
 * proto), if they do. Only a response whose messages follow is checked: a status in the headers (Trailers-Only) says
 * the server's own error, and a content-type that is not gRPC's at all is the call's to map (UNKNOWN).
 */
export function otherGrpcFormat(headers: HeaderList): string | undefined {
  if (headerValue(headers, 'grpc-status') !== undefined || headerValue(headers, ':status') !== '200') return undefined;
  const given = headerValue(headers, 'content-type') ?? '';
  const type = given.split(';', 1)[0]!.trim().toLowerCase();
  if (type === GRPC_JSON || (type !== 'application/grpc' && !type.startsWith('application/grpc+'))) return undefined;
  // as connect-go: a gRPC response in another codec is INTERNAL (only a response that is not gRPC at all is UNKNOWN)
  return `received content-type ${JSON.stringify(given)}, not ${GRPC_JSON}: the server answered the JSON request in another format`;
}

/**
 * A call over gRPC whose messages are ProtoJSON: the request's content-type renamed, the response's checked, the rest
 * (messages, compression, metadata, trailers, resets) passed through as they are.
 */
export class ClientGrpcJsonStream extends ClientTranslation {
  private headersSeen = false;

  protected requestHeaders(headers: HeaderList): HeaderList {
    return headers.map((field) => (field[0] === 'content-type' ? ['content-type', GRPC_JSON] : field));
  }

  onHeaders(_stream: ClientStream, headers: HeaderList, endStream: boolean): void {
    if (this.answered) return;
    if (!this.headersSeen) {
      this.headersSeen = true;
      const other = otherGrpcFormat(headers);
      if (other) return this.failWith(Status.INTERNAL, other, false);
    }
    if (endStream) return this.trailers(headers);
    this.handler.onHeaders(this, headers, false);
  }

  onData(stream: ClientStream, data: Uint8Array, endStream: boolean): void {
    if (this.answered) return stream.consume(data.length);
    this.handler.onData(this, data, endStream);
  }
}
