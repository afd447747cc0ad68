import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { type EnumModel, type FieldModel, type FileModel, idempotencyOf, type MessageModel, orderOneofs, SCALARS, type ServiceModel } from './model.js';

// `h2grpc gen`'s front end: .proto files parsed by protobufjs, searched for along include paths as protoc does, and
// turned into the generator's model.

/** The files loaded: their models (imports included) and the names of those asked for. */
export interface LoadedProtos {
  files: FileModel[];
  requested: string[];
  /** The parsed files, as protobufjs holds them (field names as written). */
  root: protobuf.Root;
}

/** Finds `name` ("shapes/common.proto") in the first include path holding it. */
function findInclude(name: string, includes: string[]): string | undefined {
  for (const dir of includes) {
    const candidate = path.resolve(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The name protoc would give `file`: its path relative to the include path that holds it. A file outside every
 * include path is an error, as with protoc.
 */
function protoName(file: string, includes: string[]): string {
  const absolute = path.resolve(file);
  for (const dir of includes) {
    const relative = path.relative(path.resolve(dir), absolute);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  throw new Error(`${file} is not under any include path (${includes.join(', ')}); add -I for its directory`);
}

/** Parses the files and their imports; includes default to the current directory. */
export function loadProtos(files: string[], includes: string[] = []): LoadedProtos {
  const dirs = includes.length ? includes : ['.'];
  const names = new Map<string, string>(); // absolute path -> name as imported
  // a file is found as given, or (as protoc and grpcurl do) under an include path
  const found = files.map((file) => (existsSync(file) || path.isAbsolute(file) ? file : findInclude(file, dirs) ?? file));
  const requested = found.map((file, i) => {
    if (!existsSync(file)) throw new Error(`${files[i]}: no such file${includes.length ? ` (nor under ${includes.join(', ')})` : ''}`);
    const name = protoName(file, dirs);
    names.set(path.resolve(file), name);
    return name;
  });
  const root = new protobuf.Root();
  // protobufjs parses each file as soon as it has resolved its path: the last one resolved is the one being parsed
  let parsing: string | undefined;
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return (parsing = target);
    const found = findInclude(target, dirs);
    if (found) {
      names.set(found, target);
      return (parsing = found);
    }
    // google/protobuf/*.proto that no include path holds: protobufjs's own copies of the well-known types
    return target;
  };
  try {
    root.loadSync(found.map((f) => path.resolve(f)), { keepCase: true });
  } catch (err) {
    const missing = /^ENOENT[^']*'([^']*)'/.exec((err as Error).message);
    if (missing) throw new Error(`${missing[1]}: not found in the include paths (${dirs.join(', ')}); add -I for its directory`);
    throw located(err as Error, parsing);
  }
  root.resolveAll();
  const byFile = new Map<string, FileModel>();
  for (const file of modelsOfRoot(root, (object) => (object.filename ? names.get(object.filename) : undefined))) byFile.set(file.name, file);
  for (const name of requested) {
    if (!byFile.has(name)) byFile.set(name, { name, package: '', syntax: 'proto3', messages: [], enums: [], services: [] });
  }
  return { files: [...byFile.values()], requested, root };
}

/** A file as the user would name it: relative to the working directory when it is under it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * A parse error of protobufjs ("illegal token '}' (/abs/pi.proto, line 3)") as a compiler says it: "pi.proto:3:2:
 * illegal token '}'" (the column when the token is once on its line). Another error thrown while a file was parsed
 * ("duplicate name …") is put behind that file's name.
 */
function located(err: Error, parsing: string | undefined): Error {
  const match = /^(.*) \((?:(.+), )?line (\d+)\)$/s.exec(err.message);
  const file = match?.[2] ?? parsing;
  if (!file) return err;
  if (!match) return new Error(`${shown(file)}: ${err.message}`);
  const [, reason, , line] = match as unknown as [string, string, string | undefined, string];
  let column = '';
  const token = /^illegal \w+ '(.*?)'/s.exec(reason!)?.[1];
  try {
    const text = readFileSync(file, 'utf8').split('\n')[Number(line) - 1] ?? '';
    if (token && text.indexOf(token) >= 0 && text.indexOf(token) === text.lastIndexOf(token)) column = `:${text.indexOf(token) + 1}`;
  } catch {
    // a bundled file: the line alone
  }
  return new Error(`${shown(file)}:${line}${column}: ${reason}`);
}

/** The files of a protobufjs root, each object's file named by `nameOf` (objects without one are left out). */
export function modelsOfRoot(root: protobuf.Root, nameOf: (object: protobuf.ReflectionObject) => string | undefined): FileModel[] {
  const byFile = new Map<string, FileModel>();
  const fileOf = (object: protobuf.ReflectionObject): FileModel | undefined => {
    const name = nameOf(object);
    if (!name) return undefined;
    let model = byFile.get(name);
    if (!model) {
      const edition = (object as unknown as { _edition?: string })._edition;
      model = { name, package: packageOf(object), syntax: edition === 'proto2' ? 'proto2' : 'proto3', messages: [], enums: [], services: [] };
      byFile.set(name, model);
    }
    return model;
  };
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const object of ns.nestedArray) {
      if (object instanceof protobuf.Type) {
        fileOf(object)?.messages.push(messageModel(object));
      } else if (object instanceof protobuf.Enum) {
        fileOf(object)?.enums.push(enumModel(object));
      } else if (object instanceof protobuf.Service) {
        fileOf(object)?.services.push(serviceModel(object));
      } else if (object instanceof protobuf.Namespace) {
        visit(object);
      }
    }
  };
  visit(root);
  return [...byFile.values()];
}

const bare = (fullName: string) => fullName.replace(/^\./, '');

function packageOf(object: protobuf.ReflectionObject): string {
  let ns = object.parent;
  while (ns && !(ns instanceof protobuf.Root) && (ns instanceof protobuf.Type || ns instanceof protobuf.Service)) ns = ns.parent;
  return ns && !(ns instanceof protobuf.Root) ? bare(ns.fullName) : '';
}

function fieldModel(field: protobuf.Field): FieldModel {
  const resolved = field.resolvedType;
  const map = field instanceof protobuf.MapField;
  const model: FieldModel = {
    name: field.name,
    id: field.id,
    type: resolved ? bare(resolved.fullName) : field.type,
    kind: resolved instanceof protobuf.Type ? 'message' : resolved instanceof protobuf.Enum ? 'enum' : 'scalar',
    repeated: field.repeated && !map,
    required: field.required,
    proto3Optional: !!field.options?.proto3_optional,
  };
  if (map) model.keyType = (field as protobuf.MapField).keyType;
  if (field.partOf) model.oneof = field.partOf.name;
  if (model.repeated && model.kind !== 'message' && model.type !== 'string' && model.type !== 'bytes') model.packed = field.packed;
  if (model.kind === 'scalar' && !SCALARS.has(model.type)) throw new Error(`${field.fullName}: unknown type ${field.type}`);
  return model;
}

function messageModel(type: protobuf.Type): MessageModel {
  const fields = type.fieldsArray.map(fieldModel);
  const messages: MessageModel[] = [];
  const enums: EnumModel[] = [];
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) messages.push(messageModel(nested));
    else if (nested instanceof protobuf.Enum) enums.push(enumModel(nested));
  }
  const oneofs = type.oneofsArray.map((o) => ({ name: o.name, fields: o.fieldsArray.map((f) => f.name) }));
  return { fullName: bare(type.fullName), fields, oneofs: orderOneofs(fields, oneofs), messages, enums };
}

function enumModel(e: protobuf.Enum): EnumModel {
  return { fullName: bare(e.fullName), values: Object.entries(e.values) };
}

function serviceModel(service: protobuf.Service): ServiceModel {
  return {
    fullName: bare(service.fullName),
    methods: service.methodsArray.map((m) => ({
      name: m.name,
      input: bare(m.resolvedRequestType!.fullName),
      output: bare(m.resolvedResponseType!.fullName),
      clientStreaming: !!m.requestStream,
      serverStreaming: !!m.responseStream,
      ...idempotencyOf(m.options?.['idempotency_level']),
    })),
  };
}
