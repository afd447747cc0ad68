// A hostile HTTP/1.1 client for the attack tests: writes raw octets as fast as the server takes them (never buffering
// more than its own socket holds), optionally never reads, and keeps only counters of the responses that come back
// (read with our own HTTP/1.1 parser, role 'response': a server's octets it cannot parse end the counting).
import net from 'node:net';
import { Http1Parser } from '../../src/http1/index.js';
import type { AttackResult } from './attacks.js';
import { SocketPeer } from './socket-peer.js';

/** A Connect unary call of pi.PiCalculator/Calc with {"n": 10}, as one HTTP/1.1 request (keep-alive). */
export const CONNECT_BODY = '{"n": 10}';
export const CONNECT_HEAD = 'POST /pi.PiCalculator/Calc HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n';
export const CONNECT_REQUEST = `${CONNECT_HEAD}content-length: ${CONNECT_BODY.length}\r\n\r\n${CONNECT_BODY}`;

export class Http1Attacker extends SocketPeer {
  /** Response status codes received, by value. */
  readonly statuses = new Map<string, number>();
  /** The content of the first response that was not a 200 (up to 200 octets): ours names the limit. */
  firstRefusal: string | undefined;
  responses = 0;
  /** The server half-closed (sent FIN). */
  ended = false;
  private readonly parser = new Http1Parser('response', { maxBodyOctets: 1 << 30, maxHeaderCount: 1000, maxHeaderOctets: 1 << 20 });
  private refusing = false;
  private refusal: Buffer[] = [];
  private parsing = true;

  private constructor(socket: net.Socket, read: boolean) {
    super(socket);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const closed = this.markClosed;
    // only the end of the whole connection counts: a FIN from the server is not answered (allowHalfOpen), as a
    // hostile peer would not, so a server that half-closes and forgets is seen holding the connection
    socket.on('end', () => (this.ended = true));
    socket.on('close', closed);
    socket.on('error', closed);
    if (!read) socket.pause();
  }

  static async connect(port: number, options: { read?: boolean } = {}): Promise<Http1Attacker> {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Http1Attacker(socket, options.read ?? true);
  }

  /**
   * Waits until the connection closes or the time `until`. Once the server has half-closed, a CRLF every 100 ms
   * (an empty line, which a server ignores between requests) tells whether it still holds its side: a server that
   * let go answers it with a reset.
   */
  async lingers(until: number): Promise<boolean> {
    while (!this.closed && Date.now() < until) {
      if (this.ended) this.socket.write('\r\n');
      await this.closedBy(Math.min(until, Date.now() + 100));
    }
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** What the attack saw, in the shape the HTTP/2 attacks report (no GOAWAY, resets or grpc-status here). */
  result(sent: number): AttackResult {
    return {
      closed: this.closed,
      closedAfterMs: this.closed ? this.closedAt - this.startedAt : undefined,
      resets: new Map(),
      statuses: this.statuses,
      grpcStatuses: new Map(),
      sent,
      refusal: this.firstRefusal,
    };
  }

  private onData(chunk: Buffer): void {
    if (!this.parsing) return;
    try {
      for (const event of this.parser.push(chunk)) {
        if (event.type === 'head') {
          const status = String(event.head.status);
          this.responses++;
          this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
          this.refusing = status !== '200' && this.firstRefusal === undefined;
          if (this.refusing) this.firstRefusal = `${status} ${event.head.reason}`;
        } else if (event.type === 'data' && this.refusing) this.refusal.push(event.data);
        else if (event.type === 'end' && this.refusing) {
          const text = Buffer.concat(this.refusal).toString('latin1', 0, 200).trim();
          if (text) this.firstRefusal += `: ${text}`;
          this.refusing = false;
          this.refusal = [];
        }
      }
    } catch {
      this.parsing = false; // the server's octets did not parse as responses: nothing more to count
    }
  }
}
