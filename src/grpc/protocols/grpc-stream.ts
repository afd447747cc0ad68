import type { HeaderList } from '../../http2/index.js';
import type { CallStream } from '../call/index.js';
import { TranslatingStream } from './translating-stream.js';

/**
 * gRPC over HTTP/2 with a sub-format named in the content-type (application/grpc+json): everything as gRPC, the
 * response's content-type the request's (gRPC PROTOCOL-HTTP2: the server answers in the format it was asked).
 */
export class GrpcStream extends TranslatingStream {
  constructor(
    wire: CallStream,
    private readonly contentType: string,
  ) {
    super(wire);
  }

  sendHeaders(headers: HeaderList, endStream = false): void {
    this.wire.sendHeaders(headers.map((f) => (f[0] === 'content-type' ? ['content-type', this.contentType] : f)), endStream);
  }

  end(trailers?: HeaderList): void {
    this.wire.end(trailers);
  }
}
