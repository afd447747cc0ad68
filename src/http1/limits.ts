// Every bound of the HTTP/1.1 codec (RFC 9112) in one options object, with its default, and the error that
// exceeding one gives: a typed Http1Error naming the limit and the HTTP status a server answers with.

/** The bounds on what a peer may send; each has a default (docs/http1.md, docs/security.md "HTTP/1.1"). */
export interface Http1Limits {
  /** Octets of the request line or status line, CRLF excluded (RFC 9112 §3: SHOULD allow 8000). 414 if over. */
  maxStartLineOctets: number;
  /** Header (or trailer) fields in one message. 431 if over. */
  maxHeaderCount: number;
  /** Octets of all field lines of one message, CRLFs included. 431 if over. */
  maxHeaderOctets: number;
  /** Octets of one message's content (Content-Length or the sum of its chunks). 413 if over. */
  maxBodyOctets: number;
  /** Hex digits of one chunk size (RFC 9112 §7.1: "anticipate potentially large hexadecimal numerals"). 400. */
  maxChunkSizeDigits: number;
  /** Octets of the chunk extensions of one chunk-size line (RFC 9112 §7.1.1: a server SHOULD limit them). 400. */
  maxChunkExtensionOctets: number;
  /** Milliseconds a kept-alive connection may sit idle between messages (used by the transport). */
  idleTimeoutMs: number;
  /** Milliseconds a peer has to send a whole head once its first octet arrived (slow-headers guard; transport). */
  headersTimeoutMs: number;
  /** Milliseconds a peer has to close its side once we closed ours (RFC 9112 §9.6), then it is cut off (transport). */
  lingerTimeoutMs: number;
}

export const DEFAULT_HTTP1_LIMITS: Readonly<Http1Limits> = Object.freeze({
  maxStartLineOctets: 8192,
  maxHeaderCount: 100,
  maxHeaderOctets: 16384,
  maxBodyOctets: 4 * 1024 * 1024,
  maxChunkSizeDigits: 8,
  maxChunkExtensionOctets: 1024,
  idleTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  lingerTimeoutMs: 5_000,
});

/** The defaults with the given bounds replaced; a bound that is not a non-negative number is a TypeError. */
export function http1Limits(options: Partial<Http1Limits> = {}): Http1Limits {
  const limits = { ...DEFAULT_HTTP1_LIMITS, ...options };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value >= 0)) throw new TypeError(`http1 limit ${name} must be a number >= 0, got ${String(value)}`);
  }
  // a chunk size of more than 13 hex digits would not fit a safe integer
  if (limits.maxChunkSizeDigits > 13) throw new TypeError('http1 limit maxChunkSizeDigits must be <= 13');
  return limits;
}

/**
 * Input the codec refuses: `status` is what a server answers (400, 413, 414, 431, 501); `limit` names the option
 * exceeded, if one was. After any Http1Error the message framing is lost, so the connection must close
 * (RFC 9112 §11.2: request smuggling).
 */
export class Http1Error extends Error {
  override name = 'Http1Error';
  readonly mustClose = true;
  constructor(
    readonly status: number,
    message: string,
    readonly limit?: keyof Http1Limits,
  ) {
    super(limit === undefined ? `${status}: ${message}` : `${status}: ${message} (limit ${limit})`);
  }
}
