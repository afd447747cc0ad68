// What the generator knows of a .proto file, built alike from protobufjs's parser (`h2grpc gen`) and from protoc's
// FileDescriptorProtos (protoc-gen-h2grpc), so that both routes write the same TypeScript.

/** protobuf's scalar types, by their .proto names. */
export const SCALARS = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

/** The 64-bit integer types: strings when received (the runtime decodes with `longs: String`). */
export const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A message field: name, number, type, and how it is held (repeated, map, oneof, optional). */
export interface FieldModel {
  name: string;
  id: number;
  /** A scalar's name, or the full name (no leading dot) of a message or enum. */
  type: string;
  kind: 'scalar' | 'message' | 'enum';
  repeated: boolean;
  /** Set for map fields: the key's scalar type (then `type`/`kind` describe the value). */
  keyType?: string;
  /** proto2 `required`. */
  required: boolean;
  /** proto3 `optional` (a synthetic oneof). */
  proto3Optional: boolean;
  /** The (real or synthetic) oneof the field belongs to. */
  oneof?: string;
  /** For repeated scalars: whether they are packed on the wire. */
  packed?: boolean;
}

export interface OneofModel {
  name: string;
  fields: string[];
}

/** An enum and its values, in declaration order. */
export interface EnumModel {
  /** The full name, without leading dot: "kitchen.v1.Kitchen.Mood". */
  fullName: string;
  values: Array<[name: string, value: number]>;
}

/** A message: its fields, oneofs and nested types. */
export interface MessageModel {
  fullName: string;
  fields: FieldModel[];
  /** In the order of their first field. */
  oneofs: OneofModel[];
  messages: MessageModel[];
  enums: EnumModel[];
}

/** A method: its request and response types and which sides stream. */
export interface MethodModel {
  name: string;
  input: string;
  output: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  /** descriptor.proto MethodOptions.idempotency_level, when set (Connect serves GET for NO_SIDE_EFFECTS only). */
  idempotency?: Idempotency;
}

export type Idempotency = 'NO_SIDE_EFFECTS' | 'IDEMPOTENT';

/** An idempotency_level as protobufjs (a name) or a descriptor (its number, or its name in JSON) gives it. */
export function idempotencyOf(level: unknown): { idempotency?: Idempotency } {
  if (level === 'NO_SIDE_EFFECTS' || level === 1) return { idempotency: 'NO_SIDE_EFFECTS' };
  if (level === 'IDEMPOTENT' || level === 2) return { idempotency: 'IDEMPOTENT' };
  return {};
}

/** A service and its methods. */
export interface ServiceModel {
  fullName: string;
  methods: MethodModel[];
}

/** One .proto file: its package, messages, enums and services. */
export interface FileModel {
  /** As imported: "kitchen.proto", "shapes/common.proto". */
  name: string;
  package: string;
  /** Read by the descriptors built from the model (JSON presence rules, packing); the generator ignores it. */
  syntax: 'proto2' | 'proto3';
  messages: MessageModel[];
  enums: EnumModel[];
  services: ServiceModel[];
}

/** Every file of a set, and which file holds each message and enum, by full name. */
export interface SchemaModel {
  files: Map<string, FileModel>;
  owner: Map<string, string>;
}

/** Indexes the types of the files by full name (nested ones included). */
export function schemaModel(files: FileModel[]): SchemaModel {
  const model: SchemaModel = { files: new Map(), owner: new Map() };
  const index = (file: string, messages: MessageModel[], enums: EnumModel[]) => {
    for (const e of enums) model.owner.set(e.fullName, file);
    for (const m of messages) {
      model.owner.set(m.fullName, file);
      index(file, m.messages, m.enums);
    }
  };
  for (const file of files) {
    model.files.set(file.name, file);
    index(file.name, file.messages, file.enums);
  }
  return model;
}

/** Oneofs ordered by their first member, as the fields are ordered. */
export function orderOneofs(fields: FieldModel[], oneofs: OneofModel[]): OneofModel[] {
  const first = (o: OneofModel) => fields.findIndex((f) => f.oneof === o.name);
  return oneofs.filter((o) => o.fields.length > 0).sort((a, b) => first(a) - first(b));
}
