import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Connection, type ConnectionObserver, type ConnectionOptions } from '../../http2/index.js';
import type { CallTransport, ChannelObserver } from '../call/index.js';
import { Http1Pool, type Http1PoolOptions } from './http1-pool.js';
import type { ConnectivityState } from './connectivity.js';
import type { ChannelNode } from '../channelz/index.js';
import type { HealthChecker } from './health-checker.js';
import { addressText, type SubchannelAddress } from './target.js';
import { closeReason, goawayReason, SHUTDOWN_REASON } from './disconnect-reason.js';

/** gRPC connection-backoff.md: the defaults for reconnecting after a failure. */
export interface BackoffOptions {
  initialBackoff?: number; // ms, default 1000
  multiplier?: number; // default 1.6
  jitter?: number; // default 0.2
  maxBackoff?: number; // ms, default 120000
}

/** How a subchannel connects: the connection's options, transport, TLS, timeouts, backoff, observer. */
export interface SubchannelOptions extends Omit<ConnectionOptions, 'observer'> {
  /** Makes the transport instead of a socket to the address (any Duplex: a TLS socket, an in-memory pair). */
  createConnection?: (address: string) => Duplex;
  /** Give up a connection attempt after this long. Default 20000 ms. */
  connectTimeout?: number;
  /** Connect over TLS (node:tls) with ALPN "h2" ("http/1.1" under httpVersion '1.1'). Default: plaintext. */
  tls?: tls.ConnectionOptions;
  /**
   * The HTTP version of the connections: '2' (gRPC needs it), or '1.1' for gRPC-Web and Connect through proxies and
   * servers that speak nothing else (a pool of kept-alive connections, see `http1`). Default '2'.
   */
  httpVersion?: '2' | '1.1';
  /** The HTTP/1.1 connection pool's bounds (httpVersion '1.1'): maxConnections 16, maxPending 1024. */
  http1?: Http1PoolOptions;
  /** Close a connection after this long (ms) without a call; the next call reconnects. Default 30 minutes. */
  idleTimeout?: number;
  backoff?: BackoffOptions;
  /** Makes an observer for each new connection (tracing). */
  observer?: (socket: Duplex) => ConnectionObserver | undefined;
}

/** What a subchannel needs from its channel. */
export interface SubchannelHelper {
  /** The TLS server name when the channel's target is a name (not an IP address). */
  servername: string | undefined;
  /** The :authority and :scheme of the health-checking calls. */
  authority: string;
  scheme: string;
  /** gRPC health-checking.md: Watch this service on every connection; READY only while it is SERVING. */
  healthService: string | undefined;
  /** Starts the health check of a connection (undefined: no checker was given to the channel). */
  checkHealth: HealthChecker | undefined;
  /** True while calls wait for this channel to be ready: backoff timers then keep the process alive. */
  waiting(): boolean;
  /** The subchannel changed state. */
  changed(subchannel: Subchannel): void;
  /** gRFC A14: the channel as channelz knows it (undefined: channelz is off), parent of the subchannel's node. */
  channelz?: ChannelNode;
  /** gRFC A79: told of each connection attempt, connection and disconnection (undefined: nothing is told). */
  observer?: ChannelObserver;
  /** The channel's load-balancing policy, as the observer is told it. */
  policy: string;
}

/**
 * One address of a channel and its one HTTP/2 connection, with gRPC's connectivity states: IDLE until asked to
 * connect, CONNECTING, READY (and, under health checking, only while the server reports SERVING), after a failure
 * TRANSIENT_FAILURE for an exponential backoff, then IDLE again; a connection that closes or receives GOAWAY
 * returns it to IDLE (its calls in flight finish on the old connection). SHUTDOWN is final.
 */
export class Subchannel {
  readonly key: string;
  state: ConnectivityState = 'IDLE';
  /** Why the last attempt failed (or the health check's verdict). */
  lastError: Error | undefined;
  private connection: Connection | undefined;
  private pool: Http1Pool | undefined;
  private dialing: Duplex | undefined;
  private backoff: number;
  private backoffTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private health: { stop(): void } | undefined;
  /** The subchannel as channelz knows it (undefined: channelz is off). */
  readonly channelz: ChannelNode | undefined;
  /** The connection this subchannel closes itself (idle): its end is a "subchannel shutdown" (gRFC A94). */
  private closingIdle: Connection | undefined;

  constructor(
    readonly address: SubchannelAddress,
    private readonly options: SubchannelOptions,
    private readonly helper: SubchannelHelper,
  ) {
    this.key = addressText(address);
    this.backoff = options.backoff?.initialBackoff ?? 1000;
    this.channelz = helper.channelz?.addSubchannel(this.key, () => this.state);
  }

  /** The connection (HTTP/2) or connection pool (HTTP/1.1) for a new call, when READY. */
  get ready(): CallTransport | undefined {
    const connection = this.connection ?? this.pool;
    if (this.state !== 'READY' || !connection?.acceptingStreams) return undefined;
    clearTimeout(this.idleTimer);
    return connection;
  }

  /** Connects if IDLE; otherwise nothing (a backoff in progress runs its course). */
  requestConnection(): void {
    if (this.state !== 'IDLE') return;
    this.setState('CONNECTING');
    this.connect();
  }

  /** Final: no new calls; the connection's calls in flight finish (GOAWAY), then it closes. */
  shutdown(): void {
    if (this.state === 'SHUTDOWN') return;
    this.state = 'SHUTDOWN';
    clearTimeout(this.backoffTimer);
    clearTimeout(this.idleTimer);
    this.health?.stop();
    this.dialing?.destroy(new Error('the subchannel was shut down while connecting'));
    if (this.connection ?? this.pool) this.helper.observer?.disconnected(SHUTDOWN_REASON, this.helper.policy);
    this.connection?.goaway();
    this.connection = undefined;
    const pool = this.pool;
    this.pool = undefined;
    pool?.close();
    if (this.channelz) {
      this.channelz.stateChanged('SHUTDOWN');
      this.channelz.remove();
    }
  }

  /** A waiting call arrived: keep the process alive for the backoff in progress. */
  holdProcess(): void {
    this.backoffTimer?.ref();
  }

  private setState(state: ConnectivityState, error?: Error): void {
    if (this.state === 'SHUTDOWN') return;
    if (error) this.lastError = error;
    if (state === this.state) return;
    this.state = state;
    if (this.channelz) this.channelz.stateChanged(state, state === 'TRANSIENT_FAILURE' ? error?.message : undefined);
    this.helper.changed(this);
  }

  private connect(): void {
    this.dial().then(
      (socket) => {
        // createConnection's transport comes in the same turn: the subchannel may have shut down meanwhile (gRFC A94: not counted)
        if (this.state === 'SHUTDOWN') return void socket.destroy();
        return this.options.httpVersion === '1.1' ? this.upHttp1(socket) : this.up(socket);
      },
      (error: Error) => this.failed(error),
    );
  }

  /** A transport to the address: a socket, over TLS with ALPN h2 (or http/1.1) when asked. */
  private dial(): Promise<Duplex> {
    if (this.options.createConnection) return Promise.resolve(this.options.createConnection(this.key));
    const address = this.address;
    const secure = this.options.tls;
    const alpn = this.options.httpVersion === '1.1' ? 'http/1.1' : 'h2';
    const where = 'path' in address ? { path: address.path } : { host: address.host, port: address.port };
    const socket = secure
      ? tls.connect({ servername: this.helper.servername, ...secure, ...where, ALPNProtocols: [alpn] })
      : net.connect({ ...where, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error(`connecting to ${this.key} timed out`)), this.options.connectTimeout ?? 20_000);
    this.dialing = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', (err) => {
        clearTimeout(timer);
        if (this.dialing === socket) this.dialing = undefined;
        reject(new Error(`cannot connect to ${this.key}: ${err.message}`));
      });
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        if (this.dialing === socket) this.dialing = undefined;
        // RFC 7301: a server that chose no protocol (or another) cannot be spoken to as asked
        if (secure && (socket as tls.TLSSocket).alpnProtocol !== alpn) {
          socket.destroy();
          reject(new Error(`${this.key} did not negotiate ${alpn === 'h2' ? 'HTTP/2 (ALPN h2)' : 'HTTP/1.1 (ALPN http/1.1)'} over TLS`));
          return;
        }
        if (this.state === 'SHUTDOWN') {
          socket.destroy();
          reject(new Error('the subchannel was shut down while connecting'));
          return;
        }
        resolve(socket);
      });
    });
  }

  /** The first HTTP/1.1 connection is up: a pool on it, READY (health checking is HTTP/2's: not done here). */
  private upHttp1(socket: Duplex): void {
    const pool: Http1Pool = new Http1Pool(socket as net.Socket, () => this.dial() as Promise<net.Socket>, (error) => {
      if (this.pool !== pool) return;
      this.pool = undefined;
      // the pool ends when a redial fails with no connection left: a failed attempt (its connections are not counted)
      this.helper.observer?.connectionAttempt(false, this.helper.policy);
      this.setState('IDLE', error);
    }, this.options.http1);
    this.pool = pool;
    this.backoff = this.options.backoff?.initialBackoff ?? 1000;
    this.helper.observer?.connectionAttempt(true, this.helper.policy);
    this.setState('READY');
  }

  /** The transport is up: HTTP/2 on it. */
  private up(socket: Duplex): void {
    const { observer, ...options } = this.options;
    const connection = new Connection(socket, 'client', { ...options, observer: observer?.(socket) });
    this.connection = connection;
    if (this.channelz) this.channelz.addSocket(connection, 'path' in this.address ? { remote: { path: this.address.path } } : { remote: { name: this.key } });
    this.backoff = this.options.backoff?.initialBackoff ?? 1000;
    const watcher = this.helper.observer;
    if (watcher) {
      watcher.connectionAttempt(true, this.helper.policy);
      watcher.openConnections(1);
      connection.once('close', () => watcher.openConnections(-1));
    }
    const lost = (error: Error | undefined, reason: string) => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      const idle = this.closingIdle === connection;
      this.closingIdle = undefined;
      watcher?.disconnected(idle ? SHUTDOWN_REASON : reason, this.helper.policy);
      this.health?.stop();
      this.health = undefined;
      clearTimeout(this.idleTimer);
      this.setState('IDLE', error);
    };
    connection.on('close', (error?: Error) => lost(error, closeReason(error)));
    connection.on('goaway', (frame: { errorCode: number }) => lost(new Error(`${this.key} sent GOAWAY`), goawayReason(frame.errorCode)));
    connection.on('idle', () => {
      if (this.connection !== connection) return;
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (connection.streams.size > 0) return;
        this.closingIdle = connection;
        connection.goaway();
      }, this.options.idleTimeout ?? 30 * 60_000);
      this.idleTimer.unref();
    });
    const service = this.helper.healthService;
    // without a checker (a Channel made and used without a Client) the connection counts as healthy, as in grpc-go
    if (service === undefined || !this.helper.checkHealth) return this.setState('READY');
    // gRPC health-checking.md: CONNECTING until the server first says SERVING
    this.health = this.helper.checkHealth(connection, service, this.helper, (serving, reason) => {
      if (this.connection !== connection) return;
      if (serving) this.setState('READY');
      else this.setState('TRANSIENT_FAILURE', new Error(`${this.key} is not serving ${JSON.stringify(service)}: ${reason}`));
    });
  }

  /** A connection attempt failed: TRANSIENT_FAILURE for the backoff, then IDLE. */
  private failed(error: Error): void {
    if (this.state === 'SHUTDOWN') return;
    this.helper.observer?.connectionAttempt(false, this.helper.policy);
    const b = this.options.backoff ?? {};
    const jitter = b.jitter ?? 0.2;
    const wait = this.backoff * (1 + jitter * (Math.random() * 2 - 1));
    this.backoff = Math.min(this.backoff * (b.multiplier ?? 1.6), b.maxBackoff ?? 120_000);
    clearTimeout(this.backoffTimer);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.setState('IDLE');
    }, wait);
    if (!this.helper.waiting()) this.backoffTimer.unref();
    this.setState('TRANSIENT_FAILURE', error);
  }
}
