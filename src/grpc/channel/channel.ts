import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Connection } from '../../http2/index.js';
import type { ConnectivityState } from './connectivity.js';
import type { HealthChecker } from './health-checker.js';
import { type LoadBalancer, PickFirst, policyName, RoundRobin } from './load-balancer.js';
import { builtInResolvers } from './built-in-resolvers.js';
import type { Resolver, ResolverFactory, ResolverOptions } from './resolver.js';
import type { ServiceConfig } from './service-config.js';
import { type CallObservers, type CallTransport, type ChannelObserver, Status, StatusError } from '../call/index.js';
import type { ChannelNode, ChannelzRegistry } from '../channelz/index.js';
import { Subchannel, type SubchannelOptions } from './subchannel.js';
import { parseHostPort, parseTarget, type SubchannelAddress } from './target.js';

export type { BackoffOptions } from './subchannel.js';

/** Options of a channel: how its subchannels connect, its resolvers, its service config. */
export interface ChannelOptions extends SubchannelOptions, ResolverOptions {
  /** Resolvers for schemes of your own (`etcd`, `consul`…), or replacements of dns, ipv4, ipv6, unix. */
  resolvers?: Record<string, ResolverFactory>;
  /** The :authority of requests (and the TLS server name). Default: from the target (dns: host:port). */
  authority?: string;
  /** gRPC service config: load balancing, health checking, retries. A resolver's own config takes precedence. */
  serviceConfig?: ServiceConfig;
  /** gRFC A14: count this channel's calls, subchannels and sockets into this registry. Default: not counted. */
  channelz?: ChannelzRegistry;
  /**
   * Observes the calls (gRFC A66, A72) and, through its `channel()`, this channel's connections (gRFC A79):
   * `await openTelemetry({ meterProvider, enableMetrics: ['grpc.subchannel.open_connections'] })`. Default none.
   */
  telemetry?: CallObservers;
}

/**
 * A channel to a target: a resolver turns the target into addresses, a load-balancing policy (pick_first or
 * round_robin, chosen by the service config) keeps a subchannel per address and picks one for each call. It is
 * IDLE until the first call; calls wait while it connects, fail fast with UNAVAILABLE in TRANSIENT_FAILURE unless
 * they wait for ready. `state` and the 'state' event (and `watchState`) tell its connectivity.
 */
export class Channel extends EventEmitter {
  /** The :authority of requests. */
  readonly authority: string;
  /** The :scheme of requests: https over TLS. */
  readonly scheme: string;
  private readonly resolver: Resolver;
  private resolving = false;
  private balancer: LoadBalancer | undefined;
  private policy: string | undefined;
  private current: ConnectivityState = 'IDLE';
  private resolverError: Error | undefined;
  private closed = false;
  private readonly waiters: Array<() => void> = [];
  private waitingForReady = 0;
  private readonly servername: string | undefined;
  /**
   * gRPC health-checking.md: what watches a connection's health when the service config asks for it. A Client sets
   * it on its channel (before the first call); without one, connections count as healthy.
   */
  healthChecker: HealthChecker | undefined;
  /** A new policy takes its first addresses: its state changes are told once, after. */
  private starting = false;

  /** The target as a URI with its scheme (gRFC A66's grpc.target): "dns:///localhost:50051" for "localhost:50051". */
  readonly canonicalTarget: string;
  /** The channel as channelz knows it, when its options gave a registry. */
  readonly channelz: { registry: ChannelzRegistry; node: ChannelNode } | undefined;
  /** gRFC A79: what is told of the subchannels' connections (undefined: nothing). */
  private readonly observer: ChannelObserver | undefined;

  constructor(
    readonly target: string,
    private readonly options: ChannelOptions = {},
  ) {
    super();
    const resolvers = { ...builtInResolvers(), ...options.resolvers };
    const parsed = parseTarget(target, new Set(Object.keys(resolvers)));
    this.resolver = resolvers[parsed.scheme]!(parsed, options);
    // gRFC A66 grpc.target: the target URI with its scheme, "dns:///host:port" for a bare "host:port"
    this.canonicalTarget = target.toLowerCase().startsWith(`${parsed.scheme}:`) ? target : `${parsed.scheme}:///${target}`;
    this.authority = options.authority ?? this.resolver.authority;
    this.scheme = options.tls ? 'https' : 'http';
    const host = hostOf(this.authority);
    this.servername = host !== undefined && !net.isIP(host) ? host : undefined;
    const registry = options.channelz;
    this.channelz = registry && { registry, node: registry.addChannel(target, () => this.current) };
    this.observer = options.telemetry?.channel?.(this.canonicalTarget);
  }

  /** gRPC connectivity: IDLE, CONNECTING, READY, TRANSIENT_FAILURE or SHUTDOWN. */
  get state(): ConnectivityState {
    return this.current;
  }

  /** Resolves with the new state once it differs from `from`, or with the same state after `timeout` ms. */
  watchState(from: ConnectivityState, timeout = Infinity): Promise<ConnectivityState> {
    if (this.current !== from) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeout) ? setTimeout(() => done(this.current), timeout) : undefined;
      const done = (state: ConnectivityState) => {
        clearTimeout(timer);
        this.off('state', done);
        resolve(state);
      };
      this.on('state', done);
    });
  }

  /** The subchannels of the policy now, with their addresses and states (for observing and tests). */
  get subchannels(): ReadonlyArray<{ address: string; state: ConnectivityState }> {
    return (this.balancer?.subchannels ?? []).map((s) => ({ address: s.key, state: s.state }));
  }

  /** Starts connecting if IDLE (a call does this by itself). */
  connect(): void {
    if (this.closed) return;
    if (!this.resolving) return this.startResolving();
    this.balancer?.exitIdle();
  }

  /**
   * An HTTP/2 connection for a new call from the policy's pick. While the channel connects the call waits; in
   * TRANSIENT_FAILURE it fails with UNAVAILABLE unless it waits for ready (its deadline still applies).
   */
  async getConnection(waitForReady = false): Promise<Connection> {
    const picked = await this.pickTransport(waitForReady);
    if (!(picked instanceof Connection)) throw new StatusError(Status.UNAVAILABLE, 'the channel speaks HTTP/1.1: use getTransport()');
    return picked;
  }

  /** Where a new call opens its stream: an HTTP/2 connection (getConnection), or the HTTP/1.1 pool of a subchannel. */
  getTransport(waitForReady = false): Promise<CallTransport> {
    return this.options.httpVersion === '1.1' ? this.pickTransport(waitForReady) : this.getConnection(waitForReady);
  }

  private async pickTransport(waitForReady: boolean): Promise<CallTransport> {
    for (;;) {
      if (this.closed) throw new StatusError(Status.UNAVAILABLE, 'the channel is closed');
      const picked = this.balancer?.pick();
      if (picked) return picked;
      if (!waitForReady && this.current === 'TRANSIENT_FAILURE') {
        throw new StatusError(Status.UNAVAILABLE, (this.balancer?.lastError ?? this.resolverError)?.message ?? 'no address is reachable');
      }
      this.connect();
      if (waitForReady) {
        this.waitingForReady++;
        for (const s of this.balancer?.subchannels ?? []) s.holdProcess();
      }
      try {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      } finally {
        if (waitForReady) this.waitingForReady--;
      }
    }
  }

  /** Closes every subchannel (calls in flight finish: GOAWAY) and refuses new calls. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.resolver.close();
    this.balancer?.close();
    this.setState('SHUTDOWN');
    this.channelz?.node.remove();
    this.wake();
  }

  private startResolving(): void {
    this.resolving = true;
    this.setState('CONNECTING');
    this.resolver.start({
      onAddresses: (addresses, config) => this.onAddresses(addresses, config),
      onError: (error) => {
        if (this.closed) return;
        this.resolverError = error;
        // with no list yet, the calls have nowhere to go; with one, it stays in use
        if (!this.balancer) this.setState('TRANSIENT_FAILURE');
        this.wake();
      },
    });
  }

  private onAddresses(addresses: SubchannelAddress[], config?: ServiceConfig): void {
    if (this.closed) return;
    this.resolverError = undefined;
    const serviceConfig = config ?? this.options.serviceConfig;
    const policy = policyName(serviceConfig);
    const healthService = serviceConfig?.healthCheckConfig?.serviceName;
    if (!this.balancer || policy !== this.policy) {
      this.balancer?.close();
      this.policy = policy;
      const helper = {
        createSubchannel: (address: SubchannelAddress) =>
          new Subchannel(address, this.options, {
            servername: this.servername,
            authority: this.authority,
            scheme: this.scheme,
            healthService,
            checkHealth: this.healthChecker,
            channelz: this.channelz?.node,
            observer: this.observer,
            policy,
            waiting: () => this.waitingForReady > 0,
            changed: (s: Subchannel) => this.balancer?.subchannelChanged(s),
          }),
        updated: () => {
          if (this.starting) return;
          if (this.balancer) this.setState(this.balancer.state);
          this.wake();
        },
        refreshResolution: () => this.resolver.refresh(),
      };
      this.balancer = policy === 'round_robin' ? new RoundRobin(helper) : new PickFirst(helper);
      // a new policy starts connecting at once (the channel resolves only when a call wants it): one state change
      this.starting = true;
      this.balancer.update(addresses);
      this.balancer.exitIdle();
      this.starting = false;
      helper.updated();
      return;
    }
    this.balancer.update(addresses);
  }

  private setState(state: ConnectivityState): void {
    if (state === this.current || this.current === 'SHUTDOWN') return;
    this.current = state;
    if (this.channelz) this.channelz.node.stateChanged(state);
    this.emit('state', state);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

function hostOf(authority: string): string | undefined {
  try {
    return parseHostPort(authority, 'authority').host;
  } catch {
    return undefined;
  }
}
