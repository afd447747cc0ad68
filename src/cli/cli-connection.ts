import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { FrameType, type SettingsFrame } from '../frames/index.js';
import type { Connection, ConnectionObserver, FrameTrace, HeaderList, HpackTrace, StreamHandler } from '../http2/index.js';
import { Channel, type ClientOptions, type ResolverFactory, Status, StatusError } from '../grpc/index.js';
import { LocalError, UsageError } from './errors.js';
import type { RpcFlags } from './rpc-flags.js';

// How list, describe and call reach the server: the target the address names (host:port, dns:, ipv4:, ipv6:,
// unix:, etcd:///), TLS as the flags ask, and a channel that hands out a connection only once the server's HTTP/2
// SETTINGS have arrived within --connect-timeout (a server that accepts and stays silent is said so, in time). The
// channel also sees the header lists of the call (for -v, the details of a status) and puts --user-agent first.

/** The target for the channel: ADDRESS as given, or unix:PATH with --unix. A mistake in it is a UsageError. */
export function targetOf(address: string, flags: RpcFlags, resolvers: Record<string, ResolverFactory>): string {
  const target = flags.unix && !address.startsWith('unix:') ? `unix:${address}` : address;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(target)?.[1]?.toLowerCase();
  if (scheme === 'etcd' && !resolvers.etcd) throw new UsageError(`${address}: an etcd:/// address is resolved by etcd; give it with --etcd HOST:PORT`);
  if (scheme === undefined || !(scheme in resolvers) || scheme === 'dns' && /^dns:(\/\/[^/]*\/)?$/.test(target)) {
    // no scheme we know: host:port, as grpcurl takes it (a bare name has no default port here)
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d+$/.test(target)) {
      throw new UsageError(`"${address}" is not an address (host:port, dns:host[:port], ipv4:…, ipv6:…, unix:PATH or etcd:///NAME)`);
    }
  }
  try {
    new Channel(target, { resolvers }).close(); // the resolver reads the target: a mistake in it is said now
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return target;
}

function readPem(flag: string, file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch {
    throw new LocalError(`${flag} ${file}: no such file`);
  }
}

/** The connection as the flags ask: TLS unless --plaintext (as grpcurl), the timeouts, keepalive. */
export function connectionOptions(flags: RpcFlags): ClientOptions {
  let tls: ClientOptions['tls'];
  if (!flags.plaintext) {
    tls = {
      ca: readPem('--cacert', flags.cacert),
      cert: readPem('--cert', flags.cert),
      key: readPem('--key', flags.key),
      rejectUnauthorized: !flags.insecure,
    };
    if (flags.servername) tls.servername = flags.servername;
  }
  const options: ClientOptions = { tls, connectTimeout: flags.connectTimeout };
  if (flags.authority) options.authority = flags.authority;
  if (flags.keepaliveTime !== undefined) options.keepalive = { interval: flags.keepaliveTime, timeout: flags.keepaliveTime };
  return options;
}

/** What a CliChannel tells of its call (the last one started on it). */
export interface CallWatcher {
  /** The request's header list, as sent. */
  requestHeaders?(headers: HeaderList): void;
  /** The response headers (endStream false) or the trailers (endStream true), as received. */
  responseHeaders?(headers: HeaderList, endStream: boolean): void;
}

/** When the steps of connecting happened (ms since the epoch), for -vv. */
export interface ConnectTimes {
  tls?: boolean;
  asked?: number;
  transport?: number;
  settings?: number;
}

/** One connection's HTTP/2 handshake: the server's first SETTINGS, or the connection closed before them. */
class Handshake implements ConnectionObserver {
  settingsAt: number | undefined;
  closedBy: Error | undefined;
  ended = false;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly inner: ConnectionObserver | undefined) {}

  /** Resolves when SETTINGS arrived or the connection closed; false if `ms` passed first. */
  wait(ms: number): Promise<boolean> {
    if (this.settingsAt !== undefined || this.ended) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  preface(direction: 'in' | 'out'): void {
    this.inner?.preface?.(direction);
  }

  frame(trace: FrameTrace): void {
    if (trace.direction === 'in' && trace.frame.type === FrameType.SETTINGS && !(trace.frame as SettingsFrame).ack && this.settingsAt === undefined) {
      this.settingsAt = Date.now();
      this.wake();
    }
    this.inner?.frame?.(trace);
  }

  hpack(trace: HpackTrace): void {
    this.inner?.hpack?.(trace);
  }

  error(error: Error, streamId: number): void {
    this.inner?.error?.(error, streamId);
  }

  closed(error?: Error): void {
    this.ended = true;
    this.closedBy = error;
    this.wake();
    this.inner?.closed?.(error);
  }
}

export interface CliChannelOptions extends ClientOptions {
  /** The tracer of the connections (--trace), if any. */
  tracer?: (socket: Duplex) => ConnectionObserver | undefined;
  userAgent?: string;
  watcher?: CallWatcher;
}

/**
 * A channel whose connections are handed out once the server's SETTINGS arrived (within the connect timeout, counted
 * from the first call's ask), and whose requests carry --user-agent in front of ours.
 */
export class CliChannel extends Channel {
  readonly times: ConnectTimes;
  private readonly connectTimeout: number;
  private readonly userAgent: string | undefined;
  private readonly watcher: CallWatcher | undefined;

  constructor(target: string, options: CliChannelOptions) {
    const { tracer, userAgent, watcher, ...rest } = options;
    const times: ConnectTimes = { tls: !!rest.tls };
    super(target, {
      ...rest,
      observer: (socket) => {
        times.transport ??= Date.now();
        return new Handshake(tracer?.(socket));
      },
    });
    this.times = times;
    this.connectTimeout = rest.connectTimeout ?? 10_000;
    this.userAgent = userAgent;
    this.watcher = watcher;
  }

  override async getConnection(waitForReady?: boolean): Promise<Connection> {
    this.times.asked ??= Date.now();
    const connection = await super.getConnection(waitForReady);
    const handshake = connection.observer;
    if (handshake instanceof Handshake && handshake.settingsAt === undefined) {
      // the first connection's budget counts from the first ask (TCP and TLS took part of it); a later one's from now
      const since = this.times.settings === undefined ? this.times.asked : Date.now();
      const left = Math.max(0, since + this.connectTimeout - Date.now());
      const answered = await handshake.wait(left);
      if (!answered) {
        connection.destroy(new Error(`no HTTP/2 SETTINGS within ${this.connectTimeout / 1000} s`));
        throw new StatusError(Status.UNAVAILABLE, `no HTTP/2 answer within ${this.connectTimeout / 1000} s: the server accepted the connection and sent no SETTINGS frame`);
      }
      if (handshake.settingsAt === undefined) {
        const reason = handshake.closedBy?.message ?? 'the server closed the connection';
        throw new StatusError(Status.UNAVAILABLE, `${reason}, before the peer sent any HTTP/2 frame`);
      }
      this.times.settings ??= handshake.settingsAt;
    }
    return this.wrap(connection);
  }

  /** The connection as the call sees it: its request's user-agent with ours behind --user-agent, and watched. */
  private wrap(connection: Connection): Connection {
    const { userAgent, watcher } = this;
    if (userAgent === undefined && watcher === undefined) return connection;
    return new Proxy(connection, {
      get(target, property) {
        if (property === 'request') {
          return (headers: HeaderList, handler: StreamHandler, endStream?: boolean) => {
            const sent = userAgent === undefined ? headers : headers.map(([k, v]): [string, string] => (k === 'user-agent' ? [k, `${userAgent} ${v}`] : [k, v]));
            watcher?.requestHeaders?.(sent);
            return target.request(sent, watcher ? watched(handler, watcher) : handler, endStream);
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** The handler, with the header lists it is given told to the watcher first. */
function watched(handler: StreamHandler, watcher: CallWatcher): StreamHandler {
  return new Proxy(handler, {
    get(target, property) {
      if (property === 'onHeaders') {
        return (stream: Parameters<StreamHandler['onHeaders']>[0], headers: HeaderList, endStream: boolean) => {
          watcher.responseHeaders?.(headers, endStream);
          target.onHeaders(stream, headers, endStream);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A connection that failed before any call reached the server, said as what to do about it. */
export function connectionProblem(err: StatusError, address: string, flags: RpcFlags): LocalError | undefined {
  if (err.code !== Status.UNAVAILABLE) return undefined;
  const d = err.details;
  const seconds = `${flags.connectTimeout / 1000} s`;
  if (/the server answered in HTTP\/1\.x \(([^)]*)\)/.test(d)) {
    const line = /the server answered in HTTP\/1\.x \(([^)]*)\)/.exec(d)![1];
    return new LocalError(`${address} is an HTTP/1.x server, not HTTP/2 (it answered "${line}" to our HTTP/2 preface): is this the port of the gRPC server?`);
  }
  if (!flags.plaintext && /wrong version number|packet length too long|unknown protocol|before secure TLS connection|record layer failure|http request|unexpected eof|ECONNRESET|socket hang up/i.test(d)) {
    return new LocalError(`${address}: the TLS handshake failed (${tlsReason(d)}): the server may be plaintext; try --plaintext`);
  }
  if (/ECONNREFUSED/.test(d)) return new LocalError(`cannot connect to ${address}: connection refused; is the server running, on this port?`);
  if (/ENOENT/.test(d) && /unix|\//.test(address)) return new LocalError(`cannot connect to ${address}: no such socket; is the server running, listening there?`);
  if (/ENOTFOUND|EAI_AGAIN/.test(d)) return new LocalError(`cannot connect to ${address}: the host name does not resolve`);
  if (/no HTTP\/2 answer within/.test(d)) {
    const hint = flags.plaintext ? 'if it expects TLS, drop --plaintext' : 'is it a gRPC server?';
    return new LocalError(`${address} accepted the connection but gave no HTTP/2 answer within ${seconds} (--connect-timeout): no SETTINGS frame came; ${hint}`);
  }
  if (/the resolver returned no addresses/.test(d)) {
    const etcd = /^etcd:\/\/\/(.+)$/.exec(address)?.[1];
    return new LocalError(`${address} names no server${etcd ? `: etcd has no key under ${etcd}/ (is the server registered?)` : ''}`);
  }
  if (/timed out/.test(d)) return new LocalError(`cannot connect to ${address}: no answer within ${seconds} (--connect-timeout)`);
  if (/alert certificate required/i.test(d)) return new LocalError(`${address} asks for a client certificate: give it with --cert FILE --key FILE`);
  if (/alert (bad certificate|unknown ca|certificate unknown|certificate expired|certificate revoked|access denied)/i.test(d)) {
    return new LocalError(`${address} refused our client certificate (${/alert ([a-z ]+)/i.exec(d)![1]!.trim()}): is --cert signed by a CA it trusts?`);
  }
  if (/does not match certificate's altnames/i.test(d)) {
    const why = /(Hostname\/IP does not match certificate's altnames: [^\n]*?)(: )?$/m.exec(d)?.[1] ?? d;
    return new LocalError(`${address}: the server's certificate is for another name (${why}); give the name it carries with --authority NAME, or --insecure`);
  }
  if (/certificate|self.signed|unable to verify|altnames/i.test(d)) return new LocalError(`${address}: the server's certificate is not trusted (${d}); give its CA with --cacert FILE, or --insecure`);
  if (/did not negotiate HTTP\/2/.test(d)) return new LocalError(`${address} speaks TLS but not HTTP/2 (ALPN h2): is it the gRPC server's port?`);
  if (/before the peer sent any HTTP\/2 frame/.test(d)) {
    const hint = flags.plaintext ? 'if it expects TLS, drop --plaintext' : 'is it an HTTP/2 (gRPC) server?';
    return new LocalError(`${address} closed the connection without speaking HTTP/2 (${d}); ${hint}`);
  }
  if (/cannot connect/.test(d)) return new LocalError(d);
  return undefined;
}

/** The TLS library's words for what went wrong, without OpenSSL's file names and codes. */
function tlsReason(details: string): string {
  const known = /wrong version number|packet length too long|unknown protocol|record layer failure|http request|unexpected eof while reading|ECONNRESET|socket hang up|disconnected before secure TLS connection was established/i.exec(details);
  return known ? known[0] : details.replace(/^cannot connect to [^:]+(:\d+)?: /, '');
}
