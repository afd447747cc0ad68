// A hand-driven HTTP/2 peer for protocol tests: writes any frames (malformed ones too) and reads what comes back.
import net from 'node:net';
import { CLIENT_PREFACE, encodeFrame, type Frame, FrameDecoder, FrameType } from '../src/frames/index.js';
import { HpackDecoder, HpackEncoder } from '../src/hpack/index.js';
import { Connection, type ConnectionOptions, type HeaderList, type Http2Stream } from '../src/http2/index.js';
import type { Test } from 'tap';
import { HANG_MS } from './wait.js';

export class RawPeer {
  readonly frames: Frame[] = [];
  readonly hpackOut = new HpackEncoder();
  readonly hpackIn = new HpackDecoder();
  closed = false;
  private readonly decoder = new FrameDecoder({ maxFrameSize: 1 << 24 });
  private waiters: Array<() => void> = [];
  private pings = 0;

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
  async waitFor(match: (f: Frame) => boolean, timeout = HANG_MS): Promise<Frame | undefined> {
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

  /** Waits for the connection to close; false if it is still open after `timeout`. */
  async untilClosed(timeout = HANG_MS): Promise<boolean> {
    await this.waitFor(() => false, timeout);
    return this.closed;
  }

  goaway(): Promise<Frame | undefined> {
    return this.waitFor((f) => f.type === FrameType.GOAWAY);
  }

  rst(streamId: number): Promise<Frame | undefined> {
    return this.waitFor((f) => f.type === FrameType.RST_STREAM && f.streamId === streamId);
  }

  /**
   * Sends a PING and waits for its ACK: frames are processed in order, so everything sent before it has been
   * handled. False when the connection closed instead.
   */
  async alive(timeout = HANG_MS): Promise<boolean> {
    const data = Buffer.alloc(8);
    data.writeUInt32BE(++this.pings, 4);
    this.send({ type: FrameType.PING, streamId: 0, ack: false, data });
    return !!(await this.waitFor((f) => f.type === FrameType.PING && (f as { ack: boolean }).ack && Buffer.from((f as { data: Uint8Array }).data).equals(data), timeout));
  }

  /** The frames received of a type (on a stream, if given). */
  received(type: number, streamId?: number): Frame[] {
    return this.frames.filter((f) => f.type === type && (streamId === undefined || f.streamId === streamId));
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export const GET: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':path', '/echo'], [':authority', 'localhost']];

/** Our server: answers each request with 200, a body of the request's header count, and END_STREAM. */
export async function h2Server(t: Test, options: ConnectionOptions = {}, respond = true) {
  const connections: Connection[] = [];
  const streams: Http2Stream[] = [];
  const listener = net.createServer((socket) => {
    const conn = new Connection(socket, 'server', options);
    connections.push(conn);
    conn.on('stream', (stream: Http2Stream, headers: HeaderList, endStream: boolean) => {
      streams.push(stream);
      const answer = () => {
        stream.sendHeaders([[':status', '200'], ['x-fields', String(headers.length)]]);
        stream.write(Buffer.alloc(1000, 1), true);
      };
      stream.handler = {
        onHeaders: () => {},
        onData: (s, d, end) => {
          if (respond) s.consume(d.length);
          if (end && respond) answer();
        },
        onReset: () => {},
      };
      if (endStream && respond) answer();
    });
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const c of connections) c.destroy();
    listener.close();
  });
  return { port: (listener.address() as net.AddressInfo).port, connections, streams };
}


/**
 * A raw HTTP/2 server for testing our client: it sends its SETTINGS, acknowledges the client's, and hands every
 * other frame to `onFrame`, which may answer with any frames (malformed or abusive ones too).
 */
export async function rawServer(t: Test, onFrame: (frame: Frame, reply: (...frames: Frame[]) => void, hpack: HpackEncoder) => void): Promise<number> {
  const listener = net.createServer((socket) => {
    const decoder = new FrameDecoder({ expectPreface: true });
    const hpack = new HpackEncoder();
    const reply = (...frames: Frame[]) => socket.write(Buffer.concat(frames.map((f) => encodeFrame(f))));
    reply({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      try {
        for (let f = decoder.next(); f; f = decoder.next()) {
          if (f.type === FrameType.SETTINGS && !(f as { ack: boolean }).ack) reply({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
          else onFrame(f, reply, hpack);
        }
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  t.teardown(() => listener.close());
  return (listener.address() as net.AddressInfo).port;
}
