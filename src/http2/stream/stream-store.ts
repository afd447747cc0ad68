import { ClosedStreams, type CloseCause } from './closed-streams.js';
import type { Http2Stream } from './stream.js';
import type { StreamStats } from './stream-stats.js';

/**
 * The streams of one connection (as Rust h2's store.rs and counts.rs): those not yet closed, keyed by id; how many
 * each side has open against the other's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2); the ids used so far
 * (§5.1.1); and the recently closed ones with why they closed (§5.1). The connection drives it; the counts change
 * only here, when a stream is added or closed.
 */
export class StreamStore {
  /** Streams open or half-closed, by id. */
  readonly live = new Map<number, Http2Stream>();
  /** The highest stream id the peer has opened. */
  highestPeerId = 0;
  /** The id our next stream gets. */
  nextLocalId: number;
  /** Streams we opened that count against the peer's MAX_CONCURRENT_STREAMS. */
  activeLocal = 0;
  /** Streams the peer opened that count against ours. */
  activeRemote = 0;
  /** The header list sizes of the peer's live streams together (limits.maxOpenHeaderListOctets). */
  openHeaderOctets = 0;
  private readonly closed: ClosedStreams;
  /** Counts for channelz, when asked for (undefined: nothing is counted). */
  stats: StreamStats | undefined;

  constructor(
    private readonly role: 'client' | 'server',
    maxClosed: number,
    resetGrace: number,
  ) {
    this.nextLocalId = role === 'client' ? 1 : 2;
    this.closed = new ClosedStreams(maxClosed, resetGrace);
  }

  get size(): number {
    return this.live.size;
  }

  get(id: number): Http2Stream | undefined {
    return this.live.get(id);
  }

  /** Client-initiated streams are odd, server-initiated even (RFC 9113 §5.1.1). */
  isPeerInitiated(id: number): boolean {
    return (id & 1) === (this.role === 'server' ? 1 : 0);
  }

  /** Is `id` a stream that was never opened (idle)? Ids are used in increasing order by each side. */
  isIdle(id: number): boolean {
    return this.isPeerInitiated(id) ? id > this.highestPeerId : id >= this.nextLocalId;
  }

  /** A stream opened by us (it takes the next id) or by the peer (its id is the new highest, its headers held). */
  add(stream: Http2Stream, id?: number, headerOctets = 0): void {
    if (id === undefined) {
      stream.id = this.nextLocalId;
      this.nextLocalId += 2;
      this.activeLocal++;
    } else {
      stream.id = id;
      this.highestPeerId = id;
      this.activeRemote++;
      stream.headerOctets = headerOctets;
      this.openHeaderOctets += headerOctets;
    }
    stream.state = 'open';
    stream.counted = true;
    this.live.set(stream.id, stream);
    if (this.stats) this.stats.opened(id === undefined);
  }

  /** Closes a stream for good: uncounted, forgotten but for its cause. False if it was not live. */
  close(stream: Http2Stream, cause: Exclude<CloseCause, 'forgotten'>): boolean {
    stream.state = 'closed';
    if (!this.live.delete(stream.id)) return false;
    this.openHeaderOctets -= stream.headerOctets;
    stream.headerOctets = 0;
    if (stream.counted) {
      stream.counted = false;
      if (this.isPeerInitiated(stream.id)) this.activeRemote--;
      else this.activeLocal--;
    }
    this.closed.remember(stream.id, cause);
    if (this.stats) this.stats.closed(cause === 'end');
    return true;
  }

  /** A stream we refused or reset before it was ever live (REFUSED_STREAM, a malformed request). */
  rememberReset(id: number): void {
    this.closed.remember(id, 'reset-sent');
  }

  /** Why a stream that is not live is closed. */
  closeCause(id: number): CloseCause {
    return this.closed.cause(id);
  }

  /** Frames the peer sent before it saw our RST_STREAM are still expected. */
  inResetGrace(id: number): boolean {
    return this.closed.inResetGrace(id);
  }
}
