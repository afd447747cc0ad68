// What both attackers (HTTP/2's frames, HTTP/1.1's octets) do with their socket: write within a time, flood, and
// wait for the server to close the connection.
import type net from 'node:net';

export abstract class SocketPeer {
  closed = false;
  closedAt = 0;
  readonly startedAt = Date.now();
  protected readonly onClose: Array<() => void> = [];

  protected constructor(readonly socket: net.Socket) {}

  /** The connection is gone: wakes whoever waits on it. */
  protected readonly markClosed = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.closedAt = Date.now();
    for (const wake of this.onClose.splice(0)) wake();
  };

  /** Writes octets; waits while the socket's buffer is full (up to `until`). False once the connection is closed. */
  async write(bytes: Uint8Array | string, until: number): Promise<boolean> {
    if (this.closed) return false;
    if (!this.socket.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.socket.off('drain', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, until - Date.now()));
        this.socket.once('drain', done);
        this.onClose.push(done);
      });
    }
    return !this.closed;
  }

  /** Writes `make(i)` for i = 0, 1, … until the connection closes, `count` writes, or the time `until`. */
  async flood(make: (i: number) => Uint8Array | string, count: number, until: number): Promise<number> {
    let i = 0;
    for (; i < count && Date.now() < until; i++) {
      if (!(await this.write(make(i), until))) break;
      if ((i & 63) === 63) await new Promise((r) => setImmediate(r)); // let the replies in
    }
    return i;
  }

  /** Waits until the connection closes or the time `until`; true if it closed. */
  async closedBy(until: number): Promise<boolean> {
    if (this.closed) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
      this.onClose.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closed;
  }
}
