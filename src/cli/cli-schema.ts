import { readFileSync } from 'node:fs';
import { type DescEnum, type DescMessage, type DescService, fromBinary, type FileRegistry, toBinary } from '@bufbuild/protobuf';
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import { descriptorsOf, loadProtos, registryOf } from '../codegen/index.js';
import { type CallOptions, type ClientOptions, reflect } from '../grpc/index.js';
import { LocalError } from './errors.js';

// What list, describe and call know of the server's services: from --proto files, --protoset files or server
// reflection, as a @bufbuild/protobuf registry (the JSON and text mappings, describe) and a protobufjs root (the
// client, --trace), with the comments of the source where it has them (describe).

export interface CliSchema {
  services: string[];
  registry: FileRegistry;
  root: protobuf.Root;
  /** The leading comment of an element by full name ("pkg.Msg", "pkg.Msg.field", "pkg.Enum.VALUE"), as lines. */
  comments(fullName: string): string[] | undefined;
}

/** The schema of .proto files, imports searched along the import paths (default: the current directory). */
export function protoSchema(files: string[], importPaths: string[]): CliSchema {
  let loaded;
  try {
    loaded = loadProtos(files, importPaths);
  } catch (err) {
    throw new LocalError(`--proto: ${(err as Error).message}`);
  }
  const registry = registryOf(descriptorsOf(loaded.files));
  const services = loaded.files.flatMap((f) => f.services.map((s) => s.fullName));
  return { services, registry, root: loaded.root, comments: sourceComments(loaded.root.files) };
}

/** The schema of FileDescriptorSet files (protoc -o, buf build -o; with or without their imports). */
export async function protosetSchema(files: string[]): Promise<CliSchema> {
  const byName = new Map<string, FileDescriptorProto>();
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new LocalError(`--protoset ${file}: no such file`);
    }
    let set;
    try {
      set = fromBinary(FileDescriptorSetSchema, bytes);
    } catch (err) {
      throw new LocalError(`--protoset ${file}: not a FileDescriptorSet (${(err as Error).message}); write one with protoc --include_imports -o ${file}`);
    }
    for (const f of set.file) if (!byName.has(f.name)) byName.set(f.name, f);
  }
  let registry: FileRegistry;
  try {
    registry = registryOf([...byName.values()]);
  } catch (err) {
    throw new LocalError(`--protoset: ${(err as Error).message}; write the set with protoc --include_imports`);
  }
  const services = [...byName.values()].flatMap((f) => f.service.map((s) => (f.package ? `${f.package}.${s.name}` : s.name)));
  return { services, registry, root: await rootOf(registry), comments: descriptorComments(registry) };
}

/** The schema the server's reflection service gives; `call` carries the deadline and the reflection metadata. */
export async function reflectionSchema(address: string, options: ClientOptions, call: CallOptions): Promise<CliSchema> {
  const { services, root, files } = await reflect(address, options, call);
  const registry = registryOf(files.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes)));
  return { services, root, registry, comments: descriptorComments(registry) };
}

/** A protobufjs root of every file of a registry (the well-known ones it added included). */
async function rootOf(registry: FileRegistry): Promise<protobuf.Root> {
  await import('protobufjs/ext/descriptor/index.js');
  const set = toBinary(FileDescriptorSetSchema, { $typeName: 'google.protobuf.FileDescriptorSet', file: [...registry.files].map((f) => f.proto) });
  const root = (protobuf.Root as unknown as { fromDescriptor(bytes: Uint8Array): protobuf.Root }).fromDescriptor(set);
  root.resolveAll();
  return root;
}

/** Comment lines of a comment's text: one leading space of each dropped (protoc keeps it), blank edges dropped. */
function lines(text: string | undefined | null): string[] | undefined {
  if (!text) return undefined;
  const out = text.replace(/\n$/, '').split('\n').map((l) => l.replace(/^ /, '').trimEnd());
  while (out.length && out[0] === '') out.shift();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.length ? out : undefined;
}

/** The leading comments that descriptors carry in their SourceCodeInfo (protoc --include_source_info). */
function descriptorComments(registry: FileRegistry): (fullName: string) => string[] | undefined {
  const byName = new Map<string, string[]>();
  for (const file of registry.files) {
    const locations = file.proto.sourceCodeInfo?.location ?? [];
    if (!locations.length) continue;
    const byPath = new Map(locations.map((l) => [l.path.join('.'), l.leadingComments]));
    const note = (name: string, path: number[]) => {
      const found = lines(byPath.get(path.join('.')));
      if (found) byName.set(name, found);
    };
    const message = (m: DescMessage, path: number[]) => {
      note(m.typeName, path);
      m.fields.forEach((f) => note(`${m.typeName}.${f.name}`, [...path, 2, m.proto.field.findIndex((p) => p.number === f.number)]));
      m.oneofs.forEach((o, i) => note(`${m.typeName}.${o.name}`, [...path, 8, i]));
      m.nestedMessages.forEach((n) => message(n, [...path, 3, m.proto.nestedType.findIndex((p) => p.name === n.name)]));
      m.nestedEnums.forEach((e) => enumeration(e, [...path, 4, m.proto.enumType.findIndex((p) => p.name === e.name)]));
    };
    const enumeration = (e: DescEnum, path: number[]) => {
      note(e.typeName, path);
      e.values.forEach((v, i) => note(`${e.typeName}.${v.name}`, [...path, 2, i]));
    };
    const service = (s: DescService, path: number[]) => {
      note(s.typeName, path);
      s.methods.forEach((m, i) => note(`${s.typeName}.${m.name}`, [...path, 2, i]));
    };
    file.messages.forEach((m, i) => message(m, [4, i]));
    file.enums.forEach((e, i) => enumeration(e, [5, i]));
    file.services.forEach((s, i) => service(s, [6, i]));
  }
  return (name) => byName.get(name);
}

/** The comments of .proto sources, read again with protobufjs's "//" comments kept (its loader keeps none). */
function sourceComments(files: string[]): (fullName: string) => string[] | undefined {
  let byName: Map<string, string[]> | undefined;
  return (name) => {
    if (!byName) {
      byName = new Map();
      for (const file of files) {
        let root: protobuf.Root;
        try {
          root = protobuf.parse(readFileSync(file, 'utf8'), { keepCase: true, alternateCommentMode: true }).root;
        } catch {
          continue; // a bundled well-known file, or one that loaded once and cannot be read again: no comments
        }
        collect(root, byName);
      }
    }
    return byName.get(name);
  };
}

function collect(ns: protobuf.NamespaceBase, into: Map<string, string[]>): void {
  const note = (name: string, comment: string | null | undefined) => {
    const found = lines(comment);
    if (found) into.set(name.replace(/^\./, ''), found);
  };
  for (const object of ns.nestedArray) {
    note(object.fullName, object.comment);
    if (object instanceof protobuf.Type) {
      for (const f of object.fieldsArray) note(f.fullName, f.comment);
      for (const o of object.oneofsArray) note(o.fullName, o.comment);
    } else if (object instanceof protobuf.Enum) {
      for (const [value, comment] of Object.entries(object.comments)) note(`${object.fullName}.${value}`, comment);
    } else if (object instanceof protobuf.Service) {
      for (const m of object.methodsArray) note(m.fullName, m.comment);
    }
    if (object instanceof protobuf.Namespace) collect(object, into);
  }
}
