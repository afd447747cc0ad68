// Where the cache service keeps its keys: the interface, and the embedded in-memory store (the default).

/** A change to a key, as Watch reports it. */
export interface Change {
  kind: 'SET' | 'DELETE' | 'EXPIRE';
  key: string;
  value: Buffer;
}

/** A backend's failures that are the backend's being away (mapped to UNAVAILABLE), not a bad request. */
export class BackendUnavailable extends Error {}

export interface CacheBackend {
  readonly name: string;
  get(key: string): Promise<Buffer | undefined>;
  /** ttlSeconds > 0: expires after; undefined or 0: never. */
  set(key: string, value: Buffer, ttlSeconds?: number): Promise<void>;
  /** True when the key was there. */
  delete(key: string): Promise<boolean>;
  scan(prefix: string): AsyncIterable<[string, Buffer]>;
  /** Calls onChange for every change of a key with the prefix; returns the function that stops it. */
  watch(prefix: string, onChange: (change: Change) => void): () => void;
  /** Resolves once the changes watched are being delivered (when that takes a round trip). */
  watching?(): Promise<void>;
  close(): Promise<void>;
}

/** Keys in a Map; expiry by one timer per key with a TTL. At most `maxKeys` keys (then Set fails). */
export class MemoryBackend implements CacheBackend {
  readonly name = 'memory';
  private readonly values = new Map<string, Buffer>();
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  private readonly watchers = new Set<(change: Change) => void>();

  constructor(private readonly maxKeys = 100_000) {}

  async get(key: string): Promise<Buffer | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: Buffer, ttlSeconds?: number): Promise<void> {
    if (!this.values.has(key) && this.values.size >= this.maxKeys) throw new RangeError(`the cache holds its maximum of ${this.maxKeys} keys`);
    this.values.set(key, value);
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
    if (ttlSeconds) {
      const timer = setTimeout(() => this.remove(key, 'EXPIRE'), ttlSeconds * 1000);
      timer.unref();
      this.expiries.set(key, timer);
    }
    this.tell({ kind: 'SET', key, value });
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key, 'DELETE');
  }

  async *scan(prefix: string): AsyncIterable<[string, Buffer]> {
    for (const [key, value] of [...this.values]) if (key.startsWith(prefix)) yield [key, value];
  }

  watch(prefix: string, onChange: (change: Change) => void): () => void {
    const watcher = (change: Change) => change.key.startsWith(prefix) && onChange(change);
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  async close(): Promise<void> {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.watchers.clear();
  }

  private remove(key: string, kind: 'DELETE' | 'EXPIRE'): boolean {
    if (!this.values.delete(key)) return false;
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
    this.tell({ kind, key, value: Buffer.alloc(0) });
    return true;
  }

  private tell(change: Change): void {
    for (const watcher of this.watchers) watcher(change);
  }
}
