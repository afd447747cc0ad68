import type { Frame } from '../frames/index.js';
import type { HpackEvent } from '../hpack/index.js';

/** Which way a frame went: in from the peer or out to it. */
export type Direction = 'in' | 'out';

/** A frame sent or received, with all of its octets. */
export interface FrameTrace {
  direction: Direction;
  frame: Frame;
  bytes: Uint8Array;
}

/** An HPACK representation chosen (out) or decoded (in) for the header block of `streamId`. */
export interface HpackTrace {
  direction: Direction;
  streamId: number;
  event: HpackEvent;
}

/**
 * The observer seam: a connection reports every frame in and out and every HPACK step to it. Without an observer
 * nothing is built for it. src/trace implements observers; the layers below never import src/trace.
 */
export interface ConnectionObserver {
  /** The 24-octet client preface went out (client) or was read (server): the octets before the first frame. */
  preface?(direction: Direction): void;
  frame?(trace: FrameTrace): void;
  hpack?(trace: HpackTrace): void;
  /** A connection or stream error this endpoint detected, before it sends GOAWAY or RST_STREAM. */
  error?(error: Error, streamId: number): void;
  /** The connection is closed: nothing more will be reported. */
  closed?(error?: Error): void;
}
