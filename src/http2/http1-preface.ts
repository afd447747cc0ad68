// RFC 9113 §3.4: a server reads the client preface first. What arrives instead may be an HTTP/1.x request, which is
// answered in its own terms; anything else is an invalid preface: GOAWAY PROTOCOL_ERROR (h2spec 3.5).

/** The methods of RFC 9110 §9 (and PATCH): an HTTP/1.x request line starts with one of them and a space. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
/** RFC 9112 §3: method SP request-target SP HTTP-version CRLF (a bare LF is tolerated here, as RFC 9112 §2.2 allows). */
const REQUEST_LINE = /^(?:GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH) [!-~]+ HTTP\/1\.[01]\r?\n/;
/** The longest request line waited for; past it, a method and a space say HTTP/1.x (the rest is the parser's). */
const MAX_REQUEST_LINE = 8192;

/**
 * Looks at a server's first octets until it knows what they are: 'http1' (a whole HTTP/1.x request line, or a method,
 * a space and more than MAX_REQUEST_LINE octets without a line end: too long, answered 414 by HTTP/1.1), 'h2'
 * (anything else: the HTTP/2 frame decoder then checks the preface), or 'more' while they could still become a
 * request line. The octets are kept meanwhile and handed back whole by take().
 */
export class Http1Sniffer {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): 'http1' | 'h2' | 'more' {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const head = (this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.length)).toString('latin1', 0, MAX_REQUEST_LINE);
    if (REQUEST_LINE.test(head)) return 'http1';
    const space = head.indexOf(' ');
    const method = space < 0 ? head : head.slice(0, space);
    const couldBe = space < 0 ? METHODS.some((m) => m.startsWith(method)) : METHODS.includes(method);
    if (!couldBe || head.includes('\n')) return 'h2';
    if (head.length < MAX_REQUEST_LINE) return 'more';
    // a method and a space, then a line longer than we wait for: HTTP/1.x all the same, whose parser answers 414
    return space > 0 ? 'http1' : 'h2';
  }

  /** Every octet pushed, in one buffer. */
  take(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    return all;
  }
}

/** Client: the status line, when a server's first octets are an HTTP/1.x response (it does not speak HTTP/2 there). */
export function http1StatusLine(chunk: Buffer): string | undefined {
  if (chunk.length < 8 || chunk.toString('latin1', 0, 7) !== 'HTTP/1.') return undefined;
  const end = chunk.indexOf('\n');
  return chunk.toString('latin1', 0, end < 0 ? Math.min(chunk.length, 80) : Math.min(end, 80)).trim();
}

/**
 * RFC 9113 §3.3: this server speaks HTTP/2 with prior knowledge only. An HTTP/1.x request (curl, a browser) is told
 * so in a readable HTTP/1.1 response rather than a binary GOAWAY it would show as garbage.
 */
export function http1Refusal(): string {
  const body = 'This port speaks HTTP/2 only (gRPC with prior knowledge, RFC 9113 §3.3): use a gRPC client, nghttp, or curl --http2-prior-knowledge.\n';
  return `HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
