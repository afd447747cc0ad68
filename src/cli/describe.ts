import { type DescEnum, type DescField, type DescMessage, type DescMethod, type DescService, type FileRegistry, ScalarType } from '@bufbuild/protobuf';
import { LocalError } from './errors.js';

// `h2grpc describe`: a service, method, message or enum as .proto text, in grpcurl's layout.

const SCALAR_NAMES: Record<number, string> = {
  [ScalarType.DOUBLE]: 'double', [ScalarType.FLOAT]: 'float', [ScalarType.INT64]: 'int64', [ScalarType.UINT64]: 'uint64',
  [ScalarType.INT32]: 'int32', [ScalarType.FIXED64]: 'fixed64', [ScalarType.FIXED32]: 'fixed32', [ScalarType.BOOL]: 'bool',
  [ScalarType.STRING]: 'string', [ScalarType.BYTES]: 'bytes', [ScalarType.UINT32]: 'uint32', [ScalarType.SFIXED32]: 'sfixed32',
  [ScalarType.SFIXED64]: 'sfixed64', [ScalarType.SINT32]: 'sint32', [ScalarType.SINT64]: 'sint64',
};

const rpc = (m: DescMethod) => {
  const streams = (side: boolean) => (side ? 'stream ' : '');
  const client = m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming';
  const server = m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming';
  return `rpc ${m.name} ( ${streams(client)}.${m.input.typeName} ) returns ( ${streams(server)}.${m.output.typeName} );`;
};

function fieldType(f: DescField): string {
  switch (f.fieldKind) {
    case 'scalar':
      return SCALAR_NAMES[f.scalar]!;
    case 'enum':
      return `.${f.enum.typeName}`;
    case 'message':
      return `.${f.message.typeName}`;
    case 'list':
      return `repeated ${f.listKind === 'scalar' ? SCALAR_NAMES[f.scalar] : f.listKind === 'enum' ? `.${f.enum.typeName}` : `.${f.message.typeName}`}`;
    case 'map': {
      const value = f.mapKind === 'scalar' ? SCALAR_NAMES[f.scalar] : f.mapKind === 'enum' ? `.${f.enum.typeName}` : `.${f.message.typeName}`;
      return `map<${SCALAR_NAMES[f.mapKey]}, ${value}>`;
    }
  }
}

function messageText(m: DescMessage): string {
  const lines: string[] = [];
  const done = new Set<string>();
  for (const f of m.fields) {
    const oneof = f.oneof;
    if (oneof && !f.proto.proto3Optional) {
      if (done.has(oneof.name)) continue;
      done.add(oneof.name);
      lines.push(`  oneof ${oneof.name} {`, ...oneof.fields.map((o) => `    ${fieldType(o)} ${o.name} = ${o.number};`), '  }');
      continue;
    }
    lines.push(`  ${f.proto.proto3Optional ? 'optional ' : ''}${fieldType(f)} ${f.name} = ${f.number};`);
  }
  return `message ${m.name} {\n${lines.join('\n')}${lines.length ? '\n' : ''}}`;
}

const enumText = (e: DescEnum) => `enum ${e.name} {\n${e.values.map((v) => `  ${v.name} = ${v.number};`).join('\n')}\n}`;
const serviceText = (s: DescService) => `service ${s.name} {\n${s.methods.map((m) => `  ${rpc(m)}`).join('\n')}\n}`;

/** The description of one symbol, or of every service when none is given. */
export function describe(registry: FileRegistry, services: string[], symbol: string | undefined): string {
  if (!symbol) return services.map((s) => describe(registry, services, s)).join('\n');
  const name = symbol.replace(/^\./, '');
  const found = registry.get(name);
  if (found?.kind === 'service') return `${name} is a service:\n${serviceText(found)}`;
  if (found?.kind === 'message') return `${name} is a message:\n${messageText(found)}`;
  if (found?.kind === 'enum') return `${name} is an enum:\n${enumText(found)}`;
  const at = name.lastIndexOf('.');
  const service = at > 0 ? registry.getService(name.slice(0, at)) : undefined;
  const method = service?.methods.find((m) => m.name === name.slice(at + 1));
  if (method) return `${name} is a method:\n${rpc(method)}`;
  throw new LocalError(`no service, method, message or enum named ${name} (the services: ${services.join(', ') || 'none'})`);
}
