import protobuf from 'protobufjs';
import { serviceDefinition } from './schema.js';
import type { ServiceShape, TypedServiceDefinition } from './service-types.js';

// What generated code (`h2grpc gen`, protoc-gen-h2grpc) builds at import time: the schema of one .proto file, carried
// in the module as protobufjs JSON, so a program needs no .proto files at run time.

/** One .proto file's schema and the files whose types it names. */
export interface FileDefinition {
  /** The .proto file's name as imported, e.g. "pi.proto" or "google/protobuf/timestamp.proto". */
  readonly name: string;
  /** protobufjs JSON of the file's own types (a namespace: `{ nested: … }`), every type named by its full name. */
  readonly json: object;
  readonly dependencies: readonly FileDefinition[];
  /** A protobufjs root holding this file and everything it depends on (built once, on first use). */
  root(): protobuf.Root;
  /** A service of this file, typed by the shape the generated code declares. */
  service<S extends ServiceShape>(fullName: string): TypedServiceDefinition<S>;
}

/** The FileDefinition of a generated module. */
export function defineFile(name: string, json: object, dependencies: readonly FileDefinition[] = []): FileDefinition {
  let root: protobuf.Root | undefined;
  const file: FileDefinition = {
    name,
    json,
    dependencies,
    root() {
      if (root) return root;
      const built = new protobuf.Root();
      const added = new Set<FileDefinition>();
      const add = (f: FileDefinition) => {
        if (added.has(f)) return;
        added.add(f);
        for (const dep of f.dependencies) add(dep);
        const nested = (f.json as protobuf.INamespace).nested;
        if (!nested) return;
        built.addJSON(nested);
        // the file's name on its package namespace, which reflection (FileDescriptorProto.name) reads
        let ns: protobuf.NamespaceBase = built;
        let json: protobuf.INamespace | undefined = f.json as protobuf.INamespace;
        while (json?.nested && Object.keys(json.nested).length === 1 && !('fields' in Object.values(json.nested)[0]!)) {
          const [name, inner] = Object.entries(json.nested)[0]!;
          const next = ns.get(name);
          if (!(next instanceof protobuf.Namespace) || next instanceof protobuf.Type || next instanceof protobuf.Service) break;
          ns = next;
          json = inner as protobuf.INamespace;
        }
        if (ns !== built && !ns.filename) ns.filename = f.name;
      };
      add(file);
      built.resolveAll();
      root = built;
      return built;
    },
    service<S extends ServiceShape>(fullName: string) {
      return serviceDefinition(file.root(), fullName) as TypedServiceDefinition<S>;
    },
  };
  return file;
}
