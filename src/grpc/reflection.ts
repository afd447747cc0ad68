import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import { loadService, serviceDefinition, type ServiceDefinition } from './schema.js';
import { Status } from './status.js';

// gRPC server reflection (grpc/doc/server-reflection.md): grpc.reflection.v1 and v1alpha ServerReflectionInfo, which
// answer with serialized FileDescriptorProtos built from the protobufjs schema of the services served.

/** The path of reflection.proto (grpc.reflection.v1) as shipped. */
export const REFLECTION_PROTO = fileURLToPath(new URL('./protos/reflection.proto', import.meta.url));
/** grpc.reflection.v1.ServerReflection, for server.addService. */
export const reflectionService = loadService(REFLECTION_PROTO, 'grpc.reflection.v1.ServerReflection');

/** The .proto text of v1alpha: the same messages and service as v1, under the older package name. */
export function reflectionV1alphaText(): string {
  return readFileSync(REFLECTION_PROTO, 'utf8').replace('package grpc.reflection.v1;', 'package grpc.reflection.v1alpha;');
}

/** grpc.reflection.v1alpha.ServerReflection (older clients ask for it), for server.addService. */
export const reflectionV1alphaService = (() => {
  const root = new protobuf.Root();
  protobuf.parse(reflectionV1alphaText(), root, { keepCase: true });
  root.resolveAll();
  return serviceDefinition(root, 'grpc.reflection.v1alpha.ServerReflection');
})();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Descriptor = any;
const descriptorTypes = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor;

interface Files {
  byName: Map<string, Descriptor>;
  bytes: Map<string, Uint8Array>;
  bySymbol: Map<string, string>;
  messages: Set<string>;
}

/** FileDescriptorProtos for every root, one per package, with the dependencies protobufjs leaves out filled in. */
function describe(roots: protobuf.Root[]): Files {
  const files: Files = { byName: new Map(), bytes: new Map(), bySymbol: new Map(), messages: new Set() };
  for (const root of roots) {
    const set = (root as unknown as { toDescriptor(syntax: string): { file: Descriptor[] } }).toDescriptor('proto3');
    for (const file of set.file) {
      if (files.byName.has(file.name)) continue;
      files.byName.set(file.name, file);
      const pkg = file.package ? `${file.package}.` : '';
      const index = (messages: Descriptor[], prefix: string) => {
        for (const m of messages ?? []) {
          files.bySymbol.set(prefix + m.name, file.name);
          files.messages.add(prefix + m.name);
          index(m.nestedType, `${prefix}${m.name}.`);
          for (const e of m.enumType ?? []) files.bySymbol.set(`${prefix}${m.name}.${e.name}`, file.name);
        }
      };
      index(file.messageType, pkg);
      for (const e of file.enumType ?? []) files.bySymbol.set(pkg + e.name, file.name);
      for (const s of file.service ?? []) {
        files.bySymbol.set(pkg + s.name, file.name);
        for (const m of s.method ?? []) files.bySymbol.set(`${pkg}${s.name}.${m.name}`, file.name);
      }
    }
  }
  // protobufjs does not list imports: a file depends on every other file whose types it names
  for (const file of files.byName.values()) {
    const referenced = new Set<string>();
    const walk = (messages: Descriptor[]) => {
      for (const m of messages ?? []) {
        for (const f of m.field ?? []) if (f.typeName) referenced.add(f.typeName.replace(/^\./, ''));
        walk(m.nestedType);
      }
    };
    walk(file.messageType);
    for (const s of file.service ?? []) for (const m of s.method ?? []) referenced.add(m.inputType.replace(/^\./, '')).add(m.outputType.replace(/^\./, ''));
    const deps = new Set<string>();
    for (const symbol of referenced) {
      const owner = files.bySymbol.get(symbol);
      if (owner && owner !== file.name) deps.add(owner);
    }
    file.dependency = [...deps].sort();
    files.bytes.set(file.name, descriptorTypes.FileDescriptorProto!.encode(file).finish());
  }
  return files;
}

/** The file and every file it depends on, directly or not, the file first. */
function closure(files: Files, name: string): Uint8Array[] {
  const seen: string[] = [];
  const visit = (n: string) => {
    if (seen.includes(n)) return;
    seen.push(n);
    for (const dep of files.byName.get(n)?.dependency ?? []) visit(dep);
  };
  visit(name);
  return seen.map((n) => files.bytes.get(n)!);
}

interface ReflectionRequest {
  host?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type: string; extension_number: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
  message_request?: string;
}

/**
 * The ServerReflectionInfo handler for the services `services()` returns (asked at each request, so services added
 * later are included).
 */
export function reflectionHandler(services: () => ServiceDefinition[]) {
  let cache: { key: string; files: Files } | undefined;
  const current = () => {
    const list = services();
    const key = list.map((s) => s.name).join(',');
    if (cache?.key !== key) cache = { key, files: describe([...new Set(list.map((s) => s.root))]) };
    return { list, files: cache.files };
  };
  const error = (code: number, message: string) => ({ error_response: { error_code: code, error_message: message } });
  const answer = (request: ReflectionRequest) => {
    const { list, files } = current();
    if (request.list_services !== undefined && request.message_request === 'list_services') {
      return { list_services_response: { service: list.map((s) => ({ name: s.name })) } };
    }
    if (request.message_request === 'file_by_filename') {
      const name = request.file_by_filename!;
      return files.byName.has(name) ? { file_descriptor_response: { file_descriptor_proto: closure(files, name) } } : error(Status.NOT_FOUND, `no file named ${name}`);
    }
    if (request.message_request === 'file_containing_symbol') {
      const owner = files.bySymbol.get(request.file_containing_symbol!.replace(/^\./, ''));
      return owner ? { file_descriptor_response: { file_descriptor_proto: closure(files, owner) } } : error(Status.NOT_FOUND, `no symbol named ${request.file_containing_symbol}`);
    }
    if (request.message_request === 'file_containing_extension') {
      return error(Status.NOT_FOUND, `no extension ${request.file_containing_extension?.extension_number} of ${request.file_containing_extension?.containing_type}`);
    }
    if (request.message_request === 'all_extension_numbers_of_type') {
      const type = request.all_extension_numbers_of_type!.replace(/^\./, '');
      return files.messages.has(type) ? { all_extension_numbers_response: { base_type_name: type, extension_number: [] } } : error(Status.NOT_FOUND, `no message type named ${type}`);
    }
    return error(Status.INVALID_ARGUMENT, 'the request names no message_request');
  };
  return async function* ServerReflectionInfo(requests: AsyncIterable<ReflectionRequest>) {
    for await (const request of requests) {
      const { message_request: _, ...original } = request;
      yield { valid_host: request.host ?? '', original_request: original, ...answer(request) };
    }
  };
}
