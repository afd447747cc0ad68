import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Files } from './reflection-files.js';
import { lazyService, loadService, serviceDefinition, type ServiceDefinition } from '../schema/index.js';
import { Status } from '../call/index.js';

// gRPC server reflection (grpc/doc/server-reflection.md): grpc.reflection.v1 and v1alpha ServerReflectionInfo, which
// answer with serialized FileDescriptorProtos built from the schema of the services served (through the code
// generator's model: full type names, json names, map entries, proto3 optional, as protoc writes them).

/** The path of reflection.proto (grpc.reflection.v1) as shipped. */
export const REFLECTION_PROTO = fileURLToPath(new URL('./protos/reflection.proto', import.meta.url));
/** grpc.reflection.v1.ServerReflection, for server.addService. */
export const reflectionService = lazyService('grpc.reflection.v1.ServerReflection', () => loadService(REFLECTION_PROTO, 'grpc.reflection.v1.ServerReflection'));

/** The .proto text of v1alpha: the same messages and service as v1, under the older package name. */
export function reflectionV1alphaText(): string {
  return readFileSync(REFLECTION_PROTO, 'utf8').replace('package grpc.reflection.v1;', 'package grpc.reflection.v1alpha;');
}

/** grpc.reflection.v1alpha.ServerReflection (older clients ask for it), for server.addService. */
export const reflectionV1alphaService = lazyService('grpc.reflection.v1alpha.ServerReflection', () => {
  const root = new protobuf.Root();
  protobuf.parse(reflectionV1alphaText(), root, { keepCase: true });
  root.resolveAll();
  return serviceDefinition(root, 'grpc.reflection.v1alpha.ServerReflection');
});

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
  let describe: ((roots: protobuf.Root[]) => Files) | undefined;
  let closure: ((files: Files, name: string) => Uint8Array[]) | undefined;
  const current = () => {
    const list = services();
    const key = list.map((s) => s.name).join(',');
    if (cache?.key !== key) cache = { key, files: describe!([...new Set(list.map((s) => s.root))]) };
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
      return files.byName.has(name) ? { file_descriptor_response: { file_descriptor_proto: closure!(files, name) } } : error(Status.NOT_FOUND, `no file named ${name}`);
    }
    if (request.message_request === 'file_containing_symbol') {
      const owner = files.bySymbol.get(request.file_containing_symbol!.replace(/^\./, ''));
      return owner ? { file_descriptor_response: { file_descriptor_proto: closure!(files, owner) } } : error(Status.NOT_FOUND, `no symbol named ${request.file_containing_symbol}`);
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
    // the descriptor builder (and @bufbuild/protobuf) is loaded by the first reflection call, not at import
    ({ describe, closure } = await import('./reflection-files.js'));
    for await (const request of requests) {
      const { message_request: _, ...original } = request;
      yield { valid_host: request.host ?? '', original_request: original, ...answer(request) };
    }
  };
}
