import { fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type protobuf from 'protobufjs';
import { descriptorsOf, loadProtos, registryOf } from '../codegen/index.js';
import { type ClientOptions, reflect } from '../grpc/index.js';
import { LocalError } from './errors.js';

// What list, describe and call know of the server's services: from --proto files or from server reflection, as a
// @bufbuild/protobuf registry (the JSON mapping, describe) and a protobufjs root (the client, --trace).

export interface CliSchema {
  services: string[];
  registry: FileRegistry;
  root: protobuf.Root;
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
  const root = loaded.root;
  const services = loaded.files.flatMap((f) => f.services.map((s) => s.fullName));
  return { services, registry, root };
}

/** The schema the server's reflection service gives. */
export async function reflectionSchema(address: string, options: ClientOptions, timeout?: number): Promise<CliSchema> {
  const { services, root, files } = await reflect(address, options, { timeout });
  return { services, root, registry: registryOf(files.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes))) };
}
