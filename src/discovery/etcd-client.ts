import { fileURLToPath } from 'node:url';
import { Channel, type ChannelOptions, type ClientCall, createClient, loadService, lookupAll, parseHostPort, type Resolver, type ResolverListener, type ServiceClient } from '../grpc/index.js';
import { AsyncQueue } from './async-queue.js';

// etcd v3's gRPC API (etcdserverpb), spoken by h2grpc's own client: KV Range/Put/DeleteRange, Lease
// LeaseGrant/LeaseRevoke/LeaseKeepAlive and Watch, the parts service discovery needs.

const RPC_PROTO = fileURLToPath(new URL('./protos/rpc.proto', import.meta.url));

/** A key and its value as etcd stores them (keys read as UTF-8 text). */
export interface KeyValue {
  key: string;
  value: Buffer;
  modRevision: number;
  lease: string;
}

/** A change seen by a watcher. */
export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  key: string;
  value: Buffer;
  modRevision: number;
}

/** Options of an etcd client: its channel's (TLS, backoff…) and each call's deadline. */
export interface EtcdOptions extends ChannelOptions {
  /** Each call's deadline (ms); a call waits this long for etcd to be reachable. Default 5000. */
  callTimeout?: number;
}

/** etcd's GetPrefixRangeEnd: the key just past every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all 0xff: every key from prefix on
}

type Raw = Record<string, unknown>;

/**
 * The key, or every key with it as prefix. A lone key leaves range_end out: etcd reads a range_end that is present
 * but empty as "\0", i.e. every key from `key` on (and a DeleteRange would delete them all).
 */
function keyRange(key: Buffer, prefix: boolean | undefined): { key: Buffer; range_end?: Buffer } {
  return prefix ? { key, range_end: prefixEnd(key) } : { key };
}

/**
 * A client of an etcd v3 cluster at `endpoints` ("http://127.0.0.1:2379" or "127.0.0.1:2379", several as a list
 * or comma-separated): one channel (pick_first over the endpoints) for KV, Lease and Watch.
 */
export class EtcdClient {
  readonly channel: Channel;
  private readonly kv: ServiceClient<'Range' | 'Put' | 'DeleteRange'>;
  private readonly leases: ServiceClient<'LeaseGrant' | 'LeaseRevoke' | 'LeaseKeepAlive'>;
  private readonly watcher: ServiceClient<'Watch'>;
  private readonly timeout: number;

  constructor(endpoints: string | string[], options: EtcdOptions = {}) {
    const list = (Array.isArray(endpoints) ? endpoints : endpoints.split(',')).map((e) => e.trim()).filter(Boolean);
    if (list.length === 0) throw new TypeError('etcd: no endpoint given (e.g. http://127.0.0.1:2379)');
    const hosts = list.map((e) => {
      const url = /^(https?):\/\/([^/]+)\/?$/.exec(e);
      if (e.includes('://') && !url) throw new TypeError(`etcd endpoint ${JSON.stringify(e)} is not http://host:port`);
      return parseHostPort(url ? url[2]! : e, 'etcd endpoint', 2379);
    });
    this.timeout = options.callTimeout ?? 5000;
    const resolver = (): Resolver => new EndpointsResolver(hosts);
    // etcd comes back within seconds of a restart: reconnect soon, not after gRPC's default two minutes
    const backoff = { initialBackoff: 250, maxBackoff: 5000, ...options.backoff };
    this.channel = new Channel('etcd-endpoints:///', { ...options, backoff, resolvers: { ...options.resolvers, 'etcd-endpoints': resolver } });
    const shared = { channel: this.channel };
    this.kv = createClient('', loadService(RPC_PROTO, 'etcdserverpb.KV'), shared);
    this.leases = createClient('', loadService(RPC_PROTO, 'etcdserverpb.Lease'), shared);
    this.watcher = createClient('', loadService(RPC_PROTO, 'etcdserverpb.Watch'), shared);
  }

  /** Puts key = value, attached to `lease` if given. Resolves with the store's revision. */
  async put(key: string, value: string | Buffer, options: { lease?: string } = {}): Promise<number> {
    const r = await this.kv.Put({ key: Buffer.from(key), value: Buffer.from(value), lease: options.lease ?? '0' }, this.callOptions());
    return Number((r.header as Raw).revision);
  }

  /** The key (or with `prefix`, every key starting with it) and the store's revision at the time. */
  async range(key: string, options: { prefix?: boolean } = {}): Promise<{ kvs: KeyValue[]; revision: number }> {
    const start = Buffer.from(key);
    const r = await this.kv.Range(keyRange(start, options.prefix), this.callOptions());
    return { kvs: (r.kvs as Raw[]).map(keyValue), revision: Number((r.header as Raw).revision) };
  }

  /** The value of one key, or undefined. */
  async get(key: string): Promise<Buffer | undefined> {
    return (await this.range(key)).kvs[0]?.value;
  }

  /** Deletes the key (or every key with the prefix); resolves with how many were deleted. */
  async delete(key: string, options: { prefix?: boolean } = {}): Promise<number> {
    const start = Buffer.from(key);
    const r = await this.kv.DeleteRange(keyRange(start, options.prefix), this.callOptions());
    return Number(r.deleted);
  }

  /** A new lease of `ttl` seconds: its ID (a decimal string: etcd's IDs are 64-bit) and the TTL etcd granted. */
  async grant(ttl: number): Promise<{ id: string; ttl: number }> {
    const r = await this.leases.LeaseGrant({ TTL: String(ttl), ID: '0' }, this.callOptions());
    if (r.error) throw new Error(`etcd refused the lease: ${r.error}`);
    return { id: String(r.ID), ttl: Number(r.TTL) };
  }

  /** Revokes a lease: every key attached to it is deleted. */
  async revoke(id: string): Promise<void> {
    await this.leases.LeaseRevoke({ ID: id }, this.callOptions());
  }

  /**
   * Keeps a lease alive over one LeaseKeepAlive stream, renewing it every `ttl / 3` seconds. `lost` resolves with
   * the reason when the stream fails or etcd says the lease expired; stop() ends the stream.
   */
  keepAlive(id: string, ttl: number): LeaseKeeper {
    return new LeaseKeeper(this.leases, id, ttl);
  }

  /**
   * Watches a key (or a prefix) from `startRevision` (0: from now): `onEvents` hears each batch of changes in
   * order. `ended` rejects when the stream fails or etcd cancels the watcher (a compacted revision); cancel() ends it.
   */
  watch(key: string, options: { prefix?: boolean; startRevision?: number }, onEvents: (events: WatchEvent[], revision: number) => void): Watcher {
    return new Watcher(this.watcher, key, options, onEvents);
  }

  close(): void {
    this.channel.close();
  }

  /** Each call waits out a reconnection (etcd restarting) up to its deadline instead of failing at once. */
  private callOptions() {
    return { timeout: this.timeout, waitForReady: true };
  }
}

function keyValue(kv: Raw): KeyValue {
  return { key: (kv.key as Buffer).toString(), value: Buffer.from(kv.value as Uint8Array), modRevision: Number(kv.mod_revision), lease: String(kv.lease) };
}

/** Renews one lease over a LeaseKeepAlive stream. */
export class LeaseKeeper {
  /** Resolves with why the lease can no longer be relied on (never rejects). */
  readonly lost: Promise<Error>;
  private readonly requests = new AsyncQueue<{ ID: string }>(1);
  private readonly call: ClientCall<Raw>;
  private timer: NodeJS.Timeout;
  private stopped = false;

  constructor(client: ServiceClient<'LeaseKeepAlive'>, id: string, ttl: number) {
    const call: ClientCall<Raw> = client.LeaseKeepAlive(this.requests);
    this.call = call;
    const renew = () => this.requests.offer({ ID: id });
    renew();
    this.timer = setInterval(renew, Math.max(500, (ttl * 1000) / 3));
    this.timer.unref();
    this.lost = (async () => {
      try {
        for await (const response of call) {
          if (Number(response.TTL) <= 0) return new Error(`etcd lease ${id} expired`);
        }
        return new Error('the keep-alive stream ended');
      } catch (err) {
        return err as Error;
      } finally {
        this.stop();
      }
    })();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.requests.end();
    this.call.cancel();
  }
}

/** One watcher on its own Watch stream. */
export class Watcher {
  readonly ended: Promise<void>;
  private readonly requests = new AsyncQueue<Raw>(4);
  private readonly call: ClientCall<Raw>;
  private cancelled = false;

  constructor(client: ServiceClient<'Watch'>, key: string, options: { prefix?: boolean; startRevision?: number }, onEvents: (events: WatchEvent[], revision: number) => void) {
    const start = Buffer.from(key);
    this.requests.offer({
      create_request: { ...keyRange(start, options.prefix), start_revision: String(options.startRevision ?? 0) },
    });
    const call: ClientCall<Raw> = client.Watch(this.requests);
    this.call = call;
    this.ended = (async () => {
      try {
        for await (const r of call) {
          if (r.canceled) throw new Error(`etcd cancelled the watch: ${(r.cancel_reason as string) || `revision compacted to ${r.compact_revision}`}`);
          const events = (r.events as Raw[]).map((e) => {
            const kv = keyValue(e.kv as Raw);
            return { type: e.type as 'PUT' | 'DELETE', key: kv.key, value: kv.value, modRevision: kv.modRevision };
          });
          if (events.length > 0) onEvents(events, Number((r.header as Raw).revision));
        }
        if (!this.cancelled) throw new Error('the watch stream ended');
      } catch (err) {
        if (!this.cancelled) throw err;
      }
    })();
    this.ended.catch(() => {});
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.requests.end();
    this.call.cancel();
  }
}

/** The etcd endpoints, each host looked up once per resolution. */
class EndpointsResolver implements Resolver {
  readonly authority: string;
  private listener: ResolverListener | undefined;

  constructor(private readonly hosts: Array<{ host: string; port: number }>) {
    this.authority = `${hosts[0]!.host}:${hosts[0]!.port}`;
  }

  start(listener: ResolverListener): void {
    this.listener = listener;
    this.refresh();
  }

  refresh(): void {
    const listener = this.listener;
    if (!listener) return;
    Promise.all(this.hosts.map(async ({ host, port }) => (await lookupAll(host)).map((h) => ({ host: h, port }))))
      .then((found) => listener.onAddresses(found.flat()), (err: Error) => listener.onError(err));
  }

  close(): void {
    this.listener = undefined;
  }
}
