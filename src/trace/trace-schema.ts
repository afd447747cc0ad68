import { create, fromBinary, type FileRegistry, toBinary, toJson } from '@bufbuild/protobuf';
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import { descriptorsOfRoots, modelsOfDescriptors, protobufJson, registryOf } from '../codegen/index.js';
import { loadProto, serviceDefinition, type ServiceDefinition } from '../grpc/index.js';
import { traceSchema, type TraceSchema } from './message-octets.js';
import type { TraceHeader } from './trace-file.js';

// The schema a trace file carries: its services' FileDescriptorProtos as one serialized FileDescriptorSet (base64 in
// the header), so that a trace decodes anywhere, without the .proto files it was recorded with.

/** The header's "schema" for these services, or undefined when there are none. */
export function encodeSchema(services: ServiceDefinition[]): string | undefined {
  if (services.length === 0) return undefined;
  const files = descriptorsOfRoots(services.map((s) => s.root));
  return Buffer.from(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files }))).toString('base64');
}

/** What a reader decodes with: the trace's own schema, else its (older) .proto paths, plus --proto files given. */
export function readSchema(header: TraceHeader, extraProtos: string[] = []): { services: ServiceDefinition[]; schema?: TraceSchema } {
  const files: FileDescriptorProto[] = [];
  const services: ServiceDefinition[] = [];
  if (header.schema) {
    const set = fromBinary(FileDescriptorSetSchema, Buffer.from(header.schema, 'base64'));
    files.push(...set.file);
    const models = modelsOfDescriptors(set.file.map((f) => toJson(FileDescriptorProtoSchema, f)));
    const root = new protobuf.Root();
    for (const model of models) {
      const nested = (protobufJson(model) as protobuf.INamespace).nested;
      if (nested) root.addJSON(nested);
    }
    root.resolveAll();
    for (const model of models) for (const s of model.services) services.push(serviceDefinition(root, s.fullName));
  }
  for (const file of [...(header.schema ? [] : header.protos ?? []), ...extraProtos]) {
    try {
      const root = loadProto(file);
      const walk = (ns: protobuf.NamespaceBase) => {
        for (const child of ns.nestedArray) {
          if (child instanceof protobuf.Service) services.push(serviceDefinition(root, child.fullName.slice(1)));
          else if (child instanceof protobuf.Namespace) walk(child);
        }
      };
      walk(root);
      files.push(...descriptorsOfRoots([root]).filter((d) => !files.some((f) => f.name === d.name)));
    } catch {
      // a .proto that is gone or broken: its messages stay undecoded
    }
  }
  let registry: FileRegistry | undefined;
  try {
    registry = files.length ? registryOf(files) : undefined;
  } catch {
    registry = undefined;
  }
  return { services, schema: registry && traceSchema(registry) };
}
