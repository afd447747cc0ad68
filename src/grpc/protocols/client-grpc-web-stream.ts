import { headerValue, type HeaderList } from '../../http2/index.js';
import { type ClientStream, type ClientStreamHandler, decompress, type StatusError } from '../call/index.js';
import { ClientTranslation, EnvelopeSplitter, GRPC_CONTENT_TYPE, MISSING_STATUS } from './client-translation.js';
import { TRAILER_FLAG } from './grpc-web-stream.js';

// gRPC-Web, the client's side (grpc/doc/PROTOCOL-WEB.md): the request is gRPC's with content-type
// application/grpc-web+proto (or +json) and x-grpc-web; the response's messages are gRPC's, and its trailers come as
// the body's last envelope, flagged 0x80 (0x81 when compressed), holding an HTTP/1 header block. A Trailers-Only
// answer puts grpc-status in the response headers; a server over HTTP/2 may also send real trailers.

const GRPC_WEB_TYPE = /^application\/grpc-web(\+\w+)?\s*(;|$)/i;

export class ClientGrpcWebStream extends ClientTranslation {
  private readonly splitter: EnvelopeSplitter;
  private responseHeaders: HeaderList | undefined;
  /** The response headers held a status (Trailers-Only): they are the trailers when the body ends. */
  private statusInHeaders = false;
  private encoding = 'identity';

  constructor(
    handler: ClientStreamHandler,
    private readonly codec: 'proto' | 'json',
    maxTrailerLength: number,
  ) {
    super(handler);
    this.splitter = new EnvelopeSplitter(TRAILER_FLAG, maxTrailerLength);
  }

  protected requestHeaders(headers: HeaderList): HeaderList {
    const out: HeaderList = [];
    for (const [name, value] of headers) {
      if (name === 'te') continue; // gRPC-Web needs no HTTP trailers (and HTTP/1.1 proxies drop them)
      if (name === 'content-type') out.push([name, `application/grpc-web+${this.codec}`], ['x-grpc-web', '1']);
      else if (name === 'user-agent') out.push([name, value], ['x-user-agent', value]);
      else out.push([name, value]);
    }
    return out;
  }

  onHeaders(_stream: ClientStream, headers: HeaderList, endStream: boolean): void {
    if (this.answered) return;
    if (this.responseHeaders) {
      // trailers as an HTTP/2 header block (or HTTP/1.1 trailer fields) instead of the body's envelope
      if (endStream) this.bodyEnded(headers);
      return;
    }
    const out: HeaderList = headers.map(([name, value]) => (name === 'content-type' && GRPC_WEB_TYPE.test(value) ? [name, GRPC_CONTENT_TYPE] : [name, value]));
    this.responseHeaders = out;
    this.encoding = headerValue(headers, 'grpc-encoding') ?? 'identity';
    this.statusInHeaders = headerValue(headers, 'grpc-status') !== undefined;
    if (endStream) return this.trailers(out);
    if (!this.statusInHeaders) this.handler.onHeaders(this, out, false);
  }

  onData(stream: ClientStream, data: Uint8Array, endStream: boolean): void {
    if (this.answered) return stream.consume(data.length);
    const error = this.splitter.push(data, (octets) => this.handler.onData(this, octets, false), (n) => stream.consume(n));
    if (error) return this.failWith(MISSING_STATUS, error, !this.statusInHeaders);
    if (endStream) this.bodyEnded();
  }

  /** The body ended: its trailer envelope, or the trailers given here, or the status the headers held. */
  private bodyEnded(httpTrailers?: HeaderList): void {
    const final = this.splitter.done;
    if (final) {
      if ((final.flag & 1) === 0) return this.trailers(parseTrailerBlock(final.data));
      this.settling = true;
    decompress(this.encoding, final.data, Number.MAX_SAFE_INTEGER).then(
        (block) => this.trailers(parseTrailerBlock(Buffer.from(block))),
        (err: StatusError) => this.failWith(MISSING_STATUS, `the trailers do not decompress: ${err.details}`, true),
      );
      return;
    }
    if (httpTrailers && headerValue(httpTrailers, 'grpc-status') !== undefined) return this.trailers(httpTrailers);
    if (this.statusInHeaders && !this.splitter.partial) return this.trailers(this.responseHeaders!);
    this.failWith(MISSING_STATUS, this.splitter.partial ? 'the gRPC-Web response ended inside an envelope' : 'the gRPC-Web response ended without trailers', !this.statusInHeaders);
  }
}

/** An HTTP/1 header block, "name: value\r\n" lines, as trailer fields (names lowercased, values trimmed). */
export function parseTrailerBlock(block: Buffer): HeaderList {
  const out: HeaderList = [];
  for (const line of block.toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}
