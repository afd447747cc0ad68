import path from 'node:path';
import protobuf from 'protobufjs';

// The names files go by in FileDescriptorProtos (reflection's file_by_filename and each file's `dependency` list,
// a trace's schema). protoc names a file by its path under an include root; a protobufjs root loaded from paths
// knows only where each file is on disk, so a file is named by the shortest tail of that path no other served file
// has: "pi.proto" alone, "v1/service.proto" beside "v2/service.proto". The services h2grpc ships go by their
// upstream names ("grpc/health/v1/health.proto"), so a user's own "health.proto" stays the user's.

/** The grpc-proto files h2grpc ships, by package: the names grpc-go and grpc-java serve them by. */
const SHIPPED: ReadonlyMap<string, string> = new Map([
  ['grpc.health.v1', 'grpc/health/v1/health.proto'],
  ['grpc.reflection.v1', 'grpc/reflection/v1/reflection.proto'],
  ['grpc.reflection.v1alpha', 'grpc/reflection/v1alpha/reflection.proto'],
  ['grpc.channelz.v1', 'grpc/channelz/v1/channelz.proto'],
  ['grpc.binarylog.v1', 'grpc/binarylog/v1/binarylog.proto'],
]);

/**
 * Where an object of a root comes from: its file's path as loaded (absolute, or as generated code names it), or for
 * a schema parsed from text its package as a path ("grpc/reflection/v1alpha.proto"). Undefined for the well-known
 * types, which are served apart.
 */
export function fileSourceOf(object: protobuf.ReflectionObject): string | undefined {
  if (object.fullName.startsWith('.google.protobuf.')) return undefined;
  let pkg = '';
  for (let o: protobuf.ReflectionObject | null = object; o; o = o.parent) {
    if (o.filename) return o.filename;
    if (!pkg && o.parent && !(o instanceof protobuf.Type) && !(o instanceof protobuf.Service) && !(o instanceof protobuf.Enum)) pkg = o.fullName.slice(1);
  }
  return `${(pkg || 'root').replace(/\./g, '/')}.proto`;
}

/** A name for each file source, unique among them: shipped files by upstream name, the rest by shortest unique tail. */
export function fileNames(files: ReadonlyArray<{ source: string; package: string }>): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const pending: string[] = [];
  for (const { source, package: pkg } of files) {
    const shipped = SHIPPED.get(pkg);
    const base = path.posix.basename(source);
    if (shipped && (base === path.posix.basename(shipped) || !path.posix.isAbsolute(source)) && !taken.has(shipped)) {
      names.set(source, shipped);
      taken.add(shipped);
    } else if (!path.posix.isAbsolute(source)) {
      names.set(source, source); // as imported (generated code) or as protoc would lay it out (parsed from text)
      taken.add(source);
    } else {
      pending.push(source);
    }
  }
  const parts = new Map(pending.map((source) => [source, source.split('/').filter(Boolean)]));
  const tail = (source: string, n: number) => parts.get(source)!.slice(-n).join('/');
  for (let n = 1; pending.length > 0; n++) {
    const counts = new Map<string, number>();
    for (const name of pending.map((source) => tail(source, n))) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (let i = pending.length - 1; i >= 0; i--) {
      const source = pending[i]!;
      const name = tail(source, n);
      const whole = n >= parts.get(source)!.length;
      if ((counts.get(name) === 1 && !taken.has(name)) || whole) {
        names.set(source, name);
        taken.add(name);
        pending.splice(i, 1);
      }
    }
  }
  return names;
}
