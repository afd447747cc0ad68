import type { HeaderList } from '../../http2/index.js';
import { type CallStream, type CallStreamHandler, DISCARD } from '../call/index.js';

/**
 * A protocol spoken over an HTTP/2 stream, translated to and from gRPC over HTTP/2 for the call: the call writes
 * gRPC's response headers, length-prefixed messages and trailers; a subclass puts them on the wire its own way
 * (gRPC-Web, Connect), and may reshape what the request carries before the call sees it. The stream's own events
 * reach the call through here, with this object as the stream.
 */
export abstract class TranslatingStream implements CallStream, CallStreamHandler {
  /** Until the server gives the call: what arrives is credited and dropped. */
  handler: CallStreamHandler = DISCARD;
  /** Events held while the server got ready are still to be replayed: the request has not ended for the call yet. */
  held = false;

  constructor(protected readonly wire: CallStream) {
    wire.handler = this;
  }

  get closed(): boolean {
    return this.wire.closed;
  }

  get remoteClosed(): boolean {
    return !this.held && this.wire.remoteClosed;
  }

  get pendingBytes(): number {
    return this.wire.pendingBytes;
  }

  get highWaterMark(): number {
    return this.wire.highWaterMark;
  }

  /** The call is wired up: a subclass that already holds the whole request hands it over now. */
  start(): void {}

  abstract sendHeaders(headers: HeaderList, endStream?: boolean): void;
  abstract end(trailers?: HeaderList): void;

  write(data: Uint8Array, endStream = false): boolean {
    return this.wire.write(data, endStream);
  }

  reset(code: number): void {
    this.wire.reset(code);
  }

  consume(length: number, used = true): void {
    this.wire.consume(length, used);
  }

  // ---- StreamHandler of the HTTP/2 stream -------------------------------------------------------------------

  onHeaders(_stream: CallStream, headers: HeaderList, endStream: boolean): void {
    this.handler.onHeaders(this, headers, endStream);
  }

  onData(_stream: CallStream, data: Uint8Array, endStream: boolean): void {
    this.handler.onData(this, data, endStream);
  }

  onReset(_stream: CallStream, code: number, reason: string, retryable: boolean): void {
    this.handler.onReset(this, code, reason, retryable);
  }

  onDrain(): void {
    this.handler.onDrain?.(this);
  }

  onClose(): void {
    this.handler.onClose?.(this);
  }
}
