import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Connection, type ConnectionObserver, type ConnectionOptions } from '../http2/index.js';
import { Status, StatusError } from './status.js';

/** gRPC connection-backoff.md: the defaults for reconnecting after a failure. */
export interface BackoffOptions {
  initialBackoff?: number; // ms, default 1000
  multiplier?: number; // default 1.6
  jitter?: number; // default 0.2
  maxBackoff?: number; // ms, default 120000
}

/** Options of a channel: the connection's, transport, TLS, connect and idle timeouts, backoff, observer. */
export interface ChannelOptions extends Omit<ConnectionOptions, 'observer'> {
  /** Makes the transport instead of a TCP connection to host:port (any Duplex: a TLS socket, an in-memory pair). */
  createConnection?: (authority: string) => Duplex;
  /** Give up a connection attempt after this long. Default 20000 ms. */
  connectTimeout?: number;
  /**
   * Connect over TLS (node:tls) with ALPN "h2": ca, servername, cert/key for client certificates… The :scheme of
   * requests is then https. A server that does not negotiate h2 fails the call with UNAVAILABLE. Default: plaintext.
   */
  tls?: tls.ConnectionOptions;
  /** Close the connection after this long (ms) without a call; the next call reconnects. Default 30 minutes. */
  idleTimeout?: number;
  backoff?: BackoffOptions;
  /** Makes an observer for each new connection (tracing). */
  observer?: (socket: Duplex) => ConnectionObserver | undefined;
}

/**
 * A channel to one address: connects lazily on the first call, keeps one HTTP/2 connection for all calls, and after
 * a failure reconnects with exponential backoff (calls made during the backoff fail fast with UNAVAILABLE unless
 * they wait for ready).
 */
export class Channel {
  readonly host: string;
  readonly port: number;
  /** The :authority of requests. */
  readonly authority: string;
  /** The :scheme of requests: https over TLS. */
  readonly scheme: string;
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private failure: { error: Error; until: number } | undefined;
  private backoff: number;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<() => void> = [];
  /** The socket of a connection attempt in progress, so close() can end it. */
  private dialing: Duplex | undefined;

  constructor(
    target: string,
    private readonly options: ChannelOptions = {},
  ) {
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
    if (!match) throw new TypeError(`target ${JSON.stringify(target)} is not host:port`);
    this.host = match[1] ?? match[2]!;
    this.port = Number(match[3]);
    this.authority = target;
    this.scheme = options.tls ? 'https' : 'http';
    this.backoff = options.backoff?.initialBackoff ?? 1000;
  }

  /**
   * A connection that accepts new streams, connecting if there is none. With waitForReady, connection failures are
   * waited out (with the backoff) instead of failing the call; the call's deadline still applies.
   */
  async getConnection(waitForReady = false): Promise<Connection> {
    for (;;) {
      try {
        return await this.connectionNow(waitForReady);
      } catch (err) {
        if (!waitForReady || this.closed) throw err;
        this.retryTimer?.ref(); // someone waits for it now: keep the process alive until it fires
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    }
  }

  private connectionNow(waitForReady: boolean): Promise<Connection> {
    if (this.closed) return Promise.reject(new StatusError(Status.UNAVAILABLE, 'the channel is closed'));
    clearTimeout(this.idleTimer);
    const current = this.connection;
    if (current && current.acceptingStreams) return Promise.resolve(current);
    if (this.connecting) return this.connecting;
    if (this.failure && Date.now() < this.failure.until) {
      if (!waitForReady) return Promise.reject(new StatusError(Status.UNAVAILABLE, this.failure.error.message));
      this.retryTimer?.ref();
      return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.connectionNow(true));
    }
    this.connecting = this.connect();
    return this.connecting;
  }

  private connect(): Promise<Connection> {
    if (this.options.createConnection) return Promise.resolve(this.ready(this.options.createConnection(this.authority)));
    return new Promise<Connection>((resolve, reject) => {
      const secure = this.options.tls;
      const socket = secure
        ? tls.connect({ servername: net.isIP(this.host) ? undefined : this.host, ...secure, host: this.host, port: this.port, ALPNProtocols: ['h2'] })
        : net.connect({ host: this.host, port: this.port, noDelay: true });
      const timer = setTimeout(() => socket.destroy(new Error(`connecting to ${this.authority} timed out`)), this.options.connectTimeout ?? 20_000);
      this.dialing = socket;
      socket.once('error', (err) => {
        clearTimeout(timer);
        this.dialing = undefined;
        this.connecting = undefined;
        this.scheduleRetry(err);
        reject(new StatusError(Status.UNAVAILABLE, `cannot connect to ${this.authority}: ${err.message}`));
      });
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        this.dialing = undefined;
        if (secure && (socket as tls.TLSSocket).alpnProtocol !== 'h2') {
          socket.destroy(new Error(`${this.authority} did not negotiate HTTP/2 (ALPN h2) over TLS`));
          return;
        }
        resolve(this.ready(socket));
      });
    });
  }

  /** The transport is up: start HTTP/2 on it. */
  private ready(socket: Duplex): Connection {
    const { observer, ...options } = this.options;
    const connection = new Connection(socket, 'client', { ...options, observer: observer?.(socket) });
    this.connection = connection;
    this.connecting = undefined;
    this.failure = undefined;
    this.backoff = this.options.backoff?.initialBackoff ?? 1000;
    connection.on('close', () => {
      if (this.connection === connection) this.connection = undefined;
    });
    connection.on('idle', () => {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => connection.streams.size === 0 && connection.goaway(), this.options.idleTimeout ?? 30 * 60_000);
      this.idleTimer.unref();
    });
    return connection;
  }

  private scheduleRetry(error: Error): void {
    const b = this.options.backoff ?? {};
    const jitter = b.jitter ?? 0.2;
    const wait = this.backoff * (1 + jitter * (Math.random() * 2 - 1));
    this.failure = { error, until: Date.now() + wait };
    this.backoff = Math.min(this.backoff * (b.multiplier ?? 1.6), b.maxBackoff ?? 120_000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      for (const wake of this.waiters.splice(0)) wake();
    }, wait);
    this.retryTimer.unref();
  }

  /** Closes the connection (calls in flight end with GOAWAY semantics: they finish) and refuses new calls. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.dialing?.destroy(new Error('the channel was closed while connecting'));
    this.connection?.goaway();
    for (const wake of this.waiters.splice(0)) wake();
  }
}
