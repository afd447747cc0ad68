import { gunzipSync, inflateSync } from 'node:zlib';
import { type DescEnum, type DescField, type DescMessage, type DescMethod, type FileRegistry, ScalarType } from '@bufbuild/protobuf';
import type { Annotation } from './annotate.js';

// DATA octets down to the protobuf field: each stream's DATA split into gRPC messages (gRPC PROTOCOL-HTTP2: a
// compressed flag and a 4-octet length before each message), and each message into its fields (protobuf encoding:
// tag = field number << 3 | wire type, then a varint, a length and its octets, or 4 or 8 fixed octets), named and
// decoded when the schema is known. A message may straddle DATA frames; its fields are shown with the frame that
// completes it. A compressed message is shown after decompression, marked as such.

const WIRE_TYPES = ['varint', 'fixed64', 'length-delimited', 'start group', 'end group', 'fixed32'];
const octets = (n: number) => `${n} octet${n === 1 ? '' : 's'}`;

/** How one field number of a message is to be read, when the schema says. */
interface FieldInfo {
  name: string;
  kind: 'scalar' | 'enum' | 'message';
  scalar?: ScalarType;
  enumDesc?: DescEnum;
  message?: DescMessage;
  /** The entry of a map field: key (1) and value (2). */
  entry?: { key: ScalarType; value: FieldInfo };
}

function infoOf(field: DescField): FieldInfo {
  switch (field.fieldKind) {
    case 'scalar':
      return { name: field.name, kind: 'scalar', scalar: field.scalar };
    case 'enum':
      return { name: field.name, kind: 'enum', enumDesc: field.enum };
    case 'message':
      return { name: field.name, kind: 'message', message: field.message };
    case 'list':
      return field.listKind === 'scalar' ? { name: field.name, kind: 'scalar', scalar: field.scalar }
        : field.listKind === 'enum' ? { name: field.name, kind: 'enum', enumDesc: field.enum } : { name: field.name, kind: 'message', message: field.message };
    case 'map': {
      const value: FieldInfo = field.mapKind === 'scalar' ? { name: 'value', kind: 'scalar', scalar: field.scalar }
        : field.mapKind === 'enum' ? { name: 'value', kind: 'enum', enumDesc: field.enum } : { name: 'value', kind: 'message', message: field.message };
      return { name: field.name, kind: 'message', entry: { key: field.mapKey, value } };
    }
  }
}

type Lookup = (n: number) => FieldInfo | undefined;
const lookupOf = (desc: DescMessage | undefined): Lookup => (n) => {
  const f = desc?.fields.find((x) => x.number === n);
  return f ? infoOf(f) : undefined;
};
const entryLookup = (entry: NonNullable<FieldInfo['entry']>): Lookup => (n) => (n === 1 ? { name: 'key', kind: 'scalar', scalar: entry.key } : n === 2 ? entry.value : undefined);

/** A varint at `at`: its value (as a bigint, exact) and its length in octets, or undefined when cut off. */
function varint(bytes: Uint8Array, at: number): { value: bigint; length: number } | undefined {
  let value = 0n;
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const b = bytes[at + i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (!(b & 0x80)) return { value, length: i + 1 };
  }
  return undefined;
}

function varintValue(v: bigint, info: FieldInfo | undefined): string {
  if (!info) return String(v);
  if (info.kind === 'enum') {
    const n = Number(BigInt.asIntN(32, v));
    return `${n} = ${info.enumDesc?.values.find((x) => x.number === n)?.name ?? '(a number the enum does not name)'}`;
  }
  switch (info.scalar) {
    case ScalarType.BOOL: return v ? 'true' : 'false';
    case ScalarType.INT32: return String(BigInt.asIntN(32, v));
    case ScalarType.INT64: return String(BigInt.asIntN(64, v));
    case ScalarType.UINT32: return String(BigInt.asUintN(32, v));
    case ScalarType.SINT32: case ScalarType.SINT64: return `${(v >> 1n) ^ -(v & 1n)} (zigzag)`;
    default: return String(v);
  }
}

function fixedValue(view: DataView, size: 4 | 8, info: FieldInfo | undefined): string {
  if (size === 4) {
    if (info?.scalar === ScalarType.FLOAT) return String(view.getFloat32(0, true));
    return info?.scalar === ScalarType.SFIXED32 ? String(view.getInt32(0, true)) : String(view.getUint32(0, true));
  }
  if (info?.scalar === ScalarType.DOUBLE || !info) return info ? String(view.getFloat64(0, true)) : `${view.getBigUint64(0, true)} (as double ${view.getFloat64(0, true)})`;
  return info.scalar === ScalarType.SFIXED64 ? String(view.getBigInt64(0, true)) : String(view.getBigUint64(0, true));
}

const PACKABLE = (info: FieldInfo | undefined) => !!info && info.kind !== 'message' && info.scalar !== ScalarType.STRING && info.scalar !== ScalarType.BYTES;

/** A protobuf message's octets, field by field; nested messages indented under their field. */
export function annotateProtobuf(bytes: Uint8Array, desc?: DescMessage, indent = ''): Annotation[] {
  return annotateWith(bytes, lookupOf(desc), desc !== undefined, indent);
}

function annotateWith(bytes: Uint8Array, lookup: Lookup, known: boolean, indent: string): Annotation[] {
  const out: Annotation[] = [];
  let at = 0;
  const rest = (note: string) => {
    out.push({ bytes: bytes.subarray(at), note: `${indent}${note}` });
    at = bytes.length;
  };
  while (at < bytes.length) {
    const tag = varint(bytes, at);
    if (!tag) return (rest('a tag cut off (not protobuf?)'), out);
    const number = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    const info = lookup(number);
    const label = `field ${number}${info ? ` ${info.name}` : known ? ' (not in the schema)' : ''}`;
    if (number === 0 || wire > 5) return (rest(`${label}: wire type ${wire} is not valid (not protobuf?)`), out);
    out.push({ bytes: bytes.subarray(at, at + tag.length), note: `${indent}tag: ${label}, wire type ${wire} (${WIRE_TYPES[wire]})` });
    at += tag.length;
    if (wire === 0) {
      const v = varint(bytes, at);
      if (!v) return (rest('a varint cut off'), out);
      out.push({ bytes: bytes.subarray(at, at + v.length), note: `${indent}  varint ${varintValue(v.value, info)}` });
      at += v.length;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > bytes.length) return (rest(`${size} fixed octets cut off`), out);
      const slice = bytes.subarray(at, at + size);
      out.push({ bytes: slice, note: `${indent}  fixed ${fixedValue(new DataView(slice.buffer, slice.byteOffset, size), size, info)}` });
      at += size;
    } else if (wire === 2) {
      const len = varint(bytes, at);
      if (!len || at + len.length + Number(len.value) > bytes.length) return (rest('a length cut off or beyond the message'), out);
      const n = Number(len.value);
      const content = bytes.subarray(at + len.length, at + len.length + n);
      const what = info?.entry ? 'a map entry' : info?.kind === 'message' ? `message ${info.message?.typeName ?? ''}`.trim()
        : info?.scalar === ScalarType.STRING ? 'a string' : info?.scalar === ScalarType.BYTES ? 'bytes' : PACKABLE(info) ? 'packed values' : 'length-delimited';
      out.push({ bytes: bytes.subarray(at, at + len.length), note: `${indent}  length ${n} (${what})` });
      at += len.length;
      if (info?.entry) out.push(...annotateWith(content, entryLookup(info.entry), true, `${indent}    `));
      else if (info?.kind === 'message') out.push(...annotateWith(content, lookupOf(info.message), true, `${indent}    `));
      else if (info?.scalar === ScalarType.STRING || (!info && isText(content))) {
        out.push({ bytes: content, note: `${indent}    ${JSON.stringify(Buffer.from(content).toString('utf8'))}` });
      } else if (PACKABLE(info)) {
        out.push(...annotatePacked(content, info!, `${indent}    `));
      } else if (n > 0) {
        out.push({ bytes: content, note: `${indent}    ${octets(n)}${info?.scalar === ScalarType.BYTES ? '' : ' (a message, string or bytes: the schema would say)'}` });
      }
      at += n;
    } else {
      return (rest('a group (deprecated; not decoded)'), out);
    }
  }
  return out;
}

function annotatePacked(bytes: Uint8Array, info: FieldInfo, indent: string): Annotation[] {
  const out: Annotation[] = [];
  const fixed = info.scalar === ScalarType.DOUBLE || info.scalar === ScalarType.FIXED64 || info.scalar === ScalarType.SFIXED64 ? 8
    : info.scalar === ScalarType.FLOAT || info.scalar === ScalarType.FIXED32 || info.scalar === ScalarType.SFIXED32 ? 4 : 0;
  let at = 0;
  while (at < bytes.length) {
    if (fixed) {
      const slice = bytes.subarray(at, at + fixed);
      if (slice.length < fixed) break;
      out.push({ bytes: slice, note: `${indent}${fixedValue(new DataView(slice.buffer, slice.byteOffset, fixed), fixed as 4 | 8, info)}` });
      at += fixed;
    } else {
      const v = varint(bytes, at);
      if (!v) break;
      out.push({ bytes: bytes.subarray(at, at + v.length), note: `${indent}${varintValue(v.value, info)}` });
      at += v.length;
    }
  }
  if (at < bytes.length) out.push({ bytes: bytes.subarray(at), note: `${indent}cut off` });
  return out;
}

const isText = (b: Uint8Array) => b.length > 0 && b.every((x) => x >= 0x20 && x < 0x7f);

/** What a trace reader knows of the schema: a registry, and each method by its :path. */
export interface TraceSchema {
  registry: FileRegistry;
  methods: Map<string, DescMethod>;
}

export function traceSchema(registry: FileRegistry): TraceSchema {
  const methods = new Map<string, DescMethod>();
  for (const type of registry) if (type.kind === 'service') for (const m of type.methods) methods.set(`/${type.typeName}/${m.name}`, m);
  return { registry, methods };
}

interface StreamState {
  path?: string;
  encoding?: string;
  prefix: number[];
  /** Octets of the current message's body still to come. */
  need: number;
  compressed: boolean;
  chunks: Uint8Array[];
  frames: number;
  count: number;
}

/** Follows every stream of a connection in both directions and annotates each DATA payload's messages. */
export class MessageOctets {
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly schema?: TraceSchema) {}

  private state(streamId: number, dir: string): StreamState {
    const key = `${streamId}/${dir}`;
    let s = this.streams.get(key);
    if (!s) {
      s = { prefix: [], need: 0, compressed: false, chunks: [], frames: 0, count: 0 };
      this.streams.set(key, s);
    }
    return s;
  }

  /** A stream's header fields as they went: the request's :path, and each side's grpc-encoding. */
  headers(streamId: number, dir: 'in' | 'out', fields: Array<[string, string]>): void {
    for (const [name, value] of fields) {
      if (name === ':path') {
        this.state(streamId, 'in').path = value;
        this.state(streamId, 'out').path = value;
      }
      if (name === 'grpc-encoding') this.state(streamId, dir).encoding = value;
    }
  }

  /**
   * One DATA frame's payload (padding removed), as annotations. `request` tells which message type it carries: the
   * stream's direction as the trace's role sees it.
   */
  data(streamId: number, dir: 'in' | 'out', payload: Uint8Array, request: boolean): Annotation[] {
    const s = this.state(streamId, dir);
    const out: Annotation[] = [];
    let at = 0;
    if (payload.length === 0) return [{ bytes: payload, note: 'no data (END_STREAM alone)' }];
    while (at < payload.length) {
      if (s.need === 0 && s.prefix.length < 5) {
        const take = Math.min(5 - s.prefix.length, payload.length - at);
        const part = payload.subarray(at, at + take);
        const first = s.prefix.length === 0;
        s.prefix.push(...part);
        at += take;
        if (s.prefix.length < 5) {
          out.push({ bytes: part, note: `gRPC message prefix, first ${octets(s.prefix.length)} of 5 (the rest in the next DATA frame)` });
          continue;
        }
        s.compressed = s.prefix[0] === 1;
        s.need = ((s.prefix[1]! << 24) | (s.prefix[2]! << 16) | (s.prefix[3]! << 8) | s.prefix[4]!) >>> 0;
        s.count++;
        const flag = `compressed flag ${s.prefix[0]} (${s.compressed ? `compressed, ${s.encoding ?? 'encoding unknown'}` : 'not compressed'})`;
        const length = `message length ${s.need}`;
        if (first && take === 5) {
          out.push({ bytes: part.subarray(0, 1), note: `gRPC message ${s.count}: ${flag}` }, { bytes: part.subarray(1), note: length });
        } else {
          out.push({ bytes: part, note: `gRPC message ${s.count}: the prefix's last ${octets(take)}: ${flag}, ${length}` });
        }
        s.chunks = [];
        s.frames = 0;
        if (s.need === 0) out.push(...this.message(s, new Uint8Array(0), request, true));
        continue;
      }
      const take = Math.min(s.need, payload.length - at);
      const part = payload.subarray(at, at + take);
      at += take;
      s.need -= take;
      s.chunks.push(part);
      s.frames++;
      const whole = s.need === 0 && s.frames === 1;
      if (whole) {
        out.push(...this.message(s, part, request, true));
      } else {
        const total = s.chunks.reduce((n, c) => n + c.length, 0) + s.need;
        const from = total - s.need - take;
        out.push({ bytes: part, note: `message ${s.count} body, octets ${from + 1}–${from + take} of ${total}${s.need ? ' (continues in the next DATA frame)' : ''}` });
        if (s.need === 0) {
          const body = Buffer.concat(s.chunks);
          out.push({ bytes: new Uint8Array(0), heading: true, note: `message ${s.count} complete, reassembled from ${s.frames} DATA frames; its fields:` });
          out.push(...this.message(s, body, request, false));
        }
      }
      if (s.need === 0) s.prefix = [];
    }
    return out;
  }

  /** A whole message body: decompressed if need be, then field by field. */
  private message(s: StreamState, body: Uint8Array, request: boolean, inFrame: boolean): Annotation[] {
    s.prefix = [];
    const method = s.path ? this.schema?.methods.get(s.path) : undefined;
    const desc = method ? (request ? method.input : method.output) : undefined;
    const type = desc ? desc.typeName : 'schema unknown';
    if (body.length === 0) return [{ bytes: body, heading: true, note: `message ${s.count}: ${type}, empty (every field at its default)` }];
    let plain = body;
    const head: Annotation[] = [];
    if (s.compressed) {
      try {
        plain = s.encoding === 'deflate' ? inflateSync(body) : gunzipSync(body);
        head.push({ bytes: inFrame ? body : new Uint8Array(0), heading: !inFrame, note: `message ${s.count}: ${octets(body.length)} ${s.encoding ?? 'gzip'}-compressed; after decompression (${octets(plain.length)}):` });
      } catch {
        return [{ bytes: inFrame ? body : new Uint8Array(0), note: `message ${s.count}: compressed (${s.encoding ?? 'unknown encoding'}) and does not decompress` }];
      }
      return [...head, ...annotateProtobuf(plain, desc, '  ')];
    }
    const fields = annotateProtobuf(plain, desc);
    return [{ bytes: new Uint8Array(0), heading: true, note: `message ${s.count}: ${type}` }, ...fields];
  }
}
