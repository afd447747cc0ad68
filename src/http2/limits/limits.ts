// Every bound an HTTP/2 connection keeps against its peer, in one place (as nghttp2's nghttp2_option_* and Go's
// http2.Server fields). Each is an option with the default below; exceeding one ends the connection (or the stream)
// with the RFC 9113 error code and a debug string naming the limit. docs/security.md lists them with the attacks.

/** A token bucket: `burst` actions at once, refilled at `perSecond`. */
export interface Rate {
  burst: number;
  perSecond: number;
}

/** Every bound a connection puts on its peer; exceeding one ends the connection with the RFC's code and the limit's name. */
export interface ConnectionLimits {
  /** Octets of one header block, HEADERS plus every CONTINUATION (RFC 9113 §6.10; CVE-2024-27316). Default 65536. */
  maxHeaderBlockSize: number;
  /** CONTINUATION frames in one header block, empty ones included (nghttp2 allows 8). Default 8. */
  maxContinuationFrames: number;
  /**
   * Control frames we answer with (SETTINGS ACK, PING ACK, RST_STREAM) waiting for a socket the peer does not read
   * (CVE-2019-9512/9514/9515; nghttp2 1000, Go 10,000). Past it: GOAWAY ENHANCE_YOUR_CALM. Default 1000.
   */
  maxQueuedControlFrames: number;
  /**
   * Octets waiting to be written (ours and the socket's buffer) before we stop reading from the peer until it
   * drains (CVE-2019-9517). Default 4 MiB.
   */
  maxOutboundBuffer: number;
  /**
   * How long the peer may leave us unable to send (ms): reading stopped by maxOutboundBuffer, or DATA queued that
   * no flow-control window lets out and none sent meanwhile. Then the connection is closed. Default 30000.
   */
  outboundStallTimeout: number;
  /** Streams the peer resets (Rapid Reset, CVE-2023-44487; nghttp2's bucket). Default burst 1000, 33/s. */
  streamResetRate: Rate;
  /** DATA frames with no data (padding aside) and no END_STREAM (CVE-2019-9518). Default burst 100, 10/s. */
  emptyDataRate: Rate;
  /**
   * DATA framing overhead (RFC 9113 §10.5; Rust h2's data frame budget, gRPC-Go CVE-2026-84304): a DATA frame whose
   * data, padding excluded, is under `threshold` octets and does not end its stream costs `threshold` minus its
   * length; a larger frame gives `threshold` back, the application gives back a stream's charge once it has used
   * what the frames carried (gRPC: the message they split is whole), and time gives back `perSecond`. Over
   * `budget`: GOAWAY ENHANCE_YOUR_CALM. Default threshold 256, budget 1 MiB, perSecond 256 KiB.
   */
  dataFramingBudget: { threshold: number; budget: number; perSecond: number };
  /**
   * The header lists of the peer's open streams together, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts them
   * (name + value + 32 octets a field). Past it a new stream is refused (REFUSED_STREAM), so that requests a peer
   * holds open by never opening its window ("HTTP/2 Bomb", 2026) stay bounded. Default 2 MiB.
   */
  maxOpenHeaderListOctets: number;
  /** PRIORITY frames, which we otherwise ignore (CVE-2019-9513). Default burst 1000, 100/s. */
  priorityRate: Rate;
  /** SETTINGS frames from the peer (CVE-2019-9515). Default burst 100, 10/s. */
  settingsRate: Rate;
  /**
   * Stream errors the peer provokes: malformed requests, frames on closed streams, window overflows (MadeYouReset,
   * CVE-2025-8671; nghttp2's "glitch" limit). Default burst 1000, 33/s.
   */
  glitchRate: Rate;
  /**
   * How many of the latest stream ids keep why they closed, to answer late frames with the right error (RFC 9113
   * §5.1); older ones are forgotten. Default 1000.
   */
  maxClosedStreams: number;
  /**
   * After we reset a stream, frames the peer had already sent on it are ignored for this long (ms); later ones are
   * a STREAM_CLOSED stream error (RFC 9113 §5.1 "closed"). Default 10000.
   */
  resetStreamGrace: number;
}

/** The defaults of ConnectionLimits (listed in the README and docs/security.md). */
export const DEFAULT_LIMITS: Readonly<ConnectionLimits> = {
  maxHeaderBlockSize: 65536,
  maxContinuationFrames: 8,
  maxQueuedControlFrames: 1000,
  maxOutboundBuffer: 4 << 20,
  outboundStallTimeout: 30_000,
  streamResetRate: { burst: 1000, perSecond: 33 },
  emptyDataRate: { burst: 100, perSecond: 10 },
  dataFramingBudget: { threshold: 256, budget: 1 << 20, perSecond: 256 << 10 },
  maxOpenHeaderListOctets: 2 << 20,
  priorityRate: { burst: 1000, perSecond: 100 },
  settingsRate: { burst: 100, perSecond: 10 },
  glitchRate: { burst: 1000, perSecond: 33 },
  maxClosedStreams: 1000,
  resetStreamGrace: 10_000,
};
