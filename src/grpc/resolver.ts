import net from 'node:net';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { DnsResolver } from './dns-resolver.js';
import type { ServiceConfig } from './service-config.js';
import { parseHostPort, type SubchannelAddress, type Target } from './target.js';

// gRPC naming.md and the resolver API of grpc-go/grpc-js: a resolver turns a target into addresses (and maybe a
// service config) and tells the channel again whenever they change.

/** What a resolver tells its channel. */
export interface ResolverListener {
  /** The complete current list (replaces the last one); a service config from the resolver, if it has one. */
  onAddresses(addresses: SubchannelAddress[], serviceConfig?: ServiceConfig): void;
  /** Resolution failed; the channel keeps the last good list, if any. */
  onError(error: Error): void;
}

/** A running resolver, one per channel. */
export interface Resolver {
  /** The :authority of requests when the channel's options name none. */
  readonly authority: string;
  /** Starts resolving; the listener hears the first result, then every change. */
  start(listener: ResolverListener): void;
  /** The channel lost a connection or could not make one: resolve again (a resolver may rate-limit this). */
  refresh(): void;
  close(): void;
}

/**
 * Makes the resolver of a target of its scheme. It checks the target at once and throws a TypeError naming the
 * wrong part; resolving starts only at `start`.
 */
export type ResolverFactory = (target: Target, options: ResolverOptions) => Resolver;

/** What the built-in resolvers can be told through the channel's options. */
export interface ResolverOptions {
  /** dns: resolve again at most this often (ms), however often connections fail. Default 30000 (as gRPC). */
  dnsMinInterval?: number;
}

/** A fixed list of addresses, told once: ipv4:, ipv6:, unix:. */
export class StaticResolver implements Resolver {
  constructor(
    readonly authority: string,
    private readonly addresses: SubchannelAddress[],
  ) {}

  start(listener: ResolverListener): void {
    queueMicrotask(() => listener.onAddresses(this.addresses));
  }

  refresh(): void {}

  close(): void {}
}

/** ipv4:a[:p][,a[:p]…] and ipv6:[a]:p[,…] (or a bare address, port 443). */
function ipList(family: 4 | 6): ResolverFactory {
  return (target) => {
    if (target.endpoint.length === 0) throw new TypeError(`target ${JSON.stringify(target.text)} lists no address`);
    const addresses = target.endpoint.split(',').map((part) => {
      // a bare IPv6 address has colons of its own: it takes the default port
      const address = family === 6 && net.isIPv6(part) ? { host: part, port: 443 } : parseHostPort(part, `ipv${family} address`);
      if (net.isIP(address.host) !== family) {
        throw new TypeError(`target ${JSON.stringify(target.text)}: "${address.host}" is not an IPv${family} address`);
      }
      return address;
    });
    const first = addresses[0]!;
    return new StaticResolver(family === 6 ? `[${first.host}]:${first.port}` : `${first.host}:${first.port}`, addresses);
  };
}

/** unix:relative/or/absolute and unix:///absolute: one socket path, relative to the working directory. */
const unixResolver: ResolverFactory = (target) => {
  const path = target.endpoint;
  if (path.length === 0) throw new TypeError(`target ${JSON.stringify(target.text)} names no socket path`);
  if (target.authority !== '') throw new TypeError(`target ${JSON.stringify(target.text)}: unix targets have no authority (use unix:///absolute/path)`);
  return new StaticResolver('localhost', [{ path: isAbsolute(path) ? path : resolvePath(path) }]);
};

/** The schemes every channel knows; a client's `resolvers` option adds its own (or replaces these). */
export function builtInResolvers(): Record<string, ResolverFactory> {
  return {
    dns: (target, options) => new DnsResolver(target, options.dnsMinInterval ?? 30_000),
    ipv4: ipList(4),
    ipv6: ipList(6),
    unix: unixResolver,
  };
}
