import { type DescField, type DescMessage, type FileRegistry, fromBinary, fromJson, type JsonValue, ScalarType, toBinary, toJson } from '@bufbuild/protobuf';
import { LocalError } from './errors.js';
import { type Json, type JsonPosition, JsonTextError, lineColumn, parseJsonValues } from './json-text.js';

// Messages as protobuf's ProtoJSON format (https://protobuf.dev/programming-guides/json/), through @bufbuild/protobuf's
// mapping over a registry of the schema's FileDescriptorProtos: requests read strictly, with a mistake reported at
// its line and column; responses printed with lowerCamelCase names, defaults omitted, 64-bit integers as strings.

export interface ProtoJsonOptions {
  /** Ignore JSON keys the message does not have, instead of rejecting them. */
  allowUnknownFields?: boolean;
  /** Print fields at their default values too. */
  emitDefaults?: boolean;
}

const LONG_SCALARS = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

export class ProtoJson {
  constructor(
    readonly registry: FileRegistry,
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
    const message = fromBinary(desc, bytes);
    return JSON.stringify(toJson(desc, message, { registry: this.registry, alwaysEmitImplicit: !!this.options.emitDefaults }), null, 2);
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
