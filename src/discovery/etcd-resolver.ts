import { parseHostPort, type Resolver, type ResolverFactory, type ResolverListener, type SubchannelAddress, type Target } from '../grpc/index.js';
import type { EtcdClient, Watcher } from './etcd-client.js';

/**
 * The `etcd:///<service>` resolver: Ranges the keys "<service>/…", then Watches that prefix from the next revision
 * and tells the channel every change. Values are etcd naming's {"Addr":"host:port"} (entries that are not are
 * skipped). When etcd fails it keeps the last good list and starts over after a backoff.
 */
export function etcdResolver(etcd: EtcdClient, options: { initialBackoff?: number; maxBackoff?: number } = {}): ResolverFactory {
  return (target) => new EtcdResolver(etcd, target, options.initialBackoff ?? 500, options.maxBackoff ?? 10_000);
}

class EtcdResolver implements Resolver {
  readonly authority: string;
  private readonly prefix: string;
  private listener: ResolverListener | undefined;
  private readonly endpoints = new Map<string, SubchannelAddress>();
  private watcher: Watcher | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private hadList = false;

  constructor(
    private readonly etcd: EtcdClient,
    target: Target,
    private readonly initialBackoff: number,
    private readonly maxBackoff: number,
  ) {
    const service = target.endpoint;
    if (service.length === 0) throw new TypeError(`target ${JSON.stringify(target.text)} names no service: etcd:///<service>`);
    this.authority = service;
    this.prefix = `${service}/`;
  }

  start(listener: ResolverListener): void {
    this.listener = listener;
    void this.follow(this.initialBackoff);
  }

  refresh(): void {} // the watch keeps the list current

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.cancel();
  }

  /** Range, then Watch from the revision after it; on failure, again after a backoff. */
  private async follow(backoff: number): Promise<void> {
    try {
      const { kvs, revision } = await this.etcd.range(this.prefix, { prefix: true });
      if (this.closed) return;
      this.endpoints.clear();
      for (const kv of kvs) this.set(kv.key, kv.value);
      this.tell();
      const watcher = this.etcd.watch(this.prefix, { prefix: true, startRevision: revision + 1 }, (events) => {
        for (const e of events) {
          if (e.type === 'PUT') this.set(e.key, e.value);
          else this.endpoints.delete(e.key);
        }
        this.tell();
      });
      this.watcher = watcher;
      backoff = this.initialBackoff;
      await watcher.ended;
      if (this.closed) return;
      throw new Error('the etcd watch ended');
    } catch (err) {
      if (this.closed) return;
      // the channel keeps what it has; only a channel with no list yet hears of the failure
      if (!this.hadList) this.listener!.onError(new Error(`etcd resolver for ${JSON.stringify(this.authority)}: ${(err as Error).message}`));
      this.timer = setTimeout(() => void this.follow(Math.min(backoff * 2, this.maxBackoff)), backoff);
      this.timer.unref();
    }
  }

  private set(key: string, value: Buffer): void {
    try {
      const { Addr } = JSON.parse(value.toString()) as { Addr?: unknown };
      if (typeof Addr !== 'string') return;
      this.endpoints.set(key, parseHostPort(Addr, 'Addr', undefined));
    } catch {
      // not an endpoint entry: skipped
    }
  }

  private tell(): void {
    this.hadList = true;
    this.listener!.onAddresses([...this.endpoints.values()]);
  }
}
