import { STATIC_TABLE_LENGTH } from './static-table.js';

/** RFC 7541 §4.1: an entry's size is its name's and value's lengths in octets plus 32. */
export const ENTRY_OVERHEAD = 32;

/** RFC 7541 §4.1: an entry's size, name and value octets plus 32. */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + ENTRY_OVERHEAD;
}

/**
 * RFC 7541 §2.3.2, §4: the dynamic table, a FIFO of fields whose sizes add up to at most `maxSize`. Index 1 is
 * the newest entry (index 62 on the wire, after the static table). With `searchable`, it also keeps maps from
 * name and from (name, value) to the newest entry, for an encoder.
 */
export class DynamicTable {
  /** The sum of the entries' sizes. */
  size = 0;
  private names: string[] = [];
  private values: string[] = [];
  private oldest = 0; // position of the oldest live entry in names/values
  private dropped = 0; // entries removed from the front of the arrays by compaction
  /** For an encoder: name -> its newest entry's id and each value's newest id (one lookup per name). */
  private readonly byName: Map<string, NameEntries> | undefined;

  constructor(
    public maxSize: number,
    searchable = false,
  ) {
    if (searchable) this.byName = new Map();
  }

  /** The number of entries. */
  get length(): number {
    return this.names.length - this.oldest;
  }

  /** The name of entry i (1 = newest); undefined when out of range. */
  nameAt(i: number): string | undefined {
    return i >= 1 && i <= this.length ? this.names[this.names.length - i] : undefined;
  }

  /** The value of entry i (1 = newest). */
  valueAt(i: number): string | undefined {
    return i >= 1 && i <= this.length ? this.values[this.values.length - i] : undefined;
  }

  /** The entries, newest first: for tests and traces. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i <= this.length; i++) out.push([this.nameAt(i)!, this.valueAt(i)!]);
    return out;
  }

  /**
   * RFC 7541 §4.4: adds a field, first evicting from the oldest end until it fits. A field larger than the whole
   * table empties it and is not added. Evicted fields are pushed onto `evicted` when it is given.
   */
  add(name: string, value: string, evicted?: Array<[string, string]>): void {
    const size = entrySize(name, value);
    this.evictTo(this.maxSize - size, evicted);
    if (size > this.maxSize) return;
    this.names.push(name);
    this.values.push(value);
    this.size += size;
    if (this.byName) {
      const id = this.dropped + this.names.length - 1;
      const entries = this.byName.get(name);
      if (entries) {
        entries.newest = id;
        entries.values.set(value, id);
      } else {
        this.byName.set(name, { newest: id, values: new Map([[value, id]]) });
      }
    }
  }

  /** RFC 7541 §4.3: a new maximum size evicts entries until the table fits. */
  setMaxSize(maxSize: number, evicted?: Array<[string, string]>): void {
    this.maxSize = maxSize;
    this.evictTo(maxSize, evicted);
  }

  /** The wire index (62 and up) of the newest entry equal to (name, value), or 0. */
  fieldIndexOf(name: string, value: string): number {
    const id = this.byName?.get(name)?.values.get(value);
    return id === undefined ? 0 : this.wireIndex(id);
  }

  /** The wire index of the newest entry with this name, or 0. */
  nameIndexOf(name: string): number {
    const id = this.byName?.get(name)?.newest;
    return id === undefined ? 0 : this.wireIndex(id);
  }

  private wireIndex(id: number): number {
    return STATIC_TABLE_LENGTH + this.dropped + this.names.length - id;
  }

  private evictTo(limit: number, evicted?: Array<[string, string]>): void {
    while (this.size > limit && this.length > 0) {
      const name = this.names[this.oldest]!;
      const value = this.values[this.oldest]!;
      this.size -= entrySize(name, value);
      if (this.byName) {
        const id = this.dropped + this.oldest;
        const entries = this.byName.get(name)!;
        // the oldest entry is the name's newest only when it is the last one with that name
        if (entries.newest === id) this.byName.delete(name);
        else if (entries.values.get(value) === id) entries.values.delete(value);
      }
      evicted?.push([name, value]);
      this.oldest++;
    }
    // compact now and then, so the arrays do not grow without bound
    if (this.oldest > 64 && this.oldest * 2 > this.names.length) {
      this.names = this.names.slice(this.oldest);
      this.values = this.values.slice(this.oldest);
      this.dropped += this.oldest;
      this.oldest = 0;
    }
  }
}

/** The entries of one name in a searchable table. */
interface NameEntries {
  newest: number;
  values: Map<string, number>;
}
