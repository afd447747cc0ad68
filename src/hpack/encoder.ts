import { DynamicTable, entrySize } from './dynamic-table.js';
import { huffmanEncode, huffmanLength } from './huffman.js';
import { encodeInteger } from './integer.js';
import type { HpackObserver, Representation } from './representation.js';
import { STATIC_TABLE } from './static-table.js';

/** Fields sent never-indexed by default (RFC 7541 §7.1.3): credentials and cookies. */
export const DEFAULT_SENSITIVE = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** Fields whose values change with every message, so indexing them would only evict useful entries. */
export const DEFAULT_UNINDEXED = ['content-length', 'grpc-timeout', 'date', 'etag', 'if-modified-since', 'if-none-match', 'last-modified', 'age'];

/** What the encoder knows of a name before looking at the dynamic table: found with one lookup per field. */
interface NameFacts {
  /** The first static index with this name, or 0. */
  staticIndex: number;
  /** value -> static index, for the static table's exact matches. */
  staticValues: Map<string, number> | undefined;
  sensitive: boolean;
  unindexed: boolean;
}

function nameFacts(sensitive: Iterable<string>, unindexed: Iterable<string>): ReadonlyMap<string, NameFacts> {
  const facts = new Map<string, NameFacts>();
  const of = (name: string) => {
    let f = facts.get(name);
    if (!f) facts.set(name, (f = { staticIndex: 0, staticValues: undefined, sensitive: false, unindexed: false }));
    return f;
  };
  STATIC_TABLE.forEach(([name, value], i) => {
    const f = of(name);
    if (f.staticIndex === 0) f.staticIndex = i + 1;
    (f.staticValues ??= new Map()).set(value, i + 1);
  });
  for (const name of sensitive) of(name).sensitive = true;
  for (const name of unindexed) of(name).unindexed = true;
  return facts;
}

/** The facts of the default options, shared by every encoder made with them. */
const DEFAULT_FACTS = nameFacts(DEFAULT_SENSITIVE, DEFAULT_UNINDEXED);

/** Options of the HPACK encoder: table size, which names are never indexed or not indexed, Huffman, observer. */
export interface HpackEncoderOptions {
  /** The dynamic table's size; a size other than the protocol's initial 4096 is announced in the first block. */
  maxTableSize?: number;
  /** Names always sent as never-indexed literals. Default DEFAULT_SENSITIVE. */
  sensitive?: Iterable<string>;
  /** Names sent as literals without indexing. Default DEFAULT_UNINDEXED. */
  unindexed?: Iterable<string>;
  /** 'auto' (default): Huffman only where it is shorter; 'always'; 'never'. */
  huffman?: 'auto' | 'always' | 'never';
  /** Told of every representation chosen. */
  observer?: HpackObserver;
}

/** Per-block options of HpackEncoder.encode. */
export interface EncodeOptions {
  /** More names to send never-indexed in this block, e.g. metadata keys the caller marks sensitive. */
  sensitive?: ReadonlySet<string>;
}

/** The initial table size every HPACK decoder assumes in HTTP/2 (RFC 9113 §6.5.2). */
const PROTOCOL_INITIAL_TABLE_SIZE = 4096;

/**
 * RFC 7541 §3 and §6: encodes header lists into field blocks. Exact matches in the static or dynamic table are
 * sent as indexes; other fields as literals that are added to the table, unless they are sensitive (never
 * indexed), volatile, or too large to be worth a table entry (without indexing).
 */
export class HpackEncoder {
  readonly table: DynamicTable;
  observer: HpackObserver | undefined;
  private readonly facts: ReadonlyMap<string, NameFacts>;
  private readonly huffman: 'auto' | 'always' | 'never';
  private huffmanUsed = false; // whether string() last chose Huffman coding
  private pendingMin = -1; // smallest size set since the last block, or -1 when no update is pending
  private pendingSize = -1;

  constructor(options: HpackEncoderOptions = {}) {
    const size = options.maxTableSize ?? PROTOCOL_INITIAL_TABLE_SIZE;
    this.table = new DynamicTable(size, true);
    if (size !== PROTOCOL_INITIAL_TABLE_SIZE) this.pendingMin = this.pendingSize = size;
    this.facts = options.sensitive || options.unindexed
      ? nameFacts(options.sensitive ?? DEFAULT_SENSITIVE, options.unindexed ?? DEFAULT_UNINDEXED)
      : DEFAULT_FACTS;
    this.huffman = options.huffman ?? 'auto';
    this.observer = options.observer;
  }

  /**
   * Changes the table's size (at most the peer's SETTINGS_HEADER_TABLE_SIZE). The next block starts with size
   * updates: the smallest size set in between, then the final one (RFC 7541 §4.2).
   */
  setMaxTableSize(n: number): void {
    this.table.setMaxSize(n);
    this.pendingMin = this.pendingMin < 0 ? n : Math.min(this.pendingMin, n);
    this.pendingSize = n;
  }

  /** Encodes one header list as one field block. Names and values are Latin-1 strings (one octet each). */
  encode(headers: ReadonlyArray<readonly [string, string]>, options?: EncodeOptions): Uint8Array {
    // worst case: an index or two integers of 6 octets, plus each string raw (Huffman is only used when shorter)
    let room = 12;
    for (const [name, value] of headers) room += name.length + value.length + 12;
    const out = Buffer.allocUnsafe(room);
    let pos = 0;
    if (this.pendingSize >= 0) {
      if (this.pendingMin < this.pendingSize) pos = this.sizeUpdate(out, pos, this.pendingMin);
      pos = this.sizeUpdate(out, pos, this.pendingSize);
      this.pendingMin = this.pendingSize = -1;
    }
    const extra = options?.sensitive;
    for (const [name, value] of headers) pos = this.field(out, pos, name, value, extra?.has(name) ?? false);
    return out.subarray(0, pos);
  }

  private sizeUpdate(out: Buffer, pos: number, size: number): number {
    const start = pos;
    // RFC 7541 §6.3: 001xxxxx
    pos = encodeInteger(out, pos, size, 5, 0x20);
    this.observer?.({ representation: 'size-update', name: '', value: '', index: 0, huffmanName: false, huffmanValue: false,
      maxSize: size, evicted: [], tableSize: this.table.size, start, end: pos });
    return pos;
  }

  private field(out: Buffer, pos: number, name: string, value: string, markedSensitive: boolean): number {
    const start = pos;
    const facts = this.facts.get(name);
    const sensitive = markedSensitive || (facts !== undefined && facts.sensitive);
    let index = facts?.staticValues?.get(value) ?? 0;
    if (index === 0 && !sensitive) index = this.table.fieldIndexOf(name, value);
    if (index !== 0 && !sensitive) {
      // RFC 7541 §6.1: 1xxxxxxx
      pos = encodeInteger(out, pos, index, 7, 0x80);
      if (this.observer) this.report('indexed', name, value, index, false, false, undefined, start, pos);
      return pos;
    }
    index = facts !== undefined && facts.staticIndex !== 0 ? facts.staticIndex : this.table.nameIndexOf(name);
    let representation: Representation;
    if (sensitive) {
      // RFC 7541 §6.2.3: 0001xxxx
      representation = 'never-indexed';
      pos = encodeInteger(out, pos, index, 4, 0x10);
    } else if ((facts !== undefined && facts.unindexed) || entrySize(name, value) > (this.table.maxSize * 3) >>> 2) {
      // RFC 7541 §6.2.2: 0000xxxx
      representation = 'without-indexing';
      pos = encodeInteger(out, pos, index, 4, 0x00);
    } else {
      // RFC 7541 §6.2.1: 01xxxxxx
      representation = 'incremental';
      pos = encodeInteger(out, pos, index, 6, 0x40);
    }
    let huffmanName = false;
    if (index === 0) {
      pos = this.string(out, pos, name);
      huffmanName = this.huffmanUsed;
    }
    pos = this.string(out, pos, value);
    const huffmanValue = this.huffmanUsed;
    let evicted: Array<[string, string]> | undefined;
    if (representation === 'incremental') {
      if (this.observer) evicted = [];
      this.table.add(name, value, evicted);
    }
    if (this.observer) this.report(representation, name, value, index, huffmanName, huffmanValue, evicted, start, pos);
    return pos;
  }

  /**
   * RFC 7541 §5.2: writes `s` as a string literal, Huffman-coded when that is shorter ('auto'); sets huffmanUsed.
   * A short string is Huffman-coded straight into place and rewritten raw if that turned out no shorter: one pass
   * over it instead of two (measuring, then coding).
   */
  private string(out: Buffer, pos: number, s: string): number {
    if (this.huffman === 'auto' && s.length < 127) {
      const end = huffmanEncode(s, out, pos + 1); // the length fits the first octet either way
      const coded = end - pos - 1;
      if ((this.huffmanUsed = coded < s.length)) {
        out[pos] = 0x80 | coded;
        return end;
      }
      out[pos] = s.length;
      return pos + 1 + out.write(s, pos + 1, 'latin1');
    }
    const coded = this.huffmanLength(s);
    this.huffmanUsed = coded >= 0;
    return writeString(out, pos, s, coded);
  }

  /** The Huffman-coded length of `s` if it is to be sent Huffman-coded, else -1. */
  private huffmanLength(s: string): number {
    const coded = huffmanLength(s); // also rejects characters above U+00FF
    if (this.huffman === 'auto') return coded < s.length ? coded : -1;
    return this.huffman === 'always' ? coded : -1;
  }

  private report(
    representation: Representation, name: string, value: string, index: number,
    huffmanName: boolean, huffmanValue: boolean, evicted: Array<[string, string]> | undefined, start: number, end: number,
  ): void {
    this.observer?.({ representation, name, value, index, huffmanName, huffmanValue, evicted: evicted ?? [],
      tableSize: this.table.size, start, end });
  }
}

/** RFC 7541 §5.2: a string literal, H flag and 7-bit-prefix length, then the octets (Huffman-coded when huffmanLength ≥ 0). */
function writeString(out: Buffer, pos: number, s: string, huffmanLength: number): number {
  if (huffmanLength >= 0) {
    pos = encodeInteger(out, pos, huffmanLength, 7, 0x80);
    return huffmanEncode(s, out, pos);
  }
  pos = encodeInteger(out, pos, s.length, 7, 0x00);
  return pos + out.write(s, pos, 'latin1');
}
