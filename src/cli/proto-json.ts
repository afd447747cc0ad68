import { create, type DescField, type DescMessage, fromBinary, fromJson, type JsonValue, type Message, type Registry, ScalarType, toBinary, toJson } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage, scalarZeroValue } from '@bufbuild/protobuf/reflect';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import { LocalError } from './errors.js';
import { type Json, type JsonPosition, JsonTextError, lineColumn, parseJsonValues } from './json-text.js';

// Messages as protobuf's ProtoJSON format (https://protobuf.dev/programming-guides/json/), through @bufbuild/protobuf's
// mapping over a registry of the schema's FileDescriptorProtos: requests read strictly, with a mistake reported at
// its line and column; responses printed with lowerCamelCase names, defaults omitted, 64-bit integers as strings.
// With emitDefaults, as grpcurl (golang/protobuf's jsonpb): implicit fields at their defaults, and an unset message
// field (or proto2 scalar) as null.

export interface ProtoJsonOptions {
  /** Ignore JSON keys the message does not have, instead of rejecting them. */
  allowUnknownFields?: boolean;
  /** Print fields at their default values too, and unset message fields as null. */
  emitDefaults?: boolean;
}

const LONG_SCALARS = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

export class ProtoJson {
  constructor(
    readonly registry: Registry,
    readonly options: ProtoJsonOptions = {},
  ) {}

  /** A message type of the schema by full name. */
  message(typeName: string): DescMessage {
    const desc = this.registry.getMessage(typeName);
    if (!desc) throw new LocalError(`the schema has no message ${typeName}`);
    return desc;
  }

  /**
   * Every JSON value of `text` as the binary encoding of `desc`. `source` names where the text came from (-d, a file)
   * in errors, which give the line and column.
   */
  encode(desc: DescMessage, text: string, source: string): Uint8Array[] {
    let documents;
    try {
      documents = parseJsonValues(text);
    } catch (err) {
      if (err instanceof JsonTextError) throw new LocalError(`${source}: ${lineColumn(text, err.offset)}: not valid JSON: ${err.reason}`);
      throw err;
    }
    return documents.map(({ value, position }) => {
      try {
        this.prepare(desc, value, position);
        return toBinary(desc, fromJson(desc, value as JsonValue, this.jsonOptions()));
      } catch (err) {
        if (err instanceof JsonTextError) throw new LocalError(`${source}: ${lineColumn(text, err.offset)}: ${err.reason}`);
        const at = this.locate(desc, value, position) ?? position.start;
        const reason = (err as Error).message.replace(/from JSON: Array\(\d+\)$/, 'from JSON: expected an object, got an array');
        throw new LocalError(`${source}: ${lineColumn(text, at)}: ${reason}`);
      }
    });
  }

  /** One binary message as indented ProtoJSON text. */
  decode(desc: DescMessage, bytes: Uint8Array): string {
    return JSON.stringify(this.jsonOf(desc, fromBinary(desc, bytes)), null, 2);
  }

  /** A message as its ProtoJSON value (with emitDefaults, unset message fields null, as grpcurl prints them). */
  jsonOf(desc: DescMessage, message: Message): JsonValue {
    const emit = !!this.options.emitDefaults;
    const value = typeFirst(toJson(desc, message, { registry: this.registry, alwaysEmitImplicit: emit }));
    return emit ? withNulls(desc, value) : value;
  }

  private jsonOptions() {
    return { registry: this.registry, ignoreUnknownFields: !!this.options.allowUnknownFields };
  }

  /**
   * What JSON.parse cannot keep and protobuf's parsers check: one field named twice (by its proto and its JSON
   * name), and 64-bit integers past 2^53, which are given to the mapping as their exact digits.
   */
  private prepare(desc: DescMessage, value: Json, position: JsonPosition): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || desc.typeName.startsWith('google.protobuf.')) return;
    const seen = new Map<DescField, string>();
    for (const [key, member] of Object.entries(value)) {
      const field = desc.fields.find((f) => f.name === key || f.jsonName === key);
      const at = position.members?.get(key);
      if (!field || !at) continue;
      const earlier = seen.get(field);
      if (earlier !== undefined) throw new JsonTextError(`"${key}" and "${earlier}" are the same field ${desc.typeName}.${field.name}`, at.keyStart ?? at.start);
      seen.set(field, key);
      value[key] = this.prepareField(field, member, at);
    }
  }

  private prepareField(field: DescField, value: Json, at: JsonPosition): Json {
    const exact = (v: Json, p: JsonPosition | undefined) => (typeof v === 'number' && !Number.isSafeInteger(v) && p?.raw && /^-?\d+$/.test(p.raw) ? p.raw : v);
    const each = (v: Json, p: JsonPosition | undefined, fn: (v: Json, p: JsonPosition) => Json): Json => {
      if (Array.isArray(v)) return v.map((x, i) => fn(x, p?.members?.get(i) ?? { start: p?.start ?? 0 }));
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fn(x, p?.members?.get(k) ?? { start: p?.start ?? 0 })]));
      return v;
    };
    switch (field.fieldKind) {
      case 'scalar':
        return LONG_SCALARS.has(field.scalar) ? exact(value, at) : value;
      case 'message':
        this.prepare(field.message, value, at);
        return value;
      case 'list':
        if (field.listKind === 'scalar' && LONG_SCALARS.has(field.scalar)) return each(value, at, exact);
        if (field.listKind === 'message') return each(value, at, (v, p) => (this.prepare(field.message, v, p), v));
        return value;
      case 'map':
        if (field.mapKind === 'scalar' && LONG_SCALARS.has(field.scalar)) return each(value, at, exact);
        if (field.mapKind === 'message') return each(value, at, (v, p) => (this.prepare(field.message, v, p), v));
        return value;
      default:
        return value;
    }
  }

  /** The offset of the member that makes `value` fail to be a `desc`, the deepest one found. */
  private locate(desc: DescMessage, value: Json, position: JsonPosition): number | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || desc.typeName.startsWith('google.protobuf.')) return undefined;
    for (const [key, member] of Object.entries(value)) {
      const at = position.members?.get(key);
      if (!at) continue;
      try {
        fromJson(desc, { [key]: member } as JsonValue, this.jsonOptions());
        continue;
      } catch {
        // this member is wrong: look inside it for the wrong part
      }
      const field = desc.fields.find((f) => f.name === key || f.jsonName === key);
      if (!field) return at.keyStart ?? at.start;
      const inner = (d: DescMessage, v: Json, p: JsonPosition | undefined) => {
        if (!p) return undefined;
        try {
          fromJson(d, v as JsonValue, this.jsonOptions());
          return undefined;
        } catch {
          return this.locate(d, v, p) ?? p.start;
        }
      };
      if (field.fieldKind === 'message') return inner(field.message, member, at) ?? at.start;
      if ((field.fieldKind === 'list' && field.listKind === 'message') || (field.fieldKind === 'map' && field.mapKind === 'message')) {
        const entries = Array.isArray(member) ? member.map((v, i) => [i, v] as const) : member && typeof member === 'object' ? Object.entries(member) : [];
        for (const [k, v] of entries) {
          const found = inner(field.message, v, at.members?.get(k));
          if (found !== undefined) return found;
        }
      }
      if ((field.fieldKind === 'list' || field.fieldKind === 'map') && member && typeof member === 'object') {
        // a wrong scalar or enum in a list or map: the first element that fails alone
        const entries = Array.isArray(member) ? member.map((v, i) => [i, v] as const) : Object.entries(member);
        for (const [k, v] of entries) {
          try {
            fromJson(desc, { [key]: Array.isArray(member) ? [v] : { [k]: v } } as JsonValue, this.jsonOptions());
          } catch {
            return at.members?.get(k)?.start ?? at.start;
          }
        }
      }
      return at.start;
    }
    return undefined;
  }
}

/** An Any's "@type" first, where protojson and jsonpb print it (@bufbuild's toJson puts it last). */
function typeFirst(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(typeFirst);
  const entries = Object.entries(value).map(([k, v]) => [k, typeFirst(v)] as const);
  if ('@type' in value) entries.sort(([a], [b]) => (a === '@type' ? -1 : b === '@type' ? 1 : 0));
  return Object.fromEntries(entries);
}

/** jsonpb's EmitDefaults beyond protojson's implicit fields: an unset singular message field (or proto2 scalar) is null. */
function withNulls(desc: DescMessage, value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || desc.typeName.startsWith('google.protobuf.')) return value;
  const out: { [key: string]: JsonValue } = {};
  for (const f of desc.fields) {
    const v = value[f.jsonName];
    if (v === undefined) {
      if (f.oneof || f.proto.proto3Optional) continue; // a oneof (and proto3 optional) says nothing when unset
      if (f.fieldKind === 'message' || ((f.fieldKind === 'scalar' || f.fieldKind === 'enum') && f.presence === FeatureSet_FieldPresence.EXPLICIT)) out[f.jsonName] = null;
      continue;
    }
    if (f.fieldKind === 'message') out[f.jsonName] = withNulls(f.message, v);
    else if (f.fieldKind === 'list' && f.listKind === 'message' && Array.isArray(v)) out[f.jsonName] = v.map((x) => withNulls(f.message, x));
    else if (f.fieldKind === 'map' && f.mapKind === 'message' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[f.jsonName] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withNulls(f.message, x)]));
    } else out[f.jsonName] = v;
  }
  for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v; // extensions
  return out;
}

/**
 * grpcurl's -msg-template: a message with every field present, as a starting point for -d: a repeated field with one
 * element, a map with one entry, a message field filled in the same way (a message already being filled, left
 * empty: recursion ends), and the JSON-only well-known types with a word of what they take.
 */
export function template(desc: DescMessage, registry: Registry, path: DescMessage[] = []): Message {
  const special: Record<string, JsonValue> = {
    'google.protobuf.Any': { '@type': 'type.googleapis.com/google.protobuf.Empty' },
    'google.protobuf.Value': { 'google.protobuf.Value': 'supports arbitrary JSON' },
    'google.protobuf.ListValue': [{ 'google.protobuf.ListValue': 'is an array of arbitrary JSON values' }],
    'google.protobuf.Struct': { 'google.protobuf.Struct': 'supports arbitrary JSON objects' },
  };
  if (special[desc.typeName] !== undefined) {
    try {
      return fromJson(desc, special[desc.typeName]!, { registry });
    } catch {
      return create(desc); // an Any whose registry lacks google.protobuf.Empty
    }
  }
  const message = create(desc);
  if (path.includes(desc)) return message;
  const inner = [...path, desc];
  const r = reflect(desc, message);
  const filled = (d: DescMessage): ReflectMessage => reflect(d, template(d, registry, inner));
  for (const f of desc.fields) {
    if (f.fieldKind === 'message') r.set(f, filled(f.message));
    else if (f.fieldKind === 'list') {
      const list = r.get(f);
      if (f.listKind === 'message') list.add(filled(f.message));
      else if (f.listKind === 'enum') list.add(f.enum.values[0]?.number ?? 0);
      else list.add(scalarZeroValue(f.scalar, false));
    } else if (f.fieldKind === 'map') {
      const map = r.get(f);
      const key = scalarZeroValue(f.mapKey, false);
      if (f.mapKind === 'message') map.set(key, filled(f.message));
      else if (f.mapKind === 'enum') map.set(key, f.enum.values[0]?.number ?? 0);
      else map.set(key, scalarZeroValue(f.scalar, false));
    }
  }
  return message;
}
