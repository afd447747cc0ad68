// npx h2grpc list|describe|call — a grpcurl-shaped client: the schema from server reflection or --proto files, messages
// as ProtoJSON. Results go to standard output, diagnostics to standard error; exit status 0, 64 + the code of a status
// from the server, 1 for a local mistake (what to fix is said), 2 for a usage mistake.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  Client, type ClientCall, type ClientOptions, Metadata, type MethodDefinition, serviceDefinition, StatusError, statusName, Status,
} from '../grpc/index.js';
import { traceObserver, traceSettings } from '../trace/index.js';
import { type CliSchema, protoSchema, reflectionSchema } from './cli-schema.js';
import { describe } from './describe.js';
import { LocalError, UsageError } from './errors.js';
import { JsonTextError, parseJsonValues } from './json-text.js';
import { ProtoJson } from './proto-json.js';
import { flagsHelp, parseRpcFlags, type RpcFlags } from './rpc-flags.js';

export const RPC_USAGE = `usage:
  h2grpc list ADDRESS [SERVICE]              the services, or a service's methods
  h2grpc describe ADDRESS [SYMBOL]           a service, method, message or enum as .proto text (default: every service)
  h2grpc call ADDRESS SERVICE/METHOD         a call of any kind: JSON requests in (-d), JSON responses out

The schema comes from the server's reflection service, or from --proto files. ADDRESS is host:port.
Exit status: 0, 64 + the gRPC code of an error status, 1 for a local error, 2 for a usage error.

flags (grpcurl's single-dash spellings work too):
${flagsHelp()}`;

/** The connection as the flags ask: TLS unless --plaintext (as grpcurl), the connect timeout. Read once per command. */
function connectionOptions(flags: RpcFlags): ClientOptions {
  let tls: ClientOptions['tls'];
  if (!flags.plaintext) {
    let ca: Buffer | undefined;
    if (flags.cacert) {
      try {
        ca = readFileSync(flags.cacert);
      } catch {
        throw new LocalError(`--cacert ${flags.cacert}: no such file`);
      }
    }
    tls = { ca, rejectUnauthorized: !flags.insecure };
  }
  return { tls, connectTimeout: flags.connectTimeout };
}

/** A connection that failed before any call reached the server, said as what to do about it. */
function connectionProblem(err: StatusError, address: string, flags: RpcFlags): LocalError | undefined {
  if (err.code !== Status.UNAVAILABLE) return undefined;
  const d = err.details;
  if (/wrong version number|packet length too long|unknown protocol|before secure TLS connection/i.test(d)) {
    return new LocalError(`${address} did not answer the TLS handshake: the server does not speak TLS; add --plaintext`);
  }
  if (/ECONNREFUSED/.test(d)) return new LocalError(`cannot connect to ${address}: connection refused; is the server running, on this port?`);
  if (/ENOTFOUND|EAI_AGAIN/.test(d)) return new LocalError(`cannot connect to ${address}: the host name does not resolve`);
  if (/timed out/.test(d)) return new LocalError(`cannot connect to ${address}: no answer within ${flags.connectTimeout / 1000} s (--connect-timeout)`);
  if (/certificate|self.signed|unable to verify/i.test(d)) return new LocalError(`${address}: the server's certificate is not trusted (${d}); give its CA with --cacert FILE, or --insecure`);
  if (/before the peer sent any HTTP\/2 frame/.test(d)) {
    const hint = flags.plaintext ? 'if it expects TLS, drop --plaintext' : 'is it an HTTP/2 (gRPC) server?';
    return new LocalError(`${address} closed the connection without speaking HTTP/2 (${d}); ${hint}`);
  }
  if (/cannot connect/.test(d)) return new LocalError(d);
  return undefined;
}

/** SERVICE/METHOD, SERVICE.METHOD or /SERVICE/METHOD. */
function splitTarget(target: string): [string, string] {
  const m = /^\/?(.+)[/.]([^/.]+)$/.exec(target);
  if (!m) throw new UsageError(`"${target}" is not SERVICE/METHOD (like pi.PiCalculator/Calc)`);
  return [m[1]!, m[2]!];
}

function metadataOf(headers: string[]): Metadata {
  const metadata = new Metadata();
  for (const h of headers) {
    const at = h.indexOf(':');
    if (at < 0) throw new UsageError(`-H ${JSON.stringify(h)} is not "key: value"`);
    const key = h.slice(0, at).trim().toLowerCase();
    const value = h.slice(at + 1).trim();
    try {
      metadata.add(key, key.endsWith('-bin') ? Buffer.from(value, 'base64') : value);
    } catch (err) {
      throw new UsageError(`-H ${JSON.stringify(h)}: ${(err as Error).message}`);
    }
  }
  return metadata;
}

/** The request messages: encoded before the call for -d JSON and -d @FILE, line by line from standard input for @-. */
function requestSource(flags: RpcFlags, json: ProtoJson, input: Parameters<ProtoJson['encode']>[0]): { requests: AsyncIterable<Uint8Array> | Uint8Array[]; failure: () => LocalError | undefined } {
  const data = flags.data;
  if (data === undefined) return { requests: json.encode(input, '{}', '-d'), failure: () => undefined };
  if (data !== '@' && data !== '@-') {
    let text = data;
    let source = '-d';
    if (data.startsWith('@')) {
      source = data.slice(1);
      try {
        text = readFileSync(source, 'utf8');
      } catch {
        throw new LocalError(`-d @${source}: no such file`);
      }
    }
    return { requests: json.encode(input, text, source), failure: () => undefined };
  }
  let failed: LocalError | undefined;
  async function* stdin() {
    let pending = '';
    let line = 0;
    let startLine = 1;
    for await (const text of createInterface({ input: process.stdin })) {
      line++;
      if (!pending) startLine = line;
      pending += `${text}\n`;
      try {
        parseJsonValues(pending);
      } catch (err) {
        if (err instanceof JsonTextError && err.offset >= pending.trimEnd().length - 1) continue; // not complete yet
      }
      try {
        yield* json.encode(input, pending, `standard input (from line ${startLine})`);
      } catch (err) {
        failed = err as LocalError;
        throw err;
      }
      pending = '';
    }
    if (pending.trim()) {
      try {
        yield* json.encode(input, pending, `standard input (from line ${startLine})`);
      } catch (err) {
        failed = err as LocalError;
        throw err;
      }
    }
  }
  return { requests: stdin(), failure: () => failed };
}

async function call(address: string, target: string, flags: RpcFlags, schema: CliSchema, connection: ClientOptions): Promise<number> {
  const [serviceName, methodName] = splitTarget(target);
  const service = schema.registry.getService(serviceName);
  if (!service) throw new LocalError(`no service ${serviceName} (the services: ${schema.services.join(', ') || 'none'})`);
  const method = service.methods.find((m) => m.name === methodName);
  if (!method) throw new LocalError(`${serviceName} has no method ${methodName} (its methods: ${service.methods.map((m) => m.name).join(', ')})`);
  const json = new ProtoJson(schema.registry, { allowUnknownFields: flags.allowUnknownFields, emitDefaults: flags.emitDefaults });
  const metadata = metadataOf(flags.headers);
  const { requests, failure } = requestSource(flags, json, method.input);
  // the method as the client sends it: requests already encoded, responses kept as octets for the JSON mapping
  const definition = serviceDefinition(schema.root, serviceName);
  const base = definition.methods[methodName]!;
  const raw: MethodDefinition = { ...base, serialize: (m) => m as Uint8Array, deserializeResponse: (d) => d };
  // --trace on the call itself, with its messages decoded
  const observer = flags.trace ? traceObserver('client', traceSettings(), [definition]) : undefined;
  const client = new Client(address, { ...definition, methods: { [methodName]: raw } }, { ...connection, observer });
  try {
    const started = client.call(methodName, requests, { metadata, timeout: flags.timeout }) as ClientCall<Uint8Array>;
    try {
      for await (const response of started) console.log(json.decode(method.output, response));
      await started.done;
    } catch (err) {
      throw failure() ?? err;
    }
  } finally {
    client.close();
  }
  return 0;
}

function printStatus(err: StatusError, flags: RpcFlags): void {
  if (flags.formatError) {
    console.error(JSON.stringify({ code: err.code, message: err.details, details: err.errorDetails }, null, 2));
    return;
  }
  console.error(`ERROR:\n  Code: ${statusName(err.code)}\n  Message: ${err.details}`);
  if (err.errorDetails.length) console.error(`  Details:\n${err.errorDetails.map((d) => `    ${JSON.stringify(d)}`).join('\n')}`);
}

export async function rpcCommand(command: 'list' | 'describe' | 'call', args: string[]): Promise<number> {
  let flags: RpcFlags;
  try {
    flags = parseRpcFlags(args);
    const [address, target, ...extra] = flags.positional;
    if (!address) throw new UsageError('no ADDRESS (host:port) given');
    if (command === 'call' && !target) throw new UsageError('no SERVICE/METHOD given');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d+$/.test(address) && !address.startsWith('unix:')) {
      throw new UsageError(`"${address}" is not an address (host:port)`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`h2grpc ${command}: ${err.message}\n(h2grpc help ${command} lists the arguments and flags)`);
    return 2;
  }
  const [address, target] = flags.positional as [string, string | undefined];
  try {
    const connection = connectionOptions(flags);
    let schema: CliSchema;
    if (flags.protos.length) schema = protoSchema(flags.protos, flags.importPaths);
    else {
      try {
        schema = await reflectionSchema(address, connection, flags.timeout);
      } catch (err) {
        if (err instanceof StatusError && err.code === Status.UNIMPLEMENTED) {
          throw new LocalError(`${address} has no reflection service (grpc.reflection.v1): give the schema with --proto FILE`);
        }
        throw err;
      }
    }
    if (command === 'list') {
      if (!target) for (const s of schema.services) console.log(s);
      else {
        const service = schema.registry.getService(target);
        if (!service) throw new LocalError(`no service ${target} (the services: ${schema.services.join(', ') || 'none'})`);
        for (const m of service.methods) console.log(`${target}.${m.name}`);
      }
      return 0;
    }
    if (command === 'describe') {
      console.log(describe(schema.registry, schema.services, target));
      return 0;
    }
    return await call(address, target!, flags, schema, connection);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`h2grpc ${command}: ${err.message}\n(h2grpc help ${command} lists the arguments and flags)`);
      return 2;
    }
    const local = err instanceof LocalError ? err : err instanceof StatusError ? connectionProblem(err, address, flags) : undefined;
    if (local) {
      console.error(`h2grpc ${command}: ${local.message}`);
      return 1;
    }
    if (err instanceof StatusError) {
      printStatus(err, flags);
      return 64 + err.code;
    }
    console.error(`h2grpc ${command}: ${(err as Error).message}`);
    return 1;
  }
}
