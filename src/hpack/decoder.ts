import { DynamicTable } from './dynamic-table.js';
import { HeaderListTooLargeError, HpackError } from './errors.js';
import { huffmanDecode } from './huffman.js';
import { type Cursor, decodeInteger } from './integer.js';
import type { HpackObserver, Representation } from './representation.js';
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table.js';

/** Limits and observer of the HPACK decoder. */
export interface HpackDecoderOptions {
  /** The SETTINGS_HEADER_TABLE_SIZE we advertise: the most the peer's encoder may use. Default 4096. */
  maxTableSize?: number;
  /** The largest header list accepted, counted as name + value + 32 per field (RFC 9113 §6.5.2). Default 65536. */
  maxHeaderListSize?: number;
  /** Told of every representation decoded. */
  observer?: HpackObserver;
}

/** RFC 7541 §3: decodes field blocks, keeping the dynamic table in step with the peer's encoder. */
export class HpackDecoder {
  maxHeaderListSize: number;
  observer: HpackObserver | undefined;
  readonly table: DynamicTable;
  private limit: number; // the largest size a size update may set
  private updateRequired = false; // the limit fell below the table's size: the next block must start with an update
  private scratch = Buffer.allocUnsafe(256); // Huffman output, reused
  private readonly cursor: Cursor = { buf: new Uint8Array(0), pos: 0 };

  constructor(options: HpackDecoderOptions = {}) {
    this.limit = options.maxTableSize ?? 4096;
    this.maxHeaderListSize = options.maxHeaderListSize ?? 65536;
    this.observer = options.observer;
    this.table = new DynamicTable(this.limit);
  }

  /**
   * Sets the limit on the table (our SETTINGS_HEADER_TABLE_SIZE once the peer acknowledged it). A limit below the
   * table's current maximum requires the encoder to send a size update at the start of its next block (RFC 7541 §4.2).
   */
  setMaxTableSize(n: number): void {
    this.limit = n;
    if (n < this.table.maxSize) {
      this.table.setMaxSize(n);
      this.updateRequired = true;
    }
  }

  /**
   * Decodes one complete field block into [name, value] pairs. Throws HpackError (COMPRESSION_ERROR) on a
   * malformed block, and HeaderListTooLargeError after decoding the whole block (so the table stays in step)
   * when the list exceeds maxHeaderListSize.
   */
  decode(block: Uint8Array): Array<[string, string]> {
    const buf = block instanceof Buffer ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const cursor = this.cursor;
    cursor.buf = buf;
    cursor.pos = 0;
    const fields: Array<[string, string]> = [];
    let listSize = 0;
    let fieldSeen = false;
    const observer = this.observer;
    while (cursor.pos < buf.length) {
      const start = cursor.pos;
      const octet = buf[start]!;
      let representation: Representation;
      let index: number;
      let name: string;
      let value: string;
      let huffmanName = false;
      let huffmanValue = false;
      let evicted: Array<[string, string]> | undefined;
      if (octet & 0x80) {
        // §6.1 Indexed Header Field: 1xxxxxxx
        representation = 'indexed';
        index = decodeInteger(cursor, 7);
        if (index === 0) throw new HpackError('indexed field with index 0');
        name = this.nameAt(index);
        value = this.valueAt(index);
      } else if ((octet & 0xe0) === 0x20) {
        // §6.3 Dynamic Table Size Update: 001xxxxx, only at the start of a block (§4.2)
        if (fieldSeen) throw new HpackError('dynamic table size update after a field line');
        const size = decodeInteger(cursor, 5);
        if (size > this.limit) throw new HpackError(`dynamic table size update to ${size} exceeds the limit of ${this.limit}`);
        this.updateRequired = false;
        if (observer) evicted = [];
        this.table.setMaxSize(size, evicted);
        if (observer) {
          observer({ representation: 'size-update', name: '', value: '', index: 0, huffmanName, huffmanValue, maxSize: size,
            evicted: evicted!, tableSize: this.table.size, start, end: cursor.pos });
        }
        continue;
      } else {
        // §6.2 literals: 01xxxxxx incremental (6-bit index), 0000xxxx without indexing, 0001xxxx never indexed
        const incremental = (octet & 0xc0) === 0x40;
        representation = incremental ? 'incremental' : octet & 0x10 ? 'never-indexed' : 'without-indexing';
        index = decodeInteger(cursor, incremental ? 6 : 4);
        if (index === 0) {
          huffmanName = (buf[cursor.pos]! & 0x80) !== 0;
          name = this.readString(cursor);
        } else {
          name = this.nameAt(index);
        }
        huffmanValue = (buf[cursor.pos]! & 0x80) !== 0;
        value = this.readString(cursor);
        if (incremental) {
          if (observer) evicted = [];
          this.table.add(name, value, evicted);
        }
      }
      if (this.updateRequired) throw new HpackError('expected a dynamic table size update at the start of the block');
      fieldSeen = true;
      listSize += name.length + value.length + 32;
      // past the limit we keep decoding, to keep the table in step, but stop collecting
      if (listSize <= this.maxHeaderListSize) fields.push([name, value]);
      if (observer) {
        observer({ representation, name, value, index, huffmanName, huffmanValue, evicted: evicted ?? [],
          tableSize: this.table.size, start, end: cursor.pos });
      }
    }
    if (this.updateRequired && buf.length > 0) throw new HpackError('expected a dynamic table size update at the start of the block');
    if (listSize > this.maxHeaderListSize) throw new HeaderListTooLargeError(listSize, this.maxHeaderListSize);
    return fields;
  }

  private nameAt(index: number): string {
    if (index <= STATIC_TABLE_LENGTH) return STATIC_TABLE[index - 1]![0];
    const name = this.table.nameAt(index - STATIC_TABLE_LENGTH);
    if (name === undefined) throw new HpackError(`index ${index} is beyond the tables (${STATIC_TABLE_LENGTH + this.table.length} entries)`);
    return name;
  }

  private valueAt(index: number): string {
    if (index <= STATIC_TABLE_LENGTH) return STATIC_TABLE[index - 1]![1];
    return this.table.valueAt(index - STATIC_TABLE_LENGTH)!;
  }

  /** RFC 7541 §5.2: H (1), length (7-bit prefix), then the octets, raw or Huffman-coded. Read as Latin-1. */
  private readString(cursor: Cursor): string {
    const buf = cursor.buf as Buffer;
    if (cursor.pos >= buf.length) throw new HpackError('field block ends before a string');
    const huffman = (buf[cursor.pos]! & 0x80) !== 0;
    const length = decodeInteger(cursor, 7);
    const start = cursor.pos;
    const end = start + length;
    if (end > buf.length) throw new HpackError(`string of ${length} octets overruns the field block`);
    cursor.pos = end;
    if (!huffman) return buf.toString('latin1', start, end);
    const room = Math.ceil((length * 8) / 5);
    if (this.scratch.length < room) this.scratch = Buffer.allocUnsafe(Math.max(room, this.scratch.length * 2));
    const n = huffmanDecode(buf, start, end, this.scratch);
    return this.scratch.toString('latin1', 0, n);
  }
}
