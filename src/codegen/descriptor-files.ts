import { type EnumModel, type FieldModel, type FileModel, idempotencyOf, type MessageModel, type OneofModel, orderOneofs, type ServiceModel } from './model.js';

// protoc-gen-h2grpc's front end: FileDescriptorProtos (google/protobuf/descriptor.proto, as plain objects with enums as
// names) turned into the generator's model.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Descriptor = any;

const TYPE_NAMES: Record<string, string> = {
  TYPE_DOUBLE: 'double', TYPE_FLOAT: 'float', TYPE_INT64: 'int64', TYPE_UINT64: 'uint64', TYPE_INT32: 'int32',
  TYPE_FIXED64: 'fixed64', TYPE_FIXED32: 'fixed32', TYPE_BOOL: 'bool', TYPE_STRING: 'string', TYPE_BYTES: 'bytes',
  TYPE_UINT32: 'uint32', TYPE_SFIXED32: 'sfixed32', TYPE_SFIXED64: 'sfixed64', TYPE_SINT32: 'sint32', TYPE_SINT64: 'sint64',
};

const bare = (name: string) => name.replace(/^\./, '');

/** The models of every file of a CodeGeneratorRequest (or a FileDescriptorSet). */
export function modelsOfDescriptors(files: Descriptor[]): FileModel[] {
  // map entry types, by full name, across all files (a map's value may be declared anywhere)
  const entries = new Map<string, Descriptor>();
  const findEntries = (prefix: string, messages: Descriptor[] = []) => {
    for (const m of messages) {
      if (m.options?.mapEntry) entries.set(prefix + m.name, m);
      findEntries(`${prefix}${m.name}.`, m.nestedType);
    }
  };
  for (const file of files) findEntries(file.package ? `${file.package}.` : '', file.messageType);
  return files.map((file) => fileModel(file, entries));
}

function fileModel(file: Descriptor, entries: Map<string, Descriptor>): FileModel {
  if (file.syntax === 'editions') throw new Error(`${file.name}: protobuf editions are not supported yet (proto2 and proto3 are)`);
  const proto3 = file.syntax === 'proto3';
  const pkg: string = file.package ?? '';
  const prefix = pkg ? `${pkg}.` : '';
  const scalarOrType = (field: Descriptor): Pick<FieldModel, 'type' | 'kind'> => {
    if (field.type === 'TYPE_MESSAGE') return { type: bare(field.typeName), kind: 'message' };
    if (field.type === 'TYPE_ENUM') return { type: bare(field.typeName), kind: 'enum' };
    const type = TYPE_NAMES[field.type];
    if (!type) throw new Error(`${file.name}: field ${field.name} has type ${field.type}, which is not supported`);
    return { type, kind: 'scalar' };
  };
  const field = (f: Descriptor, oneofs: Descriptor[]): FieldModel => {
    const entry = f.type === 'TYPE_MESSAGE' && f.label === 'LABEL_REPEATED' ? entries.get(bare(f.typeName)) : undefined;
    const model: FieldModel = {
      name: f.name,
      id: f.number,
      ...(entry ? scalarOrType(entry.field[1]) : scalarOrType(f)),
      repeated: f.label === 'LABEL_REPEATED' && !entry,
      required: f.label === 'LABEL_REQUIRED',
      proto3Optional: !!f.proto3Optional,
    };
    if (entry) model.keyType = scalarOrType(entry.field[0]).type;
    if (f.oneofIndex !== undefined && f.oneofIndex !== null) model.oneof = oneofs[f.oneofIndex]?.name;
    if (model.repeated && model.kind !== 'message' && model.type !== 'string' && model.type !== 'bytes') model.packed = f.options?.packed ?? proto3;
    return model;
  };
  const enumModel = (e: Descriptor, scope: string): EnumModel => ({
    fullName: scope + e.name,
    values: (e.value ?? []).map((v: Descriptor) => [v.name, v.number ?? 0]),
  });
  const message = (m: Descriptor, scope: string): MessageModel => {
    const fullName = scope + m.name;
    const oneofDecl: Descriptor[] = m.oneofDecl ?? [];
    const fields = (m.field ?? []).map((f: Descriptor) => field(f, oneofDecl));
    const oneofs: OneofModel[] = oneofDecl.map((o) => ({ name: o.name, fields: fields.filter((f: FieldModel) => f.oneof === o.name).map((f: FieldModel) => f.name) }));
    return {
      fullName,
      fields,
      oneofs: orderOneofs(fields, oneofs),
      messages: (m.nestedType ?? []).filter((n: Descriptor) => !n.options?.mapEntry).map((n: Descriptor) => message(n, `${fullName}.`)),
      enums: (m.enumType ?? []).map((e: Descriptor) => enumModel(e, `${fullName}.`)),
    };
  };
  const services: ServiceModel[] = (file.service ?? []).map((s: Descriptor) => ({
    fullName: prefix + s.name,
    methods: (s.method ?? []).map((m: Descriptor) => ({
      name: m.name,
      input: bare(m.inputType),
      output: bare(m.outputType),
      clientStreaming: !!m.clientStreaming,
      serverStreaming: !!m.serverStreaming,
      ...idempotencyOf(m.options?.idempotencyLevel),
    })),
  }));
  return {
    name: file.name,
    package: pkg,
    syntax: proto3 ? 'proto3' : 'proto2',
    messages: (file.messageType ?? []).map((m: Descriptor) => message(m, prefix)),
    enums: (file.enumType ?? []).map((e: Descriptor) => enumModel(e, prefix)),
    services,
  };
}
