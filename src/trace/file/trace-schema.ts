import { create, fromBinary, type FileRegistry, toBinary, toJson } from '@bufbuild/protobuf';
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import { descriptorsOfRoots, modelsOfDescriptors, protobufJson, registryOf } from '../../codegen/index.js';
import { healthService, loadProto, reflectionService, reflectionV1alphaService, serviceDefinition, type ServiceDefinition } from '../../grpc/index.js';
import { traceSchema, type TraceSchema } from '../decode/index.js';
import type { TraceHeader } from './trace-file.js';

// The schema a trace file carries: its services' FileDescriptorProtos as one serialized FileDescriptorSet (base64 in
// the header), so that a trace decodes anywhere, without the .proto files it was recorded with.

/** The header's "schema" for these services, or undefined when there are none. */
export function encodeSchema(services: ServiceDefinition[]): string | undefined {
  if (services.length === 0) return undefined;
  const files = descriptorsOfRoots(services.map((s) => s.root));
  return Buffer.from(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files }))).toString('base64');
}

/**
 * The services an h2grpc server ships (health, reflection v1 and v1alpha) added to `services` when not among them:
 * a trace decodes their messages without carrying their schema (a server serving reflection answers calls the
 * application never registered).
 */
export function withShippedServices(services: ServiceDefinition[]): ServiceDefinition[] {
  const shipped = [healthService, reflectionService, reflectionV1alphaService].filter((s) => !services.some((x) => x.name === s.name));
  return [...services, ...shipped];
}

/**
 * What a reader decodes with: the trace's own schema, else its (older) .proto paths, plus --proto files given, plus
 * the services every h2grpc server ships (health, reflection).
 */
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
  const shipped = withShippedServices(services).slice(services.length);
  try {
    files.push(...descriptorsOfRoots(shipped.map((s) => s.root)).filter((d) => !files.some((f) => f.name === d.name)));
    services.push(...shipped);
  } catch {
    // decoded without them
  }
  let registry: FileRegistry | undefined;
  try {
    registry = files.length ? registryOf(files) : undefined;
  } catch {
    registry = undefined;
  }
  return { services, schema: registry && traceSchema(registry) };
}

/** The services of these .proto files (broken ones left out), and those every h2grpc server ships. */
export function protoServices(protos: string[]): ServiceDefinition[] {
  return readSchema({ h2grpc_trace: 1, role: 'server', started: '' }, protos).services;
}
