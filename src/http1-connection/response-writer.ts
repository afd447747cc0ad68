// The response side of one exchange: a head, then content as Content-Length or chunked (RFC 9112 §6.1, §7.1),
// then trailers. Chunks are written as size line, the caller's buffer and CRLF, corked together, not copied.
import type { Socket } from 'node:net';
import { encodeChunk, encodeLastChunk, serializeResponseHead, type Http1Fields } from '../http1/index.js';
import type { Http1Observer } from './observer.js';

export class ResponseWriter {
  private mode: 'none' | 'length' | 'chunked' | undefined;
  private done = false;
  private left = 0; // octets still owed under a content-length (RFC 9112 §6.2)

  constructor(
    private readonly socket: Socket,
    private readonly noContent: boolean, // a HEAD request: the head only (RFC 9110 §9.3.2)
    private readonly keepAlive: boolean,
    private readonly onEnd: () => void,
    private readonly observer?: Http1Observer,
  ) {}

  /** Writes octets to the socket, and tells the observer (tracing) when there is one. */
  private send(octets: Uint8Array): boolean {
    if (this.observer !== undefined) this.observer.http1?.('out', octets);
    return this.socket.write(octets);
  }

  get headersSent(): boolean {
    return this.mode !== undefined;
  }

  get finished(): boolean {
    return this.done;
  }

  /**
   * Sends the status line and fields. Without a content-length field the content is chunked; `connection:
   * close` is added when the connection will close after this response (RFC 9112 §9.6).
   */
  writeHead(status: number, fields: Http1Fields = []): void {
    if (this.mode !== undefined) throw new Error('writeHead: the head was already sent');
    const out: Http1Fields = fields.map(([n, v]) => [n.toLowerCase(), v]);
    const bodiless = this.noContent || status < 200 || status === 204 || status === 304;
    if (bodiless) this.mode = 'none';
    else if (out.some(([n]) => n === 'content-length')) {
      const length = out.find(([n]) => n === 'content-length')![1];
      if (!/^[0-9]{1,15}$/.test(length)) throw new TypeError(`writeHead: invalid content-length ${JSON.stringify(length)}`);
      this.mode = 'length';
      this.left = Number(length);
    }
    else {
      this.mode = 'chunked';
      out.push(['transfer-encoding', 'chunked']);
    }
    if (!this.keepAlive) out.push(['connection', 'close']);
    this.send(serializeResponseHead(status, out));
  }

  /** Writes content; returns false when the socket's buffer is full (wait for 'drain' on the socket). */
  write(chunk: Uint8Array): boolean {
    if (this.done) throw new Error('write after end');
    if (this.mode === undefined) this.writeHead(200);
    if (this.mode === 'none' || chunk.length === 0) return true;
    if (this.mode === 'length') {
      // more than announced would be read as the start of another response: refused (RFC 9112 §6.2)
      if (chunk.length > this.left) throw new Error(`write: ${chunk.length} octets over the content-length left (${this.left})`);
      this.left -= chunk.length;
      return this.send(chunk);
    }
    this.socket.cork();
    let ok = true;
    for (const piece of encodeChunk(chunk)) ok = this.send(piece);
    process.nextTick(() => this.socket.uncork());
    return ok;
  }

  /** Ends the response, with trailers when chunked (RFC 9112 §7.1.2; otherwise they cannot be sent and are dropped). */
  end(trailers: Http1Fields = []): void {
    if (this.done) return;
    if (this.mode === undefined) this.writeHead(200, [['content-length', '0']]);
    if (this.mode === 'chunked') this.send(encodeLastChunk(trailers));
    this.done = true;
    if (this.mode === 'length' && this.left > 0) {
      this.socket.destroy(); // RFC 9112 §6.2: fewer octets than announced; the client sees an incomplete message
      return;
    }
    this.onEnd();
  }
}
