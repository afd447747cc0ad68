import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, FRAME_HEADER_LENGTH, frameTypeName } from './constants.js';
import { parseContinuation } from './continuation.js';
import { parseData } from './data.js';
import { connectionError, Http2Error } from './errors.js';
import type { Frame } from './frame.js';
import { parseGoaway } from './goaway.js';
import { type FrameHeader, readFrameHeader } from './header.js';
import { parseHeaders } from './headers.js';
import { parsePing } from './ping.js';
import { CLIENT_PREFACE } from './preface.js';
import { parsePriority } from './priority.js';
import { parsePushPromise } from './push-promise.js';
import { parseRstStream } from './rst-stream.js';
import { parseSettings } from './settings.js';
import { parseWindowUpdate } from './window-update.js';

type Parser = (header: FrameHeader, payload: Uint8Array) => Frame;

/** Payload parsers indexed by frame type (RFC 9113 §6). */
const parsers: readonly Parser[] = [
  parseData,
  parseHeaders,
  parsePriority,
  parseRstStream,
  parseSettings,
  parsePushPromise,
  parsePing,
  parseGoaway,
  parseWindowUpdate,
  parseContinuation,
];

/** Limits of the frame decoder. */
export interface FrameDecoderOptions {
  /** The SETTINGS_MAX_FRAME_SIZE we advertised; longer frames are a FRAME_SIZE_ERROR. Default 16384. */
  maxFrameSize?: number;
  /** Expect the 24-octet client preface before the first frame (a server's decoder). Default false. */
  expectPreface?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * An incremental HTTP/2 frame decoder. Push the socket's chunks in as they come, in any sizes (one octet at a time
 * works), and call `next()` until it returns undefined. A frame that lies inside one chunk is returned as views of
 * that chunk: DATA payloads are not copied. Only a frame that straddles two chunks is gathered into one buffer.
 *
 * Errors are thrown as `Http2Error`. After a stream error the frame has been consumed and decoding can go on; a
 * connection error is final and every later call throws it again.
 */
export class FrameDecoder {
  /** The SETTINGS_MAX_FRAME_SIZE in force for frames we receive. */
  maxFrameSize: number;
  /** The header of the frame last returned or rejected. */
  lastHeader: FrameHeader | undefined;
  /** All octets (header and payload) of the frame last returned or rejected: for tracing, when keepFrameBytes. */
  lastFrameBytes: Uint8Array = new Uint8Array(0);
  /** Keep lastFrameBytes (a tracer wants them); otherwise each frame costs one view fewer. */
  keepFrameBytes = true;

  private readonly chunks: Uint8Array[] = [];
  private offset = 0; // read position in chunks[0]
  private buffered = 0; // unread octets across all chunks
  private prefaceMatched: number; // octets of the client preface matched so far, or -1 when none is expected
  private failure: Http2Error | undefined;
  private pendingHeader: FrameHeader | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.prefaceMatched = options.expectPreface ? 0 : -1;
  }

  /** Octets received but not yet decoded. */
  get bufferedLength(): number {
    return this.buffered;
  }

  /** True while the client preface is still expected (a server's decoder before the first frame). */
  get awaitingPreface(): boolean {
    return this.prefaceMatched >= 0;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole frame, or undefined when more octets are needed. */
  next(): Frame | undefined {
    if (this.failure) throw this.failure;
    try {
      if (this.prefaceMatched >= 0 && !this.matchPreface()) return undefined;
      return this.decodeFrame();
    } catch (err) {
      if (err instanceof Http2Error && err.scope === 'connection') this.failure = err;
      throw err;
    }
  }

  /** RFC 9113 §3.4: compare the client preface as it arrives, so a wrong one fails on its first wrong octet. */
  private matchPreface(): boolean {
    while (this.prefaceMatched < CLIENT_PREFACE.length && this.buffered > 0) {
      const octet = this.take(1)[0];
      if (octet !== CLIENT_PREFACE[this.prefaceMatched]) {
        throw connectionError(ErrorCode.PROTOCOL_ERROR, 'the connection did not start with the HTTP/2 client preface');
      }
      this.prefaceMatched++;
    }
    if (this.prefaceMatched < CLIENT_PREFACE.length) return false;
    this.prefaceMatched = -1;
    return true;
  }

  private decodeFrame(): Frame | undefined {
    let header = this.pendingHeader;
    if (!header) {
      if (this.buffered < FRAME_HEADER_LENGTH) return undefined;
      const first = this.chunks[0]!;
      // read in place when the header lies in one chunk (no view made)
      header = first.length - this.offset >= FRAME_HEADER_LENGTH ? readFrameHeader(first, this.offset) : readFrameHeader(this.peek(FRAME_HEADER_LENGTH), 0);
      // RFC 9113 §4.2: a frame longer than SETTINGS_MAX_FRAME_SIZE is a FRAME_SIZE_ERROR; we end the connection,
      // since the payload is not read and the frame may have carried connection state
      if (header.length > this.maxFrameSize) {
        this.lastHeader = header;
        throw connectionError(
          ErrorCode.FRAME_SIZE_ERROR,
          `${frameTypeName(header.type)} frame of ${header.length} octets exceeds SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize}`,
        );
      }
      this.pendingHeader = header;
    }
    const total = FRAME_HEADER_LENGTH + header.length;
    if (this.buffered < total) return undefined;
    this.pendingHeader = undefined;
    this.lastHeader = header;
    let payload: Uint8Array;
    if (this.keepFrameBytes) {
      const bytes = this.take(total);
      this.lastFrameBytes = bytes;
      payload = bytes.subarray(FRAME_HEADER_LENGTH);
    } else {
      this.skip(FRAME_HEADER_LENGTH);
      payload = header.length === 0 ? EMPTY : this.take(header.length);
    }
    const parse = parsers[header.type];
    // RFC 9113 §4.1, §5.5: frames of unknown types are passed over by the caller
    if (!parse) return { type: header.type, streamId: header.streamId, flags: header.flags, payload };
    return parse(header, payload);
  }

  /** The next n octets without consuming them (copied only when they straddle chunks). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) return first.subarray(this.offset, this.offset + n);
    const out = new Uint8Array(n);
    let filled = 0;
    let at = this.offset;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(at, Math.min(chunk.length, at + n - filled));
      out.set(part, filled);
      filled += part.length;
      at = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Consumes n octets: a view when they lie in one chunk, else one gathered copy. */
  private take(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Consumes n octets without looking at them. */
  private skip(n: number): void {
    this.buffered -= n;
    let left = n;
    while (left > 0) {
      const first = this.chunks[0]!;
      const available = first.length - this.offset;
      if (available > left) {
        this.offset += left;
        break;
      }
      left -= available;
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

