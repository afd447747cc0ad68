import type { ServiceConfig } from './service-config.js';
import type { SubchannelAddress, Target } from './target.js';

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
