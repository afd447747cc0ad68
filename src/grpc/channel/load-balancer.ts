import type { CallTransport } from '../call/index.js';
import type { ConnectivityState } from './connectivity.js';
import type { Subchannel } from './subchannel.js';
import { addressText, type SubchannelAddress } from './target.js';

// gRPC load-balancing.md: a policy owns the channel's subchannels, decides which to connect, and picks one for each
// call. The channel drives it: addresses from the resolver, subchannel state changes, picks.

/** What a policy needs from its channel. */
export interface BalancerHelper {
  createSubchannel(address: SubchannelAddress): Subchannel;
  /** The policy's aggregate state changed (or its set of ready subchannels did). */
  updated(): void;
  /** Ask the resolver for fresh addresses (a connection failed or closed). */
  refreshResolution(): void;
}

export interface LoadBalancer {
  readonly state: ConnectivityState;
  /** Why the policy is in TRANSIENT_FAILURE (the last subchannel error). */
  readonly lastError: Error | undefined;
  /** The resolver's complete current list. */
  update(addresses: SubchannelAddress[]): void;
  /** The connection of a READY subchannel for a new call, if there is one. */
  pick(): CallTransport | undefined;
  /** A call waits: start connecting if nothing is. */
  exitIdle(): void;
  /** One of this policy's subchannels changed state. */
  subchannelChanged(subchannel: Subchannel): void;
  readonly subchannels: readonly Subchannel[];
  close(): void;
}

/**
 * pick_first (gRPC's default): tries the addresses in order and uses the first that connects for every call. When
 * its connection goes, the channel goes IDLE until the next call; when every address fails it is in
 * TRANSIENT_FAILURE and keeps retrying each address after its backoff.
 */
export class PickFirst implements LoadBalancer {
  state: ConnectivityState = 'IDLE';
  lastError: Error | undefined;
  subchannels: Subchannel[] = [];
  private selected: Subchannel | undefined;
  /** The subchannel being tried, in a pass over the list. */
  private trying = -1;

  constructor(private readonly helper: BalancerHelper) {}

  update(addresses: SubchannelAddress[]): void {
    const keep = this.selected && addresses.some((a) => sameAddress(a, this.selected!.address)) ? this.selected : undefined;
    for (const s of this.subchannels) if (s !== keep) s.shutdown();
    this.subchannels = addresses.map((a) => (keep && sameAddress(a, keep.address) ? keep : this.helper.createSubchannel(a)));
    if (keep) return;
    const wasActive = this.state !== 'IDLE';
    this.selected = undefined;
    this.trying = -1;
    if (this.subchannels.length === 0) return this.set('TRANSIENT_FAILURE', new Error('the resolver returned no addresses'));
    if (wasActive) this.tryFrom(0);
    else this.set('IDLE');
  }

  pick(): CallTransport | undefined {
    return this.selected?.ready;
  }

  exitIdle(): void {
    if (this.state === 'IDLE' && this.subchannels.length > 0) this.tryFrom(0);
  }

  subchannelChanged(subchannel: Subchannel): void {
    if (!this.subchannels.includes(subchannel)) return;
    if (subchannel.state === 'READY') {
      // one connection only: any other attempt or backoff (retries after a failed pass run side by side) is
      // replaced by a fresh IDLE subchannel, in place, so a later pass still starts from the first address
      this.selected = subchannel;
      this.trying = -1;
      this.subchannels = this.subchannels.map((s) => (s === subchannel || s.state === 'IDLE' ? s : (s.shutdown(), this.helper.createSubchannel(s.address))));
      return this.set('READY');
    }
    if (subchannel === this.selected) {
      // the connection went away (or its health check failed): IDLE until the next call wants one
      this.selected = undefined;
      this.helper.refreshResolution();
      if (subchannel.state === 'TRANSIENT_FAILURE') return this.failedAttempt(subchannel);
      return this.set('IDLE');
    }
    if (subchannel.state === 'TRANSIENT_FAILURE') return this.failedAttempt(subchannel);
    // after a pass failed, each address is retried as its backoff ends
    if (subchannel.state === 'IDLE' && this.state === 'TRANSIENT_FAILURE') subchannel.requestConnection();
  }

  private failedAttempt(subchannel: Subchannel): void {
    const index = this.subchannels.indexOf(subchannel);
    if (this.trying !== -1 && index === this.trying && index + 1 < this.subchannels.length) return this.tryFrom(index + 1);
    this.trying = -1;
    this.helper.refreshResolution();
    this.set('TRANSIENT_FAILURE', subchannel.lastError);
  }

  private tryFrom(index: number): void {
    this.trying = index;
    if (this.state !== 'TRANSIENT_FAILURE') this.set('CONNECTING');
    const subchannel = this.subchannels[index]!;
    if (subchannel.state === 'IDLE') subchannel.requestConnection();
    else if (subchannel.state === 'TRANSIENT_FAILURE') this.failedAttempt(subchannel);
  }

  private set(state: ConnectivityState, error?: Error): void {
    if (error) this.lastError = error;
    this.state = state;
    this.helper.updated();
  }

  close(): void {
    for (const s of this.subchannels) s.shutdown();
    this.subchannels = [];
    this.selected = undefined;
  }
}

/**
 * round_robin: a subchannel for every address, all kept connected (each reconnects after its backoff), and the
 * calls spread over the READY ones in turn. READY while any is; CONNECTING while any connects; else TRANSIENT_FAILURE.
 */
export class RoundRobin implements LoadBalancer {
  state: ConnectivityState = 'IDLE';
  lastError: Error | undefined;
  private readonly byKey = new Map<string, Subchannel>();
  private readyList: Subchannel[] = [];
  private next = 0;

  constructor(private readonly helper: BalancerHelper) {}

  get subchannels(): readonly Subchannel[] {
    return [...this.byKey.values()];
  }

  update(addresses: SubchannelAddress[]): void {
    const wanted = new Map<string, SubchannelAddress>();
    for (const a of addresses) wanted.set(addressText(a), a);
    for (const [key, s] of this.byKey) {
      if (wanted.has(key)) continue;
      s.shutdown();
      this.byKey.delete(key);
    }
    for (const [key, a] of wanted) {
      if (this.byKey.has(key)) continue;
      const s = this.helper.createSubchannel(a);
      this.byKey.set(key, s);
      s.requestConnection();
    }
    this.recount();
  }

  pick(): CallTransport | undefined {
    const list = this.readyList;
    for (let tries = 0; tries < list.length; tries++) {
      const connection = list[this.next++ % list.length]!.ready;
      if (connection) return connection;
    }
    return undefined;
  }

  exitIdle(): void {
    for (const s of this.byKey.values()) s.requestConnection();
  }

  subchannelChanged(subchannel: Subchannel): void {
    if (subchannel.state === 'SHUTDOWN') return;
    if (subchannel.state === 'IDLE') {
      // lost or backed off: reconnect at once (gRPC round_robin keeps every subchannel connected)
      this.helper.refreshResolution();
      subchannel.requestConnection();
    }
    this.recount();
  }

  private recount(): void {
    const all = [...this.byKey.values()];
    this.readyList = all.filter((s) => s.state === 'READY');
    const failed = all.find((s) => s.state === 'TRANSIENT_FAILURE');
    if (failed) this.lastError = failed.lastError;
    if (all.length === 0) this.lastError = new Error('the resolver returned no addresses');
    this.state = this.readyList.length > 0 ? 'READY' : all.some((s) => s.state === 'CONNECTING' || s.state === 'IDLE') ? 'CONNECTING' : 'TRANSIENT_FAILURE';
    this.helper.updated();
  }

  close(): void {
    for (const s of this.byKey.values()) s.shutdown();
    this.byKey.clear();
    this.readyList = [];
  }
}

function sameAddress(a: SubchannelAddress, b: SubchannelAddress): boolean {
  if ('path' in a || 'path' in b) return 'path' in a && 'path' in b && a.path === b.path;
  return a.host === b.host && a.port === b.port;
}

/** gRPC A24: the policy a service config asks for, the first known one in loadBalancingConfig; pick_first otherwise. */
export function policyName(config: { loadBalancingConfig?: Array<Record<string, object>>; loadBalancingPolicy?: string } | undefined): 'pick_first' | 'round_robin' {
  for (const entry of config?.loadBalancingConfig ?? []) {
    const name = Object.keys(entry)[0];
    if (name === 'round_robin' || name === 'pick_first') return name;
  }
  const legacy = config?.loadBalancingPolicy?.toLowerCase();
  return legacy === 'round_robin' ? 'round_robin' : 'pick_first';
}
