// One direction of an HTTP/1.1 connection cut into the parts of its messages (RFC 9112): a head (start line, field
// lines, the empty line), a chunk (size line, data, CRLF; §7.1), the last chunk with its trailers (§7.1.2), and
// content delimited by Content-Length or by close (§6.3), which is cut where the octets arrived rather than held.
// The octets arrive in whatever pieces the socket gave; each part comes out with exactly its own octets, so a trace
// holds every octet that crossed, one readable entry per part. A parser of our own (src/http1) says where parts end.
import { Http1Parser, type Http1Phase } from '../../http1/index.js';

const LF = 0x0a;

/** One direction of an HTTP/1.1 connection cut into its messages' parts (heads, chunks, content), octets exact. */
export class Http1Parts {
  private readonly parser: Http1Parser<'request' | 'response'>;
  private held: Buffer[] = [];
  /** The parser refused the octets: from then on they are passed on as they come, uncut. */
  private broken = false;

  /** `role`: what this direction carries, requests (a client's out, a server's in) or responses. */
  constructor(role: 'request' | 'response') {
    // a trace shows what crossed, whatever its size: no limits but the framing's
    this.parser = new Http1Parser(role, { maxBodyOctets: Number.MAX_SAFE_INTEGER, maxHeaderOctets: 2 ** 24, maxStartLineOctets: 2 ** 24, maxHeaderCount: 2 ** 16 });
  }

  /** Takes octets; returns the parts they complete, in order (content by length or close: what has arrived). */
  push(bytes: Uint8Array): Buffer[] {
    const octets = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const parts: Buffer[] = [];
    if (this.broken) return octets.length ? [Buffer.from(octets)] : [];
    let at = 0;
    while (at < octets.length) {
      // a line at a time (in content too), so that every boundary the parser sees is one we can cut at
      const lf = octets.indexOf(LF, at);
      const end = lf < 0 ? octets.length : lf + 1;
      const piece = octets.subarray(at, end);
      const before = this.parser.phase;
      let events;
      try {
        events = this.parser.push(piece);
      } catch {
        this.broken = true;
        this.held.push(Buffer.from(octets.subarray(at)));
        parts.push(this.take());
        return parts;
      }
      let cut = -1;
      for (const e of events) {
        if (e.type === 'data') cut = e.data.byteOffset + e.data.length - piece.byteOffset;
        if (e.type === 'end' && before === 'length') {
          // content by length ends with its last octet; what follows in the piece begins the next message
          this.held.push(Buffer.from(piece.subarray(0, cut)));
          parts.push(this.take());
          if (cut < piece.length) this.held.push(Buffer.from(piece.subarray(cut)));
          cut = -2;
          break;
        }
      }
      if (cut !== -2) {
        this.held.push(Buffer.from(piece));
        if (ends(before, this.parser.phase, events)) parts.push(this.take());
      }
      at = end;
    }
    // content by length or close is passed on as it comes (it may be long); a chunk waits for its CRLF
    const phase = this.parser.phase;
    if ((phase === 'length' || phase === 'close') && this.held.length) parts.push(this.take());
    return parts;
  }

  /** What is held of a part not yet complete (the connection closed): passed on as it is. */
  flush(): Buffer[] {
    return this.held.length ? [this.take()] : [];
  }

  private take(): Buffer {
    const part = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    return part;
  }
}

/** Whether a piece that took the parser from `before` to `after` (with these events) completed a part. */
function ends(before: Http1Phase, after: Http1Phase, events: Array<{ type: string }>): boolean {
  if (events.some((e) => e.type === 'head' || e.type === 'end')) return true; // a head; a last chunk and its trailers
  return after === 'chunk-size' && (before === 'chunk-end' || before === 'chunk-data'); // a chunk and its CRLF
}
