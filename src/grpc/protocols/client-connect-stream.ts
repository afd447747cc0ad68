import { headerValue, type HeaderList } from '../../http2/index.js';
import { type ClientStream, type ClientStreamHandler, decompress, parseTimeout, Status, type StatusError } from '../call/index.js';
import { ClientTranslation, EnvelopeSplitter, GRPC_CONTENT_TYPE, MISSING_STATUS } from './client-translation.js';
import { statusOfConnectError } from './connect-error.js';
import { END_STREAM_FLAG } from './connect-stream.js';

// Connect streaming, the client's side (connectrpc.com/docs/protocol#streaming-rpcs): the request is gRPC's framed
// messages with content-type application/connect+proto (or +json) and connect-* headers for the timeout and the
// compression; the response's messages are gRPC's envelopes, and its status is the body's last envelope (flag 0x02,
// 0x03 when compressed) holding JSON: {"error": {"code", "message", "details"}, "metadata": {"name": ["value"]}}.

/** gRPC's request header names and Connect streaming's. */
const REQUEST_NAMES: Record<string, string> = { 'grpc-encoding': 'connect-content-encoding', 'grpc-accept-encoding': 'connect-accept-encoding' };
/** Connect streaming's response header names and gRPC's. */
const RESPONSE_NAMES: Record<string, string> = { 'connect-content-encoding': 'grpc-encoding', 'connect-accept-encoding': 'grpc-accept-encoding' };

/** Connect: connect-timeout-ms holds at most 10 digits. */
const MAX_TIMEOUT_MS = 9_999_999_999;

/** grpc-timeout as Connect's connect-timeout-ms, or undefined when it does not parse. */
export function connectTimeout(grpcTimeout: string): string | undefined {
  const ms = parseTimeout(grpcTimeout);
  return ms === undefined ? undefined : String(Math.min(MAX_TIMEOUT_MS, Math.ceil(ms)));
}

/** The request headers every Connect request shares: te dropped, the timeout renamed, the version said. */
export function connectRequestHeaders(headers: HeaderList, contentType: string | undefined, names: Record<string, string>): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    if (name === 'te') continue;
    if (name === 'content-type') {
      if (contentType) out.push([name, contentType]);
      out.push(['connect-protocol-version', '1']);
    } else if (name === 'grpc-timeout') {
      const ms = connectTimeout(value);
      if (ms !== undefined) out.push(['connect-timeout-ms', ms]);
    } else out.push([names[name] ?? name, value]);
  }
  return out;
}

/** Metadata as Connect's JSON carries it ({"name": ["value", …]}) as header fields; non-strings are skipped. */
export function metadataFields(metadata: unknown): HeaderList {
  const out: HeaderList = [];
  if (typeof metadata !== 'object' || metadata === null) return out;
  for (const [name, values] of Object.entries(metadata as Record<string, unknown>)) {
    if (!Array.isArray(values)) continue;
    for (const value of values) if (typeof value === 'string') out.push([name.toLowerCase(), value]);
  }
  return out;
}

export class ClientConnectStream extends ClientTranslation {
  private readonly splitter: EnvelopeSplitter;
  private headersSeen = false;
  private encoding = 'identity';

  constructor(
    handler: ClientStreamHandler,
    private readonly codec: 'proto' | 'json',
    maxEndLength: number,
  ) {
    super(handler);
    this.splitter = new EnvelopeSplitter(END_STREAM_FLAG, maxEndLength);
  }

  protected requestHeaders(headers: HeaderList): HeaderList {
    return connectRequestHeaders(headers, `application/connect+${this.codec}`, REQUEST_NAMES);
  }

  onHeaders(_stream: ClientStream, headers: HeaderList, endStream: boolean): void {
    if (this.answered) return;
    if (this.headersSeen) {
      if (endStream) this.bodyEnded(); // HTTP trailers are not Connect's: the end-of-stream message decides
      return;
    }
    this.headersSeen = true;
    const out: HeaderList = [];
    const ok = headerValue(headers, ':status') === '200';
    const type = (headerValue(headers, 'content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    // connect-go: Connect streaming in the other codec is INTERNAL (the server misread us); anything else the call's
    if (ok && type.startsWith('application/connect+') && type !== `application/connect+${this.codec}`) {
      return this.failWith(Status.INTERNAL, `received content-type ${JSON.stringify(type)}, not application/connect+${this.codec}`, false);
    }
    for (const [name, value] of headers) {
      if (name === 'content-type' && ok && type === `application/connect+${this.codec}`) out.push([name, GRPC_CONTENT_TYPE]);
      else out.push([RESPONSE_NAMES[name] ?? name, value]);
    }
    this.encoding = headerValue(out, 'grpc-encoding') ?? 'identity';
    // an HTTP error (or another content-type) is the call's to read: no grpc-status, so the HTTP status decides
    this.handler.onHeaders(this, out, false);
    if (endStream) this.bodyEnded();
  }

  onData(stream: ClientStream, data: Uint8Array, endStream: boolean): void {
    if (this.answered) return stream.consume(data.length);
    const error = this.splitter.push(data, (octets) => this.handler.onData(this, octets, false), (n) => stream.consume(n));
    if (error) return this.failWith(MISSING_STATUS, error, true);
    if (endStream) this.bodyEnded();
  }

  private bodyEnded(): void {
    const final = this.splitter.done;
    if (!final) return this.failWith(MISSING_STATUS, this.splitter.partial ? 'the Connect response ended inside an envelope' : 'the Connect response ended without its end-of-stream message', true);
    if ((final.flag & 1) === 0) return this.endOfStream(final.data);
    this.settling = true;
    decompress(this.encoding, final.data, Number.MAX_SAFE_INTEGER).then(
      (json) => this.endOfStream(Buffer.from(json)),
      (err: StatusError) => this.failWith(MISSING_STATUS, `the end-of-stream message does not decompress: ${err.details}`, true),
    );
  }

  /** The end-of-stream message as gRPC's trailers: its metadata, then the status (OK when it holds no error). */
  private endOfStream(data: Buffer): void {
    let json: { error?: unknown; metadata?: unknown };
    try {
      json = JSON.parse(data.toString('utf8')) as typeof json;
      if (typeof json !== 'object' || json === null) throw new Error('not an object');
    } catch (err) {
      return this.failWith(MISSING_STATUS, `the end-of-stream message is not JSON: ${(err as Error).message}`, true);
    }
    const trailers = metadataFields(json.metadata);
    if (json.error === undefined || json.error === null) {
      trailers.push(['grpc-status', '0']);
      return this.trailers(trailers);
    }
    const status = statusOfConnectError(json.error, Status.UNKNOWN);
    if (!status) return this.failWith(MISSING_STATUS, 'the end-of-stream message\'s error is not an object', true);
    this.trailers([...trailers, ...status]);
  }
}
