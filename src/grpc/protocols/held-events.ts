import type { HeaderList } from '../../http2/index.js';
import type { CallStream, CallStreamHandler } from '../call/index.js';

/**
 * A stream's events held while the server gets ready for it (the JSON codec loading), then given to the handler it
 * gets. DATA is kept as it came, uncredited, so the stream's flow-control window bounds what is held.
 */
export class HeldEvents implements CallStreamHandler {
  private readonly events: Array<[kind: 'headers' | 'data', payload: HeaderList | Uint8Array, endStream: boolean]> = [];
  private reset: [code: number, reason: string, retryable: boolean] | undefined;

  constructor(stream: CallStream) {
    stream.handler = this;
  }

  onHeaders(_stream: CallStream, headers: HeaderList, endStream: boolean): void {
    this.events.push(['headers', headers, endStream]);
  }

  onData(_stream: CallStream, data: Uint8Array, endStream: boolean): void {
    this.events.push(['data', data, endStream]);
  }

  onReset(_stream: CallStream, code: number, reason: string, retryable: boolean): void {
    this.reset = [code, reason, retryable];
  }

  /** Gives what was held to the stream's handler now; false if the stream was reset meanwhile. */
  replay(stream: CallStream): boolean {
    if (this.reset) {
      stream.handler.onReset(stream, ...this.reset);
      return false;
    }
    for (const [kind, payload, endStream] of this.events) {
      if (kind === 'headers') stream.handler.onHeaders(stream, payload as HeaderList, endStream);
      else stream.handler.onData(stream, payload as Uint8Array, endStream);
    }
    return true;
  }
}
