// npx h2grpc list|describe|call — a grpcurl-shaped client: the schema from server reflection, --proto or --protoset
// files, messages as ProtoJSON (or text format). Results go to standard output, diagnostics to standard error; exit
// status 0, 64 + the code of a status from the server, 1 for a local mistake (what to fix is said), 2 for a usage
// mistake.
import { createRegistry } from '@bufbuild/protobuf';
import {
  builtInResolvers, Client, type ClientCall, type ClientOptions, Metadata, type MethodDefinition, type ResolverFactory,
  serviceDefinition, Status, StatusError,
} from '../grpc/index.js';
import { traceObserver, traceSettings } from '../trace/index.js';
import { CallRecord, timingLines } from './call-record.js';
import { CliChannel, connectionOptions, connectionProblem, type ConnectTimes, targetOf } from './cli-connection.js';
import { type CliSchema, protoSchema, protosetSchema, reflectionSchema } from './cli-schema.js';
import { describe } from './describe.js';
import { LocalError, UsageError } from './errors.js';
import { MessageFormat } from './message-format.js';
import { requestSource } from './request-source.js';
import { flagsHelp, parseRpcFlags, type RpcFlags } from './rpc-flags.js';

export const RPC_USAGE = `usage:
  h2grpc list ADDRESS [SERVICE]              the services, or a service's methods
  h2grpc describe ADDRESS [SYMBOL]           a service, method, message, enum or field as .proto text (default: every service)
  h2grpc call ADDRESS SERVICE/METHOD         a call of any kind: JSON requests in (-d), JSON responses out

The schema comes from the server's reflection service, or from --proto or --protoset files (list and describe then
need no ADDRESS). ADDRESS is host:port, or a gRPC target: dns:[//DNS/]host[:port], ipv4:addr:port[,…],
ipv6:[addr]:port[,…], unix:PATH (or a path with --unix), etcd:///NAME (with --etcd HOST:PORT).
Exit status: 0, 64 + the gRPC code of an error status, 1 for a local error, 2 for a usage error.

flags (grpcurl's single-dash spellings work too):
${flagsHelp()}`;

/** SERVICE/METHOD, SERVICE.METHOD or /SERVICE/METHOD. */
function splitTarget(target: string): [string, string] {
  const m = /^\/?(.+)[/.]([^/.]+)$/.exec(target);
  if (!m) throw new UsageError(`"${target}" is not SERVICE/METHOD (like pi.PiCalculator/Calc)`);
  return [m[1]!, m[2]!];
}

function metadataOf(headers: string[]): Metadata | undefined {
  if (!headers.length) return undefined;
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

/** What one run of list, describe or call works with. */
interface Run {
  command: 'list' | 'describe' | 'call';
  flags: RpcFlags;
  /** ADDRESS as given (undefined: list or describe from files, offline). */
  address: string | undefined;
  /** The channel's target (ADDRESS, or unix:ADDRESS with --unix). */
  target: string;
  symbol: string | undefined;
  connection: ClientOptions;
  resolvers: Record<string, ResolverFactory>;
  /** The deadline of the whole command (-max-time), ms since the epoch. */
  deadline: number | undefined;
  steps: Array<{ name: string; start: number; end: number; connect?: ConnectTimes }>;
  record?: CallRecord;
  /** The schema once loaded (the types a status's details may name). */
  schema?: CliSchema;
}

/** The positional arguments: ADDRESS then SYMBOL, but with --proto/--protoset list and describe need no ADDRESS. */
function positionals(command: Run['command'], flags: RpcFlags): { address?: string; symbol?: string } {
  const [first, second, ...extra] = flags.positional;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const offline = command !== 'call' && (flags.protos.length > 0 || flags.protosets.length > 0);
  // a symbol has no ':' and no '/': "describe --proto pi.proto pi.PiRequest" names no address
  if (offline && second === undefined && first !== undefined && !flags.unix && !/[:/]/.test(first)) return { symbol: first };
  if (first === undefined) {
    if (offline) return {};
    throw new UsageError('no ADDRESS (host:port) given');
  }
  if (command === 'call' && second === undefined) throw new UsageError('no SERVICE/METHOD given');
  return { address: first, symbol: second };
}

async function schemaOf(run: Run): Promise<CliSchema> {
  const { flags } = run;
  if (flags.protos.length) return protoSchema(flags.protos, flags.importPaths);
  if (flags.protosets.length) return protosetSchema(flags.protosets);
  const start = Date.now();
  const channel = new CliChannel(run.target, { ...run.connection, resolvers: run.resolvers, userAgent: flags.userAgent });
  try {
    return await reflectionSchema(run.target, { ...run.connection, channel }, { deadline: run.deadline, metadata: metadataOf([...flags.headers, ...flags.reflectHeaders]) });
  } catch (err) {
    if (err instanceof StatusError && err.code === Status.UNIMPLEMENTED) {
      throw new LocalError(`${run.address} has no reflection service (grpc.reflection.v1 or v1alpha): give the schema with --proto FILE or --protoset FILE`);
    }
    throw err;
  } finally {
    run.steps.push({ name: 'schema (reflection)', start, end: Date.now(), connect: channel.times });
  }
}

async function call(run: Run, schema: CliSchema): Promise<number> {
  const { flags } = run;
  const [serviceName, methodName] = splitTarget(run.symbol!);
  const service = schema.registry.getService(serviceName);
  if (!service) throw new LocalError(`no service ${serviceName} (the services: ${schema.services.join(', ') || 'none'})`);
  const method = service.methods.find((m) => m.name === methodName);
  if (!method) throw new LocalError(`${serviceName} has no method ${methodName} (its methods: ${service.methods.map((m) => m.name).join(', ')})`);
  const messages = new MessageFormat(schema.registry, flags.format, { allowUnknownFields: flags.allowUnknownFields, emitDefaults: flags.emitDefaults, separators: flags.verbosity === 0 });
  const metadata = metadataOf([...flags.headers, ...flags.rpcHeaders]);
  const source = await requestSource(flags.data, method, messages);
  // the method as the client sends it: requests already encoded, responses kept as octets for the mapping
  const definition = serviceDefinition(schema.root, serviceName);
  const raw: MethodDefinition = { ...definition.methods[methodName]!, serialize: (m) => m as Uint8Array, deserializeResponse: (d) => d };
  const record = (run.record = new CallRecord(flags.verbosity));
  record.method(describe(schema, `${serviceName}.${methodName}`)[0]!.text.split('\n').slice(1).join('\n'));
  // --trace on the call itself, with its messages decoded
  const tracer = flags.trace ? traceObserver('client', traceSettings(), [definition]) : undefined;
  const channel = new CliChannel(run.target, { ...run.connection, resolvers: run.resolvers, tracer, userAgent: flags.userAgent, watcher: record });
  const client = new Client(run.target, { ...definition, methods: { [methodName]: raw } }, { ...run.connection, channel, maxReceiveMessageLength: flags.maxMsgSz });
  const start = Date.now();
  try {
    const started = client.call(methodName, source.requests, { metadata, deadline: run.deadline }) as ClientCall<Uint8Array>;
    try {
      for await (const response of started) {
        record.response(response.length);
        console.log(messages.decode(method.output, response));
      }
      await started.done;
    } catch (err) {
      throw source.failure() ?? err;
    } finally {
      record.end(source.count());
    }
  } finally {
    run.steps.push({ name: 'call', start, end: Date.now(), connect: channel.times });
    client.close();
  }
  return 0;
}

/** Runs the command; resolves with the exit status. */
export async function rpcCommand(command: 'list' | 'describe' | 'call', args: string[]): Promise<number> {
  const began = Date.now();
  const usage = (message: string) => {
    console.error(`h2grpc ${command}: ${message}\n(h2grpc help ${command} lists the arguments and flags)`);
    return 2;
  };
  let run: Run;
  let etcd: { close(): void } | undefined;
  try {
    const flags = parseRpcFlags(args);
    if (flags.trace) {
      try {
        traceSettings(); // H2GRPC_TRACE with an unknown level is a usage error before anything connects
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const { address, symbol } = positionals(command, flags);
    const resolvers: Record<string, ResolverFactory> = builtInResolvers();
    if (flags.etcd !== undefined) {
      const { EtcdClient, etcdResolver } = await import('../discovery/index.js');
      const client = new EtcdClient(flags.etcd);
      etcd = client;
      resolvers.etcd = etcdResolver(client);
    }
    const target = address === undefined ? '' : targetOf(address, flags, resolvers);
    const deadline = flags.timeout !== undefined ? began + flags.timeout : undefined;
    run = { command, flags, address, target, symbol, connection: {}, resolvers, deadline, steps: [] };
  } catch (err) {
    etcd?.close();
    if (err instanceof UsageError || err instanceof TypeError) return usage(err.message);
    throw err;
  }
  const { flags } = run;
  try {
    run.connection = connectionOptions(flags);
    const schema = (run.schema = await schemaOf(run));
    if (command === 'list') {
      if (!run.symbol) for (const s of schema.services) console.log(s);
      else {
        const service = schema.registry.getService(run.symbol);
        if (!service) throw new LocalError(`no service ${run.symbol} (the services: ${schema.services.join(', ') || 'none'})`);
        for (const m of service.methods) console.log(`${run.symbol}.${m.name}`);
      }
      return 0;
    }
    if (command === 'describe') {
      const messages = flags.msgTemplate ? new MessageFormat(schema.registry, flags.format) : undefined;
      for (const found of describe(schema, run.symbol)) {
        console.log(found.text);
        if (messages && found.message) console.log(`\nMessage template:\n${messages.template(found.message)}`);
      }
      return 0;
    }
    return await call(run, schema);
  } catch (err) {
    return report(err, run);
  } finally {
    etcd?.close();
    if (flags.verbosity > 1 && command === 'call') console.error(`\n${timingLines(Date.now() - began, run.steps)}`);
  }
}

/** A failure said on standard error; resolves with the exit status. */
function report(err: unknown, run: Run): number {
  const { command, flags } = run;
  if (err instanceof UsageError) {
    console.error(`h2grpc ${command}: ${err.message}\n(h2grpc help ${command} lists the arguments and flags)`);
    return 2;
  }
  const local = err instanceof LocalError ? err : err instanceof StatusError ? connectionProblem(err, run.address ?? run.target, flags) : undefined;
  if (local) {
    console.error(`h2grpc ${command}: ${local.message}`);
    return 1;
  }
  if (err instanceof StatusError) {
    const messages = new MessageFormat(run.schema?.registry ?? createRegistry(), flags.format, { emitDefaults: flags.emitDefaults });
    console.error(messages.status(err, run.record?.trailers, flags.formatError));
    return 64 + err.code;
  }
  console.error(`h2grpc ${command}: ${(err as Error).message}`);
  return 1;
}
