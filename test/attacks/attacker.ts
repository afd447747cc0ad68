// A hostile HTTP/2 client for the attack tests: writes raw frames as fast as the server takes them (never buffering
// more than its own socket holds), optionally never reads, and keeps only counters of what comes back.
import net from 'node:net';
import { CLIENT_PREFACE, encodeFrame, ErrorCode, type Frame, FrameDecoder, FrameType } from '../../src/frames/index.js';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';
import { SocketPeer } from './socket-peer.js';

export const PI_REQUEST: Array<[string, string]> = [
  [':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1'],
  ['content-type', 'application/grpc'], ['te', 'trailers'],
];
/** The gRPC message of PiRequest{n: 10}. */
export const PI_MESSAGE = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x0a]);

export class Attacker extends SocketPeer {
  readonly hpack = new HpackEncoder();
  readonly hpackIn = new HpackDecoder({ maxHeaderListSize: 1 << 20 });
  goaway: { code: number; debug: string } | undefined;
  /** RST_STREAM frames received, by error code. */
  readonly resets = new Map<number, number>();
  /** :status of response headers received, by value. */
  readonly statuses = new Map<string, number>();
  /** grpc-status values received, by value. */
  readonly grpcStatuses = new Map<string, number>();
  framesIn = 0;
  private readonly decoder = new FrameDecoder({ maxFrameSize: 1 << 24 });

  private constructor(socket: net.Socket, read: boolean) {
    super(socket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const closed = this.markClosed;
    socket.on('close', closed);
    socket.on('end', closed);
    socket.on('error', closed);
    if (!read) socket.pause();
  }

  /** Connects, sends the preface and SETTINGS, and acknowledges the server's SETTINGS (sent first by every server). */
  static async connect(port: number, options: { read?: boolean; settings?: Array<[number, number]> } = {}): Promise<Attacker> {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const attacker = new Attacker(socket, options.read ?? true);
    socket.write(Buffer.concat([
      CLIENT_PREFACE,
      encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: options.settings ?? [] }),
      encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }),
    ]));
    return attacker;
  }

  headers(streamId: number, fields: Array<[string, string]>, endStream: boolean, endHeaders = true): Uint8Array {
    return encodeFrame({ type: FrameType.HEADERS, streamId, endStream, endHeaders, headerBlock: this.hpack.encode(fields) });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let f = this.decoder.next(); f; f = this.decoder.next()) this.onFrame(f);
    } catch {
      this.socket.destroy(); // the server's octets did not decode: nothing more to learn
    }
  }

  private onFrame(frame: Frame): void {
    this.framesIn++;
    if (frame.type === FrameType.GOAWAY) {
      const g = frame as { errorCode: number; debugData: Uint8Array };
      this.goaway ??= { code: g.errorCode, debug: Buffer.from(g.debugData).toString() };
    } else if (frame.type === FrameType.RST_STREAM) {
      const code = (frame as { errorCode: number }).errorCode;
      this.resets.set(code, (this.resets.get(code) ?? 0) + 1);
    } else if (frame.type === FrameType.HEADERS) {
      try {
        for (const [name, value] of this.hpackIn.decode((frame as { headerBlock: Uint8Array }).headerBlock)) {
          if (name === ':status') this.statuses.set(value, (this.statuses.get(value) ?? 0) + 1);
          if (name === 'grpc-status') this.grpcStatuses.set(value, (this.grpcStatuses.get(value) ?? 0) + 1);
        }
      } catch {
        // a block split over CONTINUATION is not followed here
      }
    }
  }
}

/** One frame's octets repeated `n` times, to write floods in large pieces. */
export function repeated(frame: Frame, n: number): Uint8Array {
  const one = encodeFrame(frame);
  return Buffer.concat(Array.from({ length: n }, () => one));
}

export { ErrorCode, FrameType };
