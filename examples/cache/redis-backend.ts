// The cache's Redis backend, through ioredis: commands fail at once (UNAVAILABLE) while Redis is away, and ioredis
// reconnects by itself, so the service serves again as soon as Redis is back. Watch reads Redis's keyspace
// notifications on a second connection.
import { Redis, ReplyError } from 'ioredis';
import { BackendUnavailable, type CacheBackend, type Change } from './backend.js';

/** A glob pattern (SCAN MATCH, PSUBSCRIBE) that matches `text` literally. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

export class RedisBackend implements CacheBackend {
  readonly name: string;
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly watchers = new Set<{ prefix: string; onChange: (change: Change) => void }>();

  constructor(private readonly url: string) {
    this.name = `redis ${url}`;
    this.redis = new Redis(url, {
      enableOfflineQueue: false, // while Redis is down, fail now rather than queue without bound
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      lazyConnect: true,
    });
    this.redis.on('error', () => {}); // reconnection is ioredis's job; each command reports its own failure
  }

  /** Connects (within `timeout` ms; after that the service starts anyway and answers UNAVAILABLE until Redis is up). */
  async connect(timeout = 5000): Promise<boolean> {
    const ready = new Promise<boolean>((resolve) => {
      this.redis.once('ready', () => resolve(true));
      setTimeout(() => resolve(false), timeout).unref();
    });
    this.redis.connect().catch(() => {});
    const up = await ready;
    // Watch needs keyspace notifications; a Redis that refuses CONFIG keeps its own setting
    if (up) await this.redis.config('SET', 'notify-keyspace-events', 'KA').catch(() => {});
    return up;
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new BackendUnavailable(`Redis at ${this.url} is unavailable (${this.redis.status})`);
    try {
      return await run();
    } catch (err) {
      if (err instanceof ReplyError) throw err;
      throw new BackendUnavailable(`Redis at ${this.url} is unavailable: ${(err as Error).message}`);
    }
  }

  get(key: string): Promise<Buffer | undefined> {
    return this.command(async () => (await this.redis.getBuffer(key)) ?? undefined);
  }

  async set(key: string, value: Buffer, ttlSeconds?: number): Promise<void> {
    await this.command(() => (ttlSeconds ? this.redis.set(key, value, 'EX', ttlSeconds) : this.redis.set(key, value)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.command(() => this.redis.del(key))) > 0;
  }

  async *scan(prefix: string): AsyncIterable<[string, Buffer]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.command(() => this.redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 200));
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.command(() => this.redis.mgetBuffer(...keys));
      for (let i = 0; i < keys.length; i++) if (values[i]) yield [keys[i]!, values[i]!];
    } while (cursor !== '0');
  }

  watch(prefix: string, onChange: (change: Change) => void): () => void {
    const watcher = { prefix, onChange };
    this.watchers.add(watcher);
    if (!this.subscriber) {
      const subscriber = this.redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
      subscriber.on('error', () => {});
      this.subscribed = subscriber.psubscribe('__keyspace@*__:*').then(() => {}, () => {});
      subscriber.on('pmessage', (_pattern: string, channel: string, event: string) => void this.notify(channel.slice(channel.indexOf(':') + 1), event));
      this.subscriber = subscriber;
    }
    return () => this.watchers.delete(watcher);
  }

  /** Resolves once Redis has confirmed the subscription to keyspace notifications. */
  watching(): Promise<void> {
    return this.subscribed ?? Promise.resolve();
  }

  private async notify(key: string, event: string): Promise<void> {
    const targets = [...this.watchers].filter((w) => key.startsWith(w.prefix));
    if (targets.length === 0) return;
    let change: Change;
    if (event === 'set') change = { kind: 'SET', key, value: (await this.get(key).catch(() => undefined)) ?? Buffer.alloc(0) };
    else if (event === 'del') change = { kind: 'DELETE', key, value: Buffer.alloc(0) };
    else if (event === 'expired') change = { kind: 'EXPIRE', key, value: Buffer.alloc(0) };
    else return;
    for (const w of targets) w.onChange(change);
  }

  async close(): Promise<void> {
    this.watchers.clear();
    this.subscriber?.disconnect();
    this.redis.disconnect();
  }
}
