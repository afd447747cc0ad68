import { EventEmitter } from 'node:events';
import type { EtcdClient } from './etcd-client.js';

// Service registration in etcd, laid out as etcd's own gRPC naming package (go.etcd.io/etcd/client/v3/naming)
// does: key "<service>/<address>", value {"Addr":"host:port"}, under a lease kept alive while the server lives; so
// Go clients using etcd's resolver find our servers, and our etcd:/// resolver finds Go servers registered by it.

/** Which server to register, where, and for how long a silent one stays listed. */
export interface RegisterOptions {
  etcd: EtcdClient;
  /** The service name clients resolve: `etcd:///<service>`. */
  service: string;
  /** The address clients connect to, "host:port" (`server.address`). */
  address: string;
  /** The lease's TTL in seconds: a server that dies without revoking disappears this long after. Default 10. */
  ttl?: number;
  /** The first wait (ms) before registering again after etcd failed; doubles up to maxBackoff. Default 500. */
  initialBackoff?: number;
  /** Default 10000 ms. */
  maxBackoff?: number;
}

/** The key and value a server registers under (etcd naming's endpoint layout). */
export function endpointEntry(service: string, address: string): { key: string; value: string } {
  return { key: `${service}/${address}`, value: JSON.stringify({ Addr: address }) };
}

/**
 * Keeps one server registered in etcd: grants a lease, puts its endpoint key under it and keeps the lease alive;
 * when etcd is unreachable or the lease is lost it retries with backoff and registers again once etcd is back.
 * Events: 'registered' (lease id), 'lost' (the error). close() revokes the lease, removing the key at once (call it
 * before `server.shutdown()`).
 */
export class Registrar extends EventEmitter {
  readonly key: string;
  private readonly value: string;
  private readonly ttl: number;
  private lease: string | undefined;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private stopKeeper: (() => void) | undefined;
  private readonly loop: Promise<void>;
  /** Resolves when the server is first registered. */
  readonly registered: Promise<void>;

  constructor(private readonly options: RegisterOptions) {
    super();
    const entry = endpointEntry(options.service, options.address);
    this.key = entry.key;
    this.value = entry.value;
    this.ttl = options.ttl ?? 10;
    if (!(Number.isInteger(this.ttl) && this.ttl >= 1)) throw new TypeError(`register: ttl must be a whole number of seconds >= 1, not ${options.ttl}`);
    this.registered = new Promise((resolve) => this.once('registered', () => resolve()));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { etcd } = this.options;
    let backoff = this.options.initialBackoff ?? 500;
    while (!this.closed) {
      let reason: Error;
      try {
        const lease = await etcd.grant(this.ttl);
        this.lease = lease.id;
        await etcd.put(this.key, this.value, { lease: lease.id });
        if (this.closed) break;
        const keeper = etcd.keepAlive(lease.id, lease.ttl);
        this.stopKeeper = () => keeper.stop();
        backoff = this.options.initialBackoff ?? 500;
        this.emit('registered', lease.id);
        reason = await keeper.lost;
      } catch (err) {
        reason = err as Error;
      }
      if (this.closed) break;
      this.emit('lost', reason);
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        setTimeout(resolve, backoff).unref();
      });
      backoff = Math.min(backoff * 2, this.options.maxBackoff ?? 10_000);
    }
  }

  /** Stops keeping the lease and revokes it, so the key goes at once; an unreachable etcd gets the client's call deadline. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopKeeper?.();
    this.wakeUp?.();
    await this.loop;
    if (this.lease) await this.options.etcd.revoke(this.lease).catch(() => {});
  }
}

/**
 * Registers a server in etcd and resolves once it is registered, so a client made right after finds it; while etcd
 * is unreachable it keeps trying (see Registrar). `new Registrar(options)` starts the same without waiting.
 */
export async function register(options: RegisterOptions): Promise<Registrar> {
  const registrar = new Registrar(options);
  await registrar.registered;
  return registrar;
}
