import { create, createFileRegistry, type DescFile, type FileRegistry } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, type DescriptorProto,
  type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema,
  file_google_protobuf_any, file_google_protobuf_duration, file_google_protobuf_empty, file_google_protobuf_field_mask,
  file_google_protobuf_struct, file_google_protobuf_timestamp, file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import { type FieldModel, type FileModel, type MessageModel, schemaModel } from './model.js';
import { fileNames, fileSourceOf } from './file-names.js';
import { modelsOfRoot } from './proto-files.js';

// The model back as google.protobuf.FileDescriptorProtos (as protoc would write them): what a registry of
// @bufbuild/protobuf needs for the ProtoJSON mapping, and what reflection serves.

const SCALAR_TYPES: Record<string, Type> = {
  double: Type.DOUBLE, float: Type.FLOAT, int64: Type.INT64, uint64: Type.UINT64, int32: Type.INT32, fixed64: Type.FIXED64,
  fixed32: Type.FIXED32, bool: Type.BOOL, string: Type.STRING, bytes: Type.BYTES, uint32: Type.UINT32, sfixed32: Type.SFIXED32,
  sfixed64: Type.SFIXED64, sint32: Type.SINT32, sint64: Type.SINT64,
};

/** The well-known files as @bufbuild/protobuf carries them, by name. */
export const WELL_KNOWN_DESCRIPTORS: ReadonlyMap<string, DescFile> = new Map([
  file_google_protobuf_any, file_google_protobuf_duration, file_google_protobuf_empty, file_google_protobuf_field_mask,
  file_google_protobuf_struct, file_google_protobuf_timestamp, file_google_protobuf_wrappers,
].map((f) => [f.proto.name, f]));

/** protoc's json_name: each "_" dropped and the letter after it capitalized ("f_int64" -> "fInt64"). */
export function jsonName(name: string): string {
  return name.replace(/_+([a-z])?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

/** "by_name" -> "ByNameEntry", protoc's name for a map's entry type. */
const entryName = (field: string) => `${field.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Entry`;

/** FileDescriptorProtos of the given files (the files they import must be among them, or well-known). */
export function descriptorsOf(files: FileModel[]): FileDescriptorProto[] {
  const schema = schemaModel(files);
  return files.map((file) => {
    const deps = new Set<string>();
    const ref = (fullName: string) => {
      const owner = schema.owner.get(fullName) ?? (fullName.startsWith('google.protobuf.') ? wellKnownOwner(fullName) : undefined);
      if (owner && owner !== file.name) deps.add(owner);
      return `.${fullName}`;
    };
    const proto3 = file.syntax === 'proto3';
    const field = (f: FieldModel, oneofIndex: number | undefined, entry: string | undefined) => {
      const type = entry ? Type.MESSAGE : f.kind === 'message' ? Type.MESSAGE : f.kind === 'enum' ? Type.ENUM : SCALAR_TYPES[f.type]!;
      return {
        name: f.name,
        number: f.id,
        jsonName: jsonName(f.name),
        label: f.repeated || entry ? Label.REPEATED : f.required ? Label.REQUIRED : Label.OPTIONAL,
        type,
        ...(entry ? { typeName: entry } : f.kind !== 'scalar' ? { typeName: ref(f.type) } : {}),
        ...(oneofIndex !== undefined ? { oneofIndex } : {}),
        ...(f.proto3Optional ? { proto3Optional: true } : {}),
        ...(f.packed !== undefined && f.packed !== proto3 ? { options: { packed: f.packed } } : {}),
      };
    };
    const message = (m: MessageModel): Partial<DescriptorProto> => {
      // real oneofs first, then the synthetic ones of proto3 optional fields, as protoc orders them
      const synthetic = (name: string) => m.fields.some((f) => f.oneof === name && f.proto3Optional);
      const oneofs = [...m.oneofs.filter((o) => !synthetic(o.name)), ...m.oneofs.filter((o) => synthetic(o.name))];
      const entries: unknown[] = [];
      const fields = m.fields.map((f) => {
        const index = f.oneof === undefined ? undefined : oneofs.findIndex((o) => o.name === f.oneof);
        if (!f.keyType) return field(f, index, undefined);
        const name = entryName(f.name);
        entries.push({
          name,
          field: [
            field({ name: 'key', id: 1, type: f.keyType, kind: 'scalar', repeated: false, required: false, proto3Optional: false }, undefined, undefined),
            field({ ...f, name: 'value', id: 2, keyType: undefined, repeated: false, oneof: undefined }, undefined, undefined),
          ],
          options: { mapEntry: true },
        });
        return field(f, index, `.${m.fullName}.${name}`);
      });
      return {
        name: m.fullName.slice(m.fullName.lastIndexOf('.') + 1),
        field: fields,
        nestedType: [...m.messages.map(message), ...entries] as DescriptorProto[],
        enumType: m.enums.map(enumProto) as never,
        oneofDecl: oneofs.map((o) => ({ name: o.name })) as never,
      } as unknown as Partial<DescriptorProto>;
    };
    const enumProto = (e: { fullName: string; values: Array<[string, number]> }) => ({
      name: e.fullName.slice(e.fullName.lastIndexOf('.') + 1),
      value: e.values.map(([name, number]) => ({ name, number })),
    });
    const messageType = file.messages.map(message);
    const service = file.services.map((s) => ({
      name: s.fullName.slice(s.fullName.lastIndexOf('.') + 1),
      method: s.methods.map((m) => ({
        name: m.name,
        inputType: ref(m.input),
        outputType: ref(m.output),
        ...(m.clientStreaming ? { clientStreaming: true } : {}),
        ...(m.serverStreaming ? { serverStreaming: true } : {}),
        // descriptor.proto MethodOptions.IdempotencyLevel: NO_SIDE_EFFECTS = 1, IDEMPOTENT = 2
        ...(m.idempotency ? { options: { idempotencyLevel: m.idempotency === 'NO_SIDE_EFFECTS' ? 1 : 2 } } : {}),
      })),
    }));
    return create(FileDescriptorProtoSchema, {
      name: file.name,
      package: file.package,
      dependency: [...deps].sort(),
      messageType: messageType as never,
      enumType: file.enums.map(enumProto) as never,
      service: service as never,
      syntax: file.syntax,
    });
  });
}

/** Sets json_name where a descriptor leaves it out (protoc always writes it; some reflection services do not). */
function fillJsonNames(messages: DescriptorProto[]): void {
  for (const m of messages) {
    for (const f of m.field) if (!f.jsonName) f.jsonName = jsonName(f.name);
    fillJsonNames(m.nestedType);
  }
}

/** A registry of the files and every well-known file they import. */
export function registryOf(files: FileDescriptorProto[]): FileRegistry {
  for (const f of files) fillJsonNames(f.messageType);
  const have = new Set(files.map((f) => f.name));
  const extra = [...new Set(files.flatMap((f) => f.dependency))].filter((d) => !have.has(d)).map((d) => {
    const known = WELL_KNOWN_DESCRIPTORS.get(d);
    if (!known) throw new Error(`the schema imports ${d}, which it does not include`);
    return known.proto;
  });
  // every file after the files it imports, as a FileDescriptorSet is read
  const byName = new Map([...extra, ...files].map((f) => [f.name, f]));
  const ordered: FileDescriptorProto[] = [];
  const placed = new Set<string>();
  const place = (f: FileDescriptorProto) => {
    if (placed.has(f.name)) return;
    placed.add(f.name);
    for (const d of f.dependency) if (byName.has(d)) place(byName.get(d)!);
    ordered.push(f);
  };
  for (const f of byName.values()) place(f);
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}

function wellKnownOwner(fullName: string): string | undefined {
  for (const [name, file] of WELL_KNOWN_DESCRIPTORS) {
    const pkg = file.proto.package;
    if (file.proto.messageType.some((m) => `${pkg}.${m.name}` === fullName) || file.proto.enumType.some((e) => `${pkg}.${e.name}` === fullName)) return name;
  }
  return undefined;
}

/**
 * FileDescriptorProtos of the files of protobufjs roots (as loaded by loadProto or built by generated code), and of
 * the well-known files they import: what reflection serves and what the trace printer maps to ProtoJSON with. A file
 * met in two roots (by path, or by declaring nothing another has not) is described once; names come from fileNames.
 */
export function descriptorsOfRoots(roots: protobuf.Root[]): FileDescriptorProto[] {
  const models: FileModel[] = [];
  const sources = new Set<string>();
  const symbols = new Set<string>();
  for (const root of new Set(roots)) {
    for (const model of modelsOfRoot(root, fileSourceOf)) {
      const own = [...model.messages, ...model.enums, ...model.services].map((m) => m.fullName);
      if (sources.has(model.name) || (own.length > 0 && own.every((name) => symbols.has(name)))) continue;
      sources.add(model.name);
      for (const name of own) symbols.add(name);
      models.push(model);
    }
  }
  const names = fileNames(models.map((m) => ({ source: m.name, package: m.package })));
  for (const model of models) model.name = names.get(model.name)!;
  const descriptors = descriptorsOf(models);
  const named = new Set(models.map((m) => m.name));
  for (const name of new Set(descriptors.flatMap((d) => d.dependency))) {
    const known = !named.has(name) ? WELL_KNOWN_DESCRIPTORS.get(name) : undefined;
    if (known) descriptors.push(known.proto);
  }
  return descriptors;
}
