import { ErrorCode } from '../../frames/index.js';
import { headerValue, type HeaderList } from '../../http2/index.js';
import { type CallStream, percentEncode, Status } from '../call/index.js';
import { connectHttpStatus, errorOfTrailers, isMetadata } from './connect-error.js';
import { TranslatingStream } from './translating-stream.js';

// Connect unary (connectrpc.com/docs/protocol#unary-request): the body is the message itself, compressed as
// content-encoding says; the response is the message with its status in the HTTP status, and trailing metadata as
// `trailer-` prefixed headers; an error is a JSON body {"code", "message", "details"} with an HTTP status chosen by
// its code. The call sees gRPC: the whole request handed over as one length-prefixed message, the response message
// held until its status is known.

export class ConnectUnaryStream extends TranslatingStream {
  private readonly body: Uint8Array[] = [];
  private bodyLength = 0;
  private delivered = false;
  private head: HeaderList = [];
  private readonly response: Uint8Array[] = [];
  private answered = false;

  constructor(
    wire: CallStream,
    private readonly codec: 'proto' | 'json',
    /** The request was compressed (content-encoding): the message goes to the call flagged so. */
    private readonly compressed: boolean,
    private readonly maxLength: number,
    private readonly extraHeaders: HeaderList,
    /** A GET request's message, from its query. */
    message?: Uint8Array,
  ) {
    super(wire);
    if (message) this.add(message);
  }

  override get remoteClosed(): boolean {
    return this.delivered;
  }

  override start(): void {
    if (this.wire.remoteClosed && !this.delivered) this.deliver();
  }

  override onData(stream: CallStream, data: Uint8Array, endStream: boolean): void {
    stream.consume(data.length); // copied: the window is given back at once, the copy bounded by maxLength
    if (this.answered) return;
    if (this.bodyLength + data.length > this.maxLength) {
      return this.fail(Status.RESOURCE_EXHAUSTED, `request message larger than the limit of ${this.maxLength} octets`);
    }
    this.add(Uint8Array.prototype.slice.call(data));
    if (endStream) this.deliver();
  }

  override onHeaders(stream: CallStream, headers: HeaderList, endStream: boolean): void {
    if (endStream && !this.delivered && !this.answered) this.deliver();
    else super.onHeaders(stream, headers, endStream);
  }

  override consume(): void {} // what the call consumes was copied and credited already

  sendHeaders(headers: HeaderList, endStream = false): void {
    if (!endStream) {
      this.head = headers;
      return;
    }
    const split = headers.findIndex(([name]) => name === 'grpc-status');
    this.head = headers.slice(0, split);
    this.end(headers.slice(split));
  }

  override write(data: Uint8Array): boolean {
    this.response.push(data);
    return true;
  }

  end(trailers: HeaderList = []): void {
    if (this.answered) return;
    this.answered = true;
    const failed = errorOfTrailers(trailers);
    const out: HeaderList = [];
    let body: Buffer;
    if (failed) {
      out.push([':status', String(connectHttpStatus(failed.code))], ['content-type', 'application/json']);
      body = Buffer.from(JSON.stringify(failed.error));
    } else {
      const message = Buffer.concat(this.response);
      const compressed = message.length > 0 && (message[0]! & 1) === 1;
      out.push([':status', '200'], ['content-type', `application/${this.codec}`]);
      if (compressed) out.push(['content-encoding', headerValue(this.head, 'grpc-encoding') ?? 'gzip']);
      body = message.subarray(5);
    }
    out.push(['content-length', String(body.length)]);
    const accept = headerValue(this.head, 'grpc-accept-encoding');
    if (accept) out.push(['accept-encoding', accept]);
    for (const [name, value] of this.head) if (isMetadata(name)) out.push([name, value]);
    for (const [name, value] of trailers) if (isMetadata(name)) out.push([`trailer-${name}`, value]);
    for (const f of this.extraHeaders) out.push(f);
    this.wire.sendHeaders(out, body.length === 0);
    if (body.length > 0) this.wire.write(body, true);
  }

  /** An error found here, before the call has the request (the call is then told the stream was reset). */
  private fail(code: number, message: string): void {
    this.end([['grpc-status', String(code)], ['grpc-message', percentEncode(message)]]);
    if (!this.wire.closed) this.wire.reset(ErrorCode.NO_ERROR);
    this.handler.onReset(this, ErrorCode.CANCEL, message, false);
  }

  private add(data: Uint8Array): void {
    this.body.push(data);
    this.bodyLength += data.length;
  }

  /** The whole request, as gRPC frames it: one message with its 5-octet prefix. */
  private deliver(): void {
    this.delivered = true;
    const prefix = Buffer.allocUnsafe(5);
    prefix[0] = this.compressed ? 1 : 0;
    prefix.writeUInt32BE(this.bodyLength, 1);
    this.handler.onData(this, Buffer.concat([prefix, ...this.body]), true);
  }
}
