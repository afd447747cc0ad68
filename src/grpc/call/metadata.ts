import type { HeaderList } from '../../http2/index.js';

/** A metadata value: a string, or a Buffer for keys ending in -bin. */
export type MetadataValue = string | Buffer;

// gRPC PROTOCOL-HTTP2: keys are 0-9 a-z _ - . ; a key ending in -bin carries binary values, base64 on the wire;
// other values are printable ASCII (0x20-0x7E)
const KEY = /^[0-9a-z_.-]+$/;
const ASCII_VALUE = /^[\x20-\x7e]*$/;

/** Fields that belong to the protocol and never appear as metadata. */
const RESERVED = new Set(['te', 'content-type', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'grpc-status', 'grpc-message', 'grpc-status-details-bin', 'grpc-previous-rpc-attempts']);

/**
 * Custom metadata of a call: lower-case keys, each with one or more values, in order. Keys and values are checked
 * when they are set, so an invalid one fails with a clear error before anything is sent.
 */
export class Metadata {
  private readonly map = new Map<string, MetadataValue[]>();

  constructor(init?: Record<string, MetadataValue | MetadataValue[]>) {
    if (init) for (const [key, value] of Object.entries(init)) for (const v of Array.isArray(value) ? value : [value]) this.add(key, v);
  }

  /** Replaces the values of `key`. */
  set(key: string, value: MetadataValue): this {
    const k = checkEntry(key, value);
    this.map.set(k, [value]);
    return this;
  }

  /** Adds a value to `key`. */
  add(key: string, value: MetadataValue): this {
    const k = checkEntry(key, value);
    const values = this.map.get(k);
    if (values) values.push(value);
    else this.map.set(k, [value]);
    return this;
  }

  get(key: string): MetadataValue | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  getAll(key: string): MetadataValue[] {
    return this.map.get(key.toLowerCase()) ?? [];
  }

  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  remove(key: string): void {
    this.map.delete(key.toLowerCase());
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  get size(): number {
    return this.map.size;
  }

  /** A plain object: single values as themselves, repeated ones as arrays. */
  toJSON(): Record<string, MetadataValue | MetadataValue[]> {
    const out: Record<string, MetadataValue | MetadataValue[]> = {};
    for (const [k, v] of this.map) out[k] = v.length === 1 ? v[0]! : [...v];
    return out;
  }

  /** Appends the metadata as header fields: -bin values base64 without padding, as grpc-go sends them. */
  appendTo(headers: HeaderList): void {
    for (const [key, values] of this.map) {
      for (const v of values) headers.push([key, typeof v === 'string' ? v : v.toString('base64').replace(/=+$/, '')]);
    }
  }

  /** Metadata from received header fields, leaving out pseudo-headers and the protocol's own fields. */
  static fromHeaders(headers: HeaderList): Metadata {
    const md = new Metadata();
    for (const [key, value] of headers) {
      if (key.charCodeAt(0) === 0x3a || RESERVED.has(key)) continue;
      const values = md.map.get(key) ?? [];
      if (key.endsWith('-bin')) {
        // several values may arrive joined with ","; padded and unpadded base64 are both accepted
        for (const part of value.split(',')) values.push(Buffer.from(part.trim(), 'base64'));
      } else {
        // gRPC PROTOCOL-HTTP2: ASCII-Value is %x20-%x7E; anything else (DEL, controls, octets above 0x7F) is refused
        if (!ASCII_VALUE.test(value)) throw new TypeError(`the value of ${JSON.stringify(key)} has characters outside printable ASCII (%x20-%x7E)`);
        values.push(value);
      }
      md.map.set(key, values);
    }
    return md;
  }
}

function checkEntry(key: string, value: MetadataValue): string {
  const k = key.toLowerCase();
  if (!KEY.test(k)) throw new TypeError(`metadata key ${JSON.stringify(key)} has characters outside 0-9 a-z _ - .`);
  if (k.startsWith('grpc-')) throw new TypeError(`metadata key ${JSON.stringify(key)} is reserved: keys starting with grpc- belong to the protocol`);
  if (RESERVED.has(k)) throw new TypeError(`metadata key ${JSON.stringify(key)} is a protocol field`);
  if (k.endsWith('-bin')) {
    if (!Buffer.isBuffer(value)) throw new TypeError(`metadata key ${JSON.stringify(key)} ends in -bin, so its value must be a Buffer`);
  } else {
    if (typeof value !== 'string') throw new TypeError(`metadata key ${JSON.stringify(key)} takes a string value (binary values need a key ending in -bin)`);
    if (!ASCII_VALUE.test(value)) throw new TypeError(`metadata value for ${JSON.stringify(key)} has characters outside printable ASCII`);
    if (value !== value.trim()) throw new TypeError(`metadata value for ${JSON.stringify(key)} has leading or trailing spaces`);
  }
  return k;
}
