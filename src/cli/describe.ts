import { type DescEnum, type DescField, type DescMessage, type DescMethod, type DescService, ScalarType } from '@bufbuild/protobuf';
import type { CliSchema } from './cli-schema.js';
import { LocalError } from './errors.js';

// `h2grpc describe`: a service, method, message or enum as .proto text, in grpcurl's layout (protoprint's compact,
// sorted form with full names): fields by number, then nested messages, then nested enums; each element after its
// leading comment when the source has one.

const SCALAR_NAMES: Record<number, string> = {
  [ScalarType.DOUBLE]: 'double', [ScalarType.FLOAT]: 'float', [ScalarType.INT64]: 'int64', [ScalarType.UINT64]: 'uint64',
  [ScalarType.INT32]: 'int32', [ScalarType.FIXED64]: 'fixed64', [ScalarType.FIXED32]: 'fixed32', [ScalarType.BOOL]: 'bool',
  [ScalarType.STRING]: 'string', [ScalarType.BYTES]: 'bytes', [ScalarType.UINT32]: 'uint32', [ScalarType.SFIXED32]: 'sfixed32',
  [ScalarType.SFIXED64]: 'sfixed64', [ScalarType.SINT32]: 'sint32', [ScalarType.SINT64]: 'sint64',
};

type Comments = CliSchema['comments'];

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

/** proto2's labels (a proto3 field says only `optional`, when it has presence). */
function label(f: DescField): string {
  if (f.proto.proto3Optional) return 'optional ';
  const proto2 = f.parent.file.proto.syntax === 'proto2' || f.parent.file.proto.syntax === '';
  if (!proto2 || f.fieldKind === 'list' || f.fieldKind === 'map' || f.oneof) return '';
  return f.proto.label === 2 ? 'required ' : 'optional ';
}

/** The element's lines behind its comment lines. */
function commented(comments: Comments, name: string, body: string[]): string[] {
  return [...(comments(name) ?? []).map((l) => (l ? `// ${l}` : '//')), ...body];
}

const indent = (lines: string[]) => lines.map((l) => `  ${l}`);

function messageLines(m: DescMessage, comments: Comments): string[] {
  const body: string[] = [];
  const done = new Set<string>();
  const field = (f: DescField) => commented(comments, `${m.typeName}.${f.name}`, [`${label(f)}${fieldType(f)} ${f.name} = ${f.number};`]);
  for (const f of [...m.fields].sort((a, b) => a.number - b.number)) {
    const oneof = f.oneof;
    if (oneof && !f.proto.proto3Optional) {
      if (done.has(oneof.name)) continue;
      done.add(oneof.name);
      const members = [...oneof.fields].sort((a, b) => a.number - b.number).flatMap(field);
      body.push(...commented(comments, `${m.typeName}.${oneof.name}`, [`oneof ${oneof.name} {`, ...indent(members), '}']));
      continue;
    }
    body.push(...field(f));
  }
  const nested = m.nestedMessages.filter((n) => !n.proto.options?.mapEntry).sort((a, b) => a.name.localeCompare(b.name));
  for (const n of nested) body.push(...messageLines(n, comments));
  for (const e of [...m.nestedEnums].sort((a, b) => a.name.localeCompare(b.name))) body.push(...enumLines(e, comments));
  return commented(comments, m.typeName, [`message ${m.name} {`, ...indent(body), '}']);
}

function enumLines(e: DescEnum, comments: Comments): string[] {
  const values = e.values.flatMap((v) => commented(comments, `${e.typeName}.${v.name}`, [`${v.name} = ${v.number};`]));
  return commented(comments, e.typeName, [`enum ${e.name} {`, ...indent(values), '}']);
}

function serviceLines(s: DescService, comments: Comments): string[] {
  const methods = s.methods.flatMap((m) => commented(comments, `${s.typeName}.${m.name}`, [rpc(m)]));
  return commented(comments, s.typeName, [`service ${s.name} {`, ...indent(methods), '}']);
}

/** What `describe SYMBOL` found: its text, and the message when it is one (for --msg-template). */
export interface Described {
  text: string;
  message?: DescMessage;
}

/** The description of one symbol, or of every service when none is given. */
export function describe(schema: CliSchema, symbol: string | undefined): Described[] {
  const { registry, services, comments } = schema;
  if (!symbol) return services.flatMap((s) => describe(schema, s));
  const name = symbol.replace(/^\./, '');
  const found = registry.get(name);
  if (found?.kind === 'service') return [{ text: `${name} is a service:\n${serviceLines(found, comments).join('\n')}` }];
  if (found?.kind === 'message') return [{ text: `${name} is a message:\n${messageLines(found, comments).join('\n')}`, message: found }];
  if (found?.kind === 'enum') return [{ text: `${name} is an enum:\n${enumLines(found, comments).join('\n')}` }];
  const at = name.lastIndexOf('.');
  const service = at > 0 ? registry.getService(name.slice(0, at)) : undefined;
  const method = service?.methods.find((m) => m.name === name.slice(at + 1));
  if (method) return [{ text: `${name} is a method:\n${commented(comments, name, [rpc(method)]).join('\n')}` }];
  const message = at > 0 ? registry.getMessage(name.slice(0, at)) : undefined;
  const field = message?.fields.find((f) => f.name === name.slice(at + 1));
  if (field) return [{ text: `${name} is a field:\n${commented(comments, name, [`${label(field)}${fieldType(field)} ${field.name} = ${field.number};`]).join('\n')}` }];
  throw new LocalError(`no service, method, message, enum or field named ${name} (the services: ${services.join(', ') || 'none'})`);
}
