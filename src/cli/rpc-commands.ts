// npx h2grpc list|describe|call — a grpcurl-shaped client: the schema from server reflection or --proto files.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import protobuf from 'protobufjs';
import {
  Client, type ClientCall, type ClientOptions, loadProto, Metadata, reflect, serviceDefinition, type ServiceDefinition, StatusError, statusName,
} from '../grpc/index.js';
import { traceObserver, traceSettings } from '../trace/index.js';

export interface RpcFlags {
  positional: string[];
  data?: string;
  headers: string[];
  protos: string[];
  timeout?: number;
  plaintext: boolean;
  insecure: boolean;
  cacert?: string;
}

export function parseRpcFlags(args: string[]): RpcFlags {
  const flags: RpcFlags = { positional: [], headers: [], protos: [], plaintext: false, insecure: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => args[++i] ?? '';
    if (a === '-d') flags.data = value();
    else if (a === '-H') flags.headers.push(value());
    else if (a === '--proto') flags.protos.push(value());
    else if (a === '--timeout') flags.timeout = Number(value()) * 1000;
    else if (a === '--plaintext') flags.plaintext = true;
    else if (a === '--insecure') flags.insecure = true;
    else if (a === '--cacert') flags.cacert = value();
    else if (a === '--trace-file') i++;
    else if (a.startsWith('--trace')) continue;
    else flags.positional.push(a);
  }
  return flags;
}

/** TLS unless --plaintext (as grpcurl); --trace on the call itself, with its messages decoded. */
function clientOptions(flags: RpcFlags, traced?: ServiceDefinition): ClientOptions {
  const tls = flags.plaintext ? undefined : { ca: flags.cacert ? readFileSync(flags.cacert) : undefined, rejectUnauthorized: !flags.insecure };
  return { tls, observer: traced && traceObserver('client', traceSettings(), [traced]) };
}

/** The schema: --proto files, else the server's reflection service. */
async function schema(address: string, flags: RpcFlags): Promise<{ root: protobuf.Root; services: string[] }> {
  if (flags.protos.length > 0) {
    const root = loadProto(flags.protos);
    const services: string[] = [];
    const walk = (ns: protobuf.NamespaceBase) => {
      for (const child of ns.nestedArray) {
        if (child instanceof protobuf.Service) services.push(child.fullName.slice(1));
        else if (child instanceof protobuf.Namespace) walk(child);
      }
    };
    walk(root);
    return { root, services };
  }
  return reflect(address, clientOptions(flags));
}

function describeType(type: protobuf.ReflectionObject): string {
  if (type instanceof protobuf.Service) {
    const lines = type.methodsArray.map((m) => `  rpc ${m.name} ( ${m.requestStream ? 'stream ' : ''}.${m.resolvedRequestType!.fullName.slice(1)} ) returns ( ${m.responseStream ? 'stream ' : ''}.${m.resolvedResponseType!.fullName.slice(1)} );`);
    return `${type.fullName.slice(1)} is a service:\nservice ${type.name} {\n${lines.join('\n')}\n}`;
  }
  if (type instanceof protobuf.Type) {
    const lines = type.fieldsArray.map((f) => `  ${f.repeated ? 'repeated ' : ''}${f.resolvedType ? `.${f.resolvedType.fullName.slice(1)}` : f.type} ${f.name} = ${f.id};`);
    return `${type.fullName.slice(1)} is a message:\nmessage ${type.name} {\n${lines.join('\n')}\n}`;
  }
  if (type instanceof protobuf.Enum) {
    return `${type.fullName.slice(1)} is an enum:\nenum ${type.name} {\n${Object.entries(type.values).map(([k, v]) => `  ${k} = ${v};`).join('\n')}\n}`;
  }
  if (type instanceof protobuf.Method) {
    return `${type.fullName.slice(1)} is a method:\nrpc ${type.name} ( ${type.requestStream ? 'stream ' : ''}.${type.resolvedRequestType!.fullName.slice(1)} ) returns ( ${type.responseStream ? 'stream ' : ''}.${type.resolvedResponseType!.fullName.slice(1)} );`;
  }
  return `${type.fullName.slice(1)}`;
}

/** Request messages from -d: a JSON object, @FILE, or @- (standard input, one JSON object per line). */
async function* requests(data: string | undefined): AsyncGenerator<unknown> {
  if (data === undefined || data === '') {
    yield {};
    return;
  }
  const text = data === '@-' ? undefined : data.startsWith('@') ? readFileSync(data.slice(1), 'utf8') : data;
  if (text !== undefined) {
    const trimmed = text.trim();
    // one object, or several one per line
    if (trimmed.startsWith('{') && !/}\s*\n\s*{/.test(trimmed)) yield JSON.parse(trimmed);
    else for (const line of trimmed.split('\n')) if (line.trim()) yield JSON.parse(line);
    return;
  }
  for await (const line of createInterface({ input: process.stdin })) if (line.trim()) yield JSON.parse(line);
}

const json = (message: unknown) => JSON.stringify(message, function (this: Record<string, unknown>, key, value) {
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : value;
}, 2);

export async function rpcCommand(command: 'list' | 'describe' | 'call', args: string[]): Promise<number> {
  const flags = parseRpcFlags(args);
  const [address, target] = flags.positional;
  if (!address || (command !== 'list' && !target)) {
    console.error('usage: h2grpc list ADDRESS [SERVICE]\n       h2grpc describe ADDRESS SYMBOL\n       h2grpc call ADDRESS SERVICE/METHOD [-d JSON|@FILE|@-] [-H "key: value"]… [--proto FILE]… [--timeout SECONDS] [--plaintext | --cacert FILE | --insecure] [--trace]');
    return 2;
  }
  try {
    const { root, services } = await schema(address, flags);
    if (command === 'list') {
      if (!target) for (const s of services) console.log(s);
      else for (const m of root.lookupService(target).methodsArray) console.log(`${target}.${m.name}`);
      return 0;
    }
    if (command === 'describe') {
      console.log(describeType(root.lookup(target!) ?? (() => { throw new Error(`symbol not found: ${target}`); })()));
      return 0;
    }
    const [service, method] = target!.replace(/^\//, '').split(/[/.](?=[^/.]+$)/);
    const definition = serviceDefinition(root, service!);
    if (!definition.methods[method!]) throw new Error(`${service} has no method ${method}`);
    const metadata = new Metadata();
    for (const h of flags.headers) {
      const at = h.indexOf(':');
      if (at < 0) throw new Error(`-H ${JSON.stringify(h)} is not "key: value"`);
      const key = h.slice(0, at).trim();
      const value = h.slice(at + 1).trim();
      metadata.add(key, key.endsWith('-bin') ? Buffer.from(value, 'base64') : value);
    }
    const client = new Client(address, definition, clientOptions(flags, definition));
    try {
      const call = client.call(method!, requests(flags.data), { metadata, timeout: flags.timeout }) as ClientCall<unknown>;
      for await (const response of call) console.log(json(response));
      await call.done;
    } finally {
      client.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof StatusError) {
      console.log(`ERROR:\n  Code: ${statusName(err.code)}\n  Message: ${err.details}`);
      if (err.errorDetails.length) console.log(`  Details:\n${err.errorDetails.map((d) => `    ${JSON.stringify(d)}`).join('\n')}`);
      return 64 + err.code;
    }
    console.error(`h2grpc ${command}: ${(err as Error).message}`);
    return 1;
  }
}
