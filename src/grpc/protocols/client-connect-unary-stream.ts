import { headerValue, type HeaderList } from '../../http2/index.js';
import { type CallTransport, type ClientStream, type ClientStreamHandler, decompress, Status, type StatusError, statusFromHttp } from '../call/index.js';
import { ClientTranslation, GRPC_CONTENT_TYPE } from './client-translation.js';
import { statusOfConnectError } from './connect-error.js';
import { connectRequestHeaders } from './client-connect-stream.js';

// Connect unary, the client's side (connectrpc.com/docs/protocol#unary-request): the request is the message itself
// (content-encoding when compressed, content-length), sent once the call has written it whole, or a GET with the
// message in the query for a method without side effects; the response is the message with the status in the HTTP
// status and the trailing metadata as `trailer-` prefixed headers, or an error as a JSON body. The call sees gRPC:
// response headers, one length-prefixed message, trailers.

const REQUEST_NAMES: Record<string, string> = { 'grpc-encoding': 'content-encoding', 'grpc-accept-encoding': 'accept-encoding' };
/** Response fields that are Connect's (or HTTP's framing), not metadata. */
const NOT_METADATA = new Set(['content-type', 'content-length', 'content-encoding', 'accept-encoding', 'connection', 'keep-alive', 'transfer-encoding']);
/** A GET whose URL would be longer than this is sent as a POST instead (a server's request-line limit is often 8 KiB). */
const MAX_GET_URL = 8000;

export class ClientConnectUnaryStream extends ClientTranslation {
  private transport: CallTransport | undefined;
  private headers: HeaderList = [];
  private readonly request: Uint8Array[] = [];
  private requestLength = 0;
  private status = 0;
  private responseHeaders: HeaderList = [];
  private readonly body: Buffer[] = [];
  private bodyLength = 0;

  constructor(
    handler: ClientStreamHandler,
    private readonly codec: 'proto' | 'json',
    private readonly maxLength: number,
    /** Send by GET (the method has no side effects and the client asks for it). */
    private readonly get: boolean,
  ) {
    super(handler);
  }

  /** The request goes out once its message is whole: until then the transport and headers wait here. */
  override open(transport: CallTransport, headers: HeaderList): this {
    this.transport = transport;
    this.headers = headers;
    return this;
  }

  protected requestHeaders(): HeaderList {
    return [];
  }

  override get pendingBytes(): number {
    return this.wire?.pendingBytes ?? this.requestLength;
  }

  override write(data: Uint8Array, endStream = false): boolean {
    if (this.wire || this.answered) return false;
    this.request.push(data);
    this.requestLength += data.length;
    if (endStream) this.send();
    return true;
  }

  override end(): void {
    if (!this.wire && !this.answered) this.send();
  }

  /** The whole request, as Connect sends it: headers and the bare message, or a GET. */
  private send(): void {
    const framed = Buffer.concat(this.request);
    this.request.length = 0;
    const compressed = framed.length > 0 && (framed[0]! & 1) === 1;
    const message = framed.subarray(5);
    const headers = connectRequestHeaders(this.headers, `application/${this.codec}`, REQUEST_NAMES).filter(([name]) => compressed || name !== 'content-encoding');
    const url = this.get ? this.getUrl(headers, message, compressed) : undefined;
    if (url) {
      const out = headers.filter(([name]) => name !== 'content-type' && name !== 'content-encoding' && name !== 'connect-protocol-version');
      for (const f of out) if (f[0] === ':method') f[1] = 'GET';
      for (const f of out) if (f[0] === ':path') f[1] = url;
      this.wire = this.transport!.request(out, this);
      this.wire.end();
      return;
    }
    headers.push(['content-length', String(message.length)]);
    this.wire = this.transport!.request(headers, this);
    this.wire.write(message, true);
  }

  /** connectrpc.com/docs/protocol#unary-get-request: ?connect=v1&encoding=…&message=…[&base64=1][&compression=…]. */
  private getUrl(headers: HeaderList, message: Uint8Array, compressed: boolean): string | undefined {
    const path = headerValue(headers, ':path')!;
    const binary = this.codec === 'proto' || compressed;
    const text = binary ? Buffer.from(message).toString('base64url') : encodeURIComponent(Buffer.from(message).toString('utf8'));
    let url = `${path}?connect=v1&encoding=${this.codec}&message=${text}`;
    if (binary) url += '&base64=1';
    if (compressed) url += `&compression=${encodeURIComponent(headerValue(headers, 'content-encoding') ?? 'gzip')}`;
    return url.length <= MAX_GET_URL ? url : undefined;
  }

  override reset(code: number): void {
    this.answered = true;
    this.request.length = 0;
    this.wire?.reset(code);
  }

  override consume(): void {} // the response was copied and its window given back as it came

  // ---- the response -----------------------------------------------------------------------------------------

  onHeaders(_stream: ClientStream, headers: HeaderList, endStream: boolean): void {
    if (this.answered) return;
    if (this.status === 0) {
      this.status = Number(headerValue(headers, ':status') ?? 0);
      this.responseHeaders = headers;
    }
    if (endStream) this.responseEnded();
  }

  onData(stream: ClientStream, data: Uint8Array, endStream: boolean): void {
    stream.consume(data.length);
    if (this.answered) return;
    // the body is held until it ends (its status comes first on the wire, in the HTTP status); bounded by the limit
    if (this.bodyLength + data.length > this.maxLength) {
      return this.failWith(Status.RESOURCE_EXHAUSTED, `response message larger than the limit of ${this.maxLength} octets`, false);
    }
    this.body.push(Buffer.from(data));
    this.bodyLength += data.length;
    if (endStream) this.responseEnded();
  }

  private responseEnded(): void {
    const headers = this.responseHeaders;
    const encoding = headerValue(headers, 'content-encoding');
    const body = Buffer.concat(this.body);
    const metadata: HeaderList = [];
    const trailers: HeaderList = [];
    for (const [name, value] of headers) {
      if (name.startsWith('trailer-')) trailers.push([name.slice(8), value]);
      else if (name[0] !== ':' && !NOT_METADATA.has(name) && !name.startsWith('connect-') && !name.startsWith('grpc-')) metadata.push([name, value]);
    }
    const head: HeaderList = [[':status', '200'], ['content-type', GRPC_CONTENT_TYPE]];
    if (this.status !== 200) {
      this.settling = true;
      return void this.error(body, encoding, [...head, ...metadata, ...trailers]);
    }
    const type = (headerValue(headers, 'content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== `application/${this.codec}`) {
      // connect-go: the other codec of Connect is INTERNAL (the server misread us); anything else UNKNOWN
      const code = type === 'application/proto' || type === 'application/json' ? Status.INTERNAL : Status.UNKNOWN;
      return this.failWith(code, `received content-type ${JSON.stringify(type)}, not application/${this.codec}`, false);
    }
    const compressed = encoding !== undefined && encoding !== 'identity';
    if (compressed) head.push(['grpc-encoding', encoding]);
    this.handler.onHeaders(this, [...head, ...metadata], false);
    const prefix = Buffer.allocUnsafe(5);
    prefix[0] = compressed ? 1 : 0;
    prefix.writeUInt32BE(body.length, 1);
    this.handler.onData(this, Buffer.concat([prefix, body]), false);
    this.trailers([...trailers, ['grpc-status', '0']]);
  }

  /** An error response: its JSON body's code, message and details, or the HTTP status's code if it has none. */
  private async error(body: Buffer, encoding: string | undefined, head: HeaderList): Promise<void> {
    const fallback = statusFromHttp(this.status);
    let json: unknown;
    try {
      const bytes = encoding && encoding !== 'identity' ? await decompress(encoding, body, this.maxLength) : body;
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      json = undefined;
      if ((err as StatusError).code === Status.RESOURCE_EXHAUSTED) return this.failWith(Status.RESOURCE_EXHAUSTED, (err as StatusError).details, false);
    }
    const status = statusOfConnectError(json, fallback) ?? [['grpc-status', String(fallback)], ['grpc-message', `HTTP status ${this.status}`]];
    this.trailers([...head, ...status]);
  }
}
