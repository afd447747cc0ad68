import { toBinary } from '@bufbuild/protobuf';
import { type DescriptorProto, type FileDescriptorProto, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type protobuf from 'protobufjs';
import { descriptorsOfRoots } from '../../codegen/index.js';

// What server reflection answers from: the served schema as FileDescriptorProtos, indexed by file and symbol. Loaded
// by the first reflection call (reflection.ts), so a server that is never asked does not load @bufbuild/protobuf.

export interface Files {
  byName: Map<string, FileDescriptorProto>;
  bytes: Map<string, Uint8Array>;
  bySymbol: Map<string, string>;
  messages: Set<string>;
}

/** FileDescriptorProtos (as protoc writes them) for the files of every root, and the well-known files they import. */
export function describe(roots: protobuf.Root[]): Files {
  const files: Files = { byName: new Map(), bytes: new Map(), bySymbol: new Map(), messages: new Set() };
  const index = (file: string, pkg: string, messages: DescriptorProto[]) => {
    for (const m of messages) {
      const name = pkg + m.name;
      files.bySymbol.set(name, file);
      files.messages.add(name);
      for (const e of m.enumType) files.bySymbol.set(`${name}.${e.name}`, file);
      index(file, `${name}.`, m.nestedType.filter((n) => !n.options?.mapEntry));
    }
  };
  for (const d of descriptorsOfRoots(roots)) {
    files.byName.set(d.name, d);
    files.bytes.set(d.name, toBinary(FileDescriptorProtoSchema, d));
    const pkg = d.package ? `${d.package}.` : '';
    index(d.name, pkg, d.messageType);
    for (const e of d.enumType) files.bySymbol.set(pkg + e.name, d.name);
    for (const service of d.service) {
      files.bySymbol.set(pkg + service.name, d.name);
      for (const m of service.method) files.bySymbol.set(`${pkg}${service.name}.${m.name}`, d.name);
    }
  }
  return files;
}

/** The file and every file it depends on, directly or not, the file first. */
export function closure(files: Files, name: string): Uint8Array[] {
  const seen: string[] = [];
  const visit = (n: string) => {
    if (seen.includes(n)) return;
    seen.push(n);
    for (const dep of files.byName.get(n)?.dependency ?? []) visit(dep);
  };
  visit(name);
  return seen.map((n) => files.bytes.get(n)!);
}

