import type { HeaderList } from '../../http2/index.js';
import type { CallStream } from '../call/index.js';
import { errorOfTrailers, isMetadata } from './connect-error.js';
import { TranslatingStream } from './translating-stream.js';

// Connect streaming (connectrpc.com/docs/protocol#streaming-rpcs): messages in the same 5-octet envelopes as gRPC
// (flag 0x01: compressed), compression named by connect-content-encoding, and the status at the end of the body in
// an end-of-stream envelope (flag 0x02) holding JSON: {"error": {...}, "metadata": {"name": ["value"]}}.

/** The flag of the end-of-stream envelope. */
export const END_STREAM_FLAG = 0x02;

/** gRPC's response header names and Connect streaming's. */
const RENAMED: Record<string, string> = { 'grpc-encoding': 'connect-content-encoding', 'grpc-accept-encoding': 'connect-accept-encoding' };

export class ConnectStream extends TranslatingStream {
  constructor(
    wire: CallStream,
    private readonly contentType: string,
    private readonly extraHeaders: HeaderList,
  ) {
    super(wire);
  }

  sendHeaders(headers: HeaderList, endStream = false): void {
    // a Trailers-Only answer: the headers, then the status as the end-of-stream message
    const split = endStream ? headers.findIndex(([name]) => name === 'grpc-status') : -1;
    const out: HeaderList = [];
    for (const [name, value] of split >= 0 ? headers.slice(0, split) : headers) {
      out.push(name === 'content-type' ? [name, this.contentType] : [RENAMED[name] ?? name, value]);
    }
    for (const f of this.extraHeaders) out.push(f);
    this.wire.sendHeaders(out, split < 0 && endStream);
    if (split >= 0) this.end(headers.slice(split));
  }

  end(trailers: HeaderList = []): void {
    const error = errorOfTrailers(trailers)?.error;
    const metadata: Record<string, string[]> = {};
    for (const [name, value] of trailers) if (isMetadata(name)) (metadata[name] ??= []).push(value);
    const json = Buffer.from(JSON.stringify(error ? { error, metadata } : { metadata }));
    const envelope = Buffer.allocUnsafe(5 + json.length);
    envelope[0] = END_STREAM_FLAG;
    envelope.writeUInt32BE(json.length, 1);
    json.copy(envelope, 5);
    this.wire.write(envelope, true);
  }
}
