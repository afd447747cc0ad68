// The HTTP/1.1 observer seam, as src/http2/observer.ts is HTTP/2's: a connection tells an observer every octet it
// sends and receives, in the pieces it writes and reads them (heads, chunk size lines, content, last chunks). The
// trace (src/trace) cuts them into a message's parts and decodes them itself, as a peer would. Without an observer
// nothing is built: each place that writes or reads checks one field.

/** Which way octets went: in from the peer or out to it. */
export type Http1Direction = 'in' | 'out';

export interface Http1Observer {
  /** Octets sent (out) or received (in), as they passed the socket; `bytes` may be a view the caller reuses. */
  http1?(direction: Http1Direction, bytes: Uint8Array): void;
  /** The connection is closed: nothing more will be reported. */
  closed?(error?: Error): void;
}
