import type { HeaderList } from '../../http2/index.js';
import type { CallStream } from '../call/index.js';
import { TranslatingStream } from './translating-stream.js';

// gRPC-Web (grpc/doc/PROTOCOL-WEB.md): the messages as in gRPC, the trailers as a last length-prefixed frame of
// the body whose flag octet has its high bit set (0x80), holding them as an HTTP/1 header block; in the text modes
// (application/grpc-web-text) both directions are base64.

/** The flag octet of the frame that carries the trailers in the body. */
export const TRAILER_FLAG = 0x80;

export class GrpcWebStream extends TranslatingStream {
  /** Base64 characters of a request not yet decoded (text mode: fewer than four). */
  private leftover = '';

  constructor(
    wire: CallStream,
    /** The response's content-type: the request's, so a +json request gets +json back. */
    private readonly contentType: string,
    private readonly text: boolean,
    private readonly extraHeaders: HeaderList,
  ) {
    super(wire);
  }

  sendHeaders(headers: HeaderList, endStream = false): void {
    // Trailers-Only: the status fields go in the body's trailer frame, which every gRPC-Web client reads
    const split = endStream ? headers.findIndex(([name]) => name === 'grpc-status') : -1;
    const head = split >= 0 ? headers.slice(0, split) : headers;
    this.wire.sendHeaders(this.responseHeaders(head), split < 0 && endStream);
    if (split >= 0) this.end(headers.slice(split));
  }

  override write(data: Uint8Array, endStream = false): boolean {
    return this.wire.write(this.text ? Buffer.from(Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64')) : data, endStream);
  }

  end(trailers: HeaderList = []): void {
    const block = Buffer.from(trailers.map(([name, value]) => `${name}: ${value}\r\n`).join(''));
    const frame = Buffer.allocUnsafe(5 + block.length);
    frame[0] = TRAILER_FLAG;
    frame.writeUInt32BE(block.length, 1);
    block.copy(frame, 5);
    this.write(frame);
    this.wire.end();
  }

  override onData(stream: CallStream, data: Uint8Array, endStream: boolean): void {
    if (!this.text) return super.onData(stream, data, endStream);
    // text mode: decoded here (a copy), so the stream's window is given back at once
    stream.consume(data.length);
    const chars = this.leftover + Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
    const whole = endStream ? chars.length : chars.length - (chars.length % 4);
    this.leftover = chars.slice(whole);
    this.handler.onData(this, decodeBase64Groups(chars.slice(0, whole)), endStream);
  }

  override consume(length: number, used = true): void {
    if (!this.text) super.consume(length, used);
  }

  private responseHeaders(fields: HeaderList): HeaderList {
    const out: HeaderList = [];
    for (const f of fields) out.push(f[0] === 'content-type' ? ['content-type', this.contentType] : f);
    for (const f of this.extraHeaders) out.push(f);
    return out;
  }
}

/** Base64 in groups of four characters, each group possibly padded (a sender may pad every chunk it writes). */
function decodeBase64Groups(chars: string): Uint8Array {
  if (!chars.includes('=')) return Buffer.from(chars, 'base64');
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = chars.indexOf('='); at >= 0; at = chars.indexOf('=', start)) {
    const groupEnd = start + Math.ceil((at - start + 1) / 4) * 4; // the end of the group the padding closes
    parts.push(Buffer.from(chars.slice(start, groupEnd), 'base64'));
    start = groupEnd;
  }
  parts.push(Buffer.from(chars.slice(start), 'base64'));
  return Buffer.concat(parts);
}
