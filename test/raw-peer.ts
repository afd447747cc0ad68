// A hand-driven HTTP/2 peer for protocol tests: writes any frames (malformed ones too) and reads what comes back.
import net from 'node:net';
import { CLIENT_PREFACE, encodeFrame, type Frame, FrameDecoder, FrameType } from '../src/frames/index.js';
import { HpackDecoder, HpackEncoder } from '../src/hpack/index.js';

export class RawPeer {
  readonly frames: Frame[] = [];
  readonly hpackOut = new HpackEncoder();
  readonly hpackIn = new HpackDecoder();
  closed = false;
  private readonly decoder = new FrameDecoder({ maxFrameSize: 1 << 24 });
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.decoder.push(chunk);
      for (let f = this.decoder.next(); f; f = this.decoder.next()) this.frames.push(f);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects; with `preface`, sends the client preface and an empty SETTINGS (and acknowledges the server's). */
  static async connect(port: number, preface = true): Promise<RawPeer> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const peer = new RawPeer(socket);
    if (preface) {
      peer.write(CLIENT_PREFACE);
      peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
      await peer.waitFor((f) => f.type === FrameType.SETTINGS && !(f as { ack: boolean }).ack);
      peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    }
    return peer;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  send(frame: Frame): void {
    this.write(encodeFrame(frame));
  }

  headers(streamId: number, fields: Array<[string, string]>, endStream = false): void {
    this.send({ type: FrameType.HEADERS, streamId, endStream, endHeaders: true, headerBlock: this.hpackOut.encode(fields) });
  }

  /** Resolves with the first frame (already received or yet to come) that matches, or undefined on close/timeout. */
  async waitFor(match: (f: Frame) => boolean, timeout = 5000): Promise<Frame | undefined> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closed || Date.now() > deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  goaway(): Promise<Frame | undefined> {
    return this.waitFor((f) => f.type === FrameType.GOAWAY);
  }

  rst(streamId: number): Promise<Frame | undefined> {
    return this.waitFor((f) => f.type === FrameType.RST_STREAM && f.streamId === streamId);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export const GET: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':path', '/echo'], [':authority', 'localhost']];
