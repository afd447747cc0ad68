import { UsageError } from './errors.js';
import { parseLevels } from '../trace/index.js';

// The flags of list, describe and call: one table, read by the parser and printed by --help. Each has our spelling
// and grpcurl's single-dash one, so a grpcurl command line works as it is (a switch also takes grpcurl's
// -plaintext=true form).

export interface RpcFlags {
  positional: string[];
  data?: string;
  /** Metadata of both the call and the reflection requests (-H). */
  headers: string[];
  /** Metadata of the call only (-rpc-header). */
  rpcHeaders: string[];
  /** Metadata of the reflection requests only (-reflect-header). */
  reflectHeaders: string[];
  protos: string[];
  protosets: string[];
  importPaths: string[];
  /** Milliseconds; undefined: no deadline (also for -max-time 0). */
  timeout?: number;
  /** Milliseconds: TCP, TLS and the HTTP/2 handshake (the server's SETTINGS). */
  connectTimeout: number;
  plaintext: boolean;
  insecure: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  authority?: string;
  servername?: string;
  /** The address is a unix socket path. */
  unix: boolean;
  /** host:port of etcd, for etcd:///NAME targets. */
  etcd?: string;
  /** Largest response message accepted, in octets. */
  maxMsgSz?: number;
  /** Milliseconds between keepalive PINGs (and the wait for their ACK). */
  keepaliveTime?: number;
  userAgent?: string;
  format: 'json' | 'text';
  emitDefaults: boolean;
  allowUnknownFields: boolean;
  formatError: boolean;
  msgTemplate: boolean;
  /** 0; 1 (-v): headers and trailers; 2 (-vv): and sizes and times. */
  verbosity: number;
  trace: boolean;
}

interface FlagSpec {
  names: string[];
  /** The value's name, for flags that take one; a switch has none. */
  value?: string;
  help: string;
  set(flags: RpcFlags, value: string, name: string): void;
}

/** A number of seconds as milliseconds; 0 stays 0 (each flag says what 0 means). */
const seconds = (name: string, value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} takes a number of seconds (like 2.5), not "${value}"`);
  return n * 1000;
};

const DEFAULT_CONNECT_TIMEOUT = 10_000;

export const RPC_FLAGS: FlagSpec[] = [
  { names: ['-d', '--data'], value: 'JSON', help: 'the request as JSON (or text with --format text); @FILE reads a file, @ or @- standard input; a client stream takes several messages one after another. Default: {}', set: (f, v) => (f.data = v) },
  { names: ['-H', '--header'], value: '"KEY: VALUE"', help: 'metadata of the call and of the reflection requests (repeatable); a key ending in -bin takes base64', set: (f, v) => void f.headers.push(v) },
  { names: ['--rpc-header', '-rpc-header'], value: '"KEY: VALUE"', help: 'metadata of the call only, not of reflection (repeatable)', set: (f, v) => void f.rpcHeaders.push(v) },
  { names: ['--reflect-header', '-reflect-header'], value: '"KEY: VALUE"', help: 'metadata of the reflection requests only (repeatable)', set: (f, v) => void f.reflectHeaders.push(v) },
  { names: ['--proto', '-proto'], value: 'FILE', help: 'use this .proto file instead of server reflection (repeatable); list and describe then need no ADDRESS', set: (f, v) => void f.protos.push(v) },
  { names: ['--protoset', '-protoset'], value: 'FILE', help: 'use this FileDescriptorSet (binary, as protoc -o or buf build -o writes) instead of server reflection (repeatable)', set: (f, v) => void f.protosets.push(v) },
  { names: ['--import-path', '-import-path', '-I'], value: 'DIR', help: 'where --proto files and their imports are found (repeatable). Default: the current directory', set: (f, v) => void f.importPaths.push(v) },
  { names: ['--timeout', '--max-time', '-max-time'], value: 'SECONDS', help: 'the deadline of the whole command (reflection and call); 0: none. Default: none', set: (f, v, n) => (f.timeout = seconds(n, v) || undefined) },
  { names: ['--connect-timeout', '-connect-timeout'], value: 'SECONDS', help: 'give up connecting (TCP, TLS and the server\'s HTTP/2 SETTINGS) after this long; 0: the default. Default: 10', set: (f, v, n) => (f.connectTimeout = seconds(n, v) || DEFAULT_CONNECT_TIMEOUT) },
  { names: ['--keepalive-time', '-keepalive-time'], value: 'SECONDS', help: 'while a call is open, a keepalive PING every SECONDS; the connection is given up when one is not acknowledged within as long. Default: none', set: (f, v, n) => (f.keepaliveTime = seconds(n, v) || undefined) },
  { names: ['--plaintext', '-plaintext'], help: 'HTTP/2 without TLS (prior knowledge). Default: TLS, as grpcurl', set: (f, v) => (f.plaintext = v === 'true') },
  { names: ['--insecure', '-insecure'], help: 'TLS without checking the server\'s certificate', set: (f, v) => (f.insecure = v === 'true') },
  { names: ['--cacert', '-cacert'], value: 'FILE', help: 'trust the server certificates this CA (PEM) signed', set: (f, v) => (f.cacert = v) },
  { names: ['--cert', '-cert'], value: 'FILE', help: 'the client certificate (PEM) to present over TLS; needs --key', set: (f, v) => (f.cert = v) },
  { names: ['--key', '-key'], value: 'FILE', help: 'the private key (PEM) of --cert', set: (f, v) => (f.key = v) },
  { names: ['--authority', '-authority'], value: 'NAME', help: 'the :authority of requests, and the name the server\'s certificate must carry. Default: from ADDRESS (localhost for a unix socket)', set: (f, v) => (f.authority = v) },
  { names: ['--servername', '-servername'], value: 'NAME', help: 'the name the server\'s certificate must carry (TLS SNI) when it is not ADDRESS\'s host; prefer --authority', set: (f, v) => (f.servername = v) },
  { names: ['--unix', '-unix'], help: 'ADDRESS is the path of a unix domain socket (as unix:PATH)', set: (f, v) => (f.unix = v === 'true') },
  { names: ['--etcd'], value: 'HOST:PORT', help: 'the etcd that resolves an etcd:///NAME address (h2grpc/discovery\'s resolver)', set: (f, v) => (f.etcd = v) },
  { names: ['--max-msg-sz', '-max-msg-sz'], value: 'OCTETS', help: 'the largest response message of the call accepted (reflection\'s answers are not held to it). Default: 4194304 (4 MiB)', set: (f, v, n) => (f.maxMsgSz = octets(n, v)) },
  { names: ['--user-agent', '-user-agent'], value: 'TEXT', help: 'put in front of our user-agent (h2grpc/VERSION)', set: (f, v) => (f.userAgent = v) },
  { names: ['--format', '-format'], value: 'json|text', help: 'the format of requests and responses: ProtoJSON, or protobuf\'s text format (several requests separated by the character 0x1E). Default: json', set: (f, v, n) => (f.format = format(n, v)) },
  { names: ['--emit-defaults', '-emit-defaults'], help: 'print fields at their default values too (an unset message field as null). Default: omitted', set: (f, v) => (f.emitDefaults = v === 'true') },
  { names: ['--allow-unknown-fields', '-allow-unknown-fields'], help: 'ignore request JSON keys the message does not have. Default: an error', set: (f, v) => (f.allowUnknownFields = v === 'true') },
  { names: ['--format-error', '-format-error'], help: 'print a status from the server as the google.rpc.Status it is (code, message, details), in --format. Default: ERROR: Code: … Message: … Details: …', set: (f, v) => (f.formatError = v === 'true') },
  { names: ['--msg-template', '-msg-template'], help: 'describe: after a message, a template of it (every field, in --format)', set: (f, v) => (f.msgTemplate = v === 'true') },
  { names: ['-v', '--verbose'], help: 'call: also print the method, the request and response headers and the trailers (on standard error)', set: (f, v) => (f.verbosity = v === 'true' ? Math.max(f.verbosity, 1) : 0) },
  { names: ['-vv', '--very-verbose'], help: 'as -v, with each response\'s size and the time of each step', set: (f, v) => (f.verbosity = v === 'true' ? 2 : 0) },
  { names: ['--trace'], value: undefined, help: 'print the call\'s frames, HPACK steps and messages to standard error (--trace=LEVELS, --trace-file FILE)', set: (f) => (f.trace = true) },
];

function octets(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} takes a number of octets (like 16777216), not "${value}"`);
  return Number(value);
}

function format(name: string, value: string): 'json' | 'text' {
  if (value !== 'json' && value !== 'text') throw new UsageError(`${name} is json or text, not "${value}"`);
  return value;
}

/** A switch's value as grpcurl's flag package reads it: -plaintext, -plaintext=true, -plaintext=false. */
function switchValue(name: string, value: string | undefined): 'true' | 'false' {
  if (value === undefined || /^(1|t|true)$/i.test(value)) return 'true';
  if (/^(0|f|false)$/i.test(value)) return 'false';
  throw new UsageError(`${name} is a switch: ${name}, ${name}=true or ${name}=false, not ${name}=${value}`);
}

/** Parses the arguments after the command; a flag we do not know is a UsageError naming it. */
export function parseRpcFlags(args: string[]): RpcFlags {
  const flags: RpcFlags = {
    positional: [], headers: [], rpcHeaders: [], reflectHeaders: [], protos: [], protosets: [], importPaths: [],
    connectTimeout: DEFAULT_CONNECT_TIMEOUT, plaintext: false, insecure: false, unix: false, format: 'json',
    emitDefaults: false, allowUnknownFields: false, formatError: false, msgTemplate: false, verbosity: 0, trace: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--trace-file') {
      if (args[++i] === undefined) throw new UsageError('--trace-file needs a file name');
      flags.trace = true;
      continue;
    }
    if (arg.startsWith('--trace=')) {
      try {
        parseLevels(arg.slice('--trace='.length)); // an unknown level is a usage error, before anything connects
      } catch (err) {
        throw new UsageError(`--trace=: ${(err as Error).message}`);
      }
      flags.trace = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      flags.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = RPC_FLAGS.find((s) => s.names.includes(name));
    if (!spec) throw new UsageError(`unknown flag ${name}`);
    if (spec.value === undefined) {
      if (name === '--trace' && eq > 0) throw new UsageError(`${name} takes no value`);
      spec.set(flags, switchValue(name, eq > 0 ? arg.slice(eq + 1) : undefined), name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value (${spec.value})`);
    spec.set(flags, value, name);
  }
  checkCombinations(flags);
  return flags;
}

/** The combinations grpcurl refuses, refused alike (a usage error). */
function checkCombinations(flags: RpcFlags): void {
  if (flags.plaintext && flags.insecure) throw new UsageError('--insecure is for TLS; it cannot go with --plaintext');
  if (flags.plaintext && (flags.cert || flags.key)) throw new UsageError('--cert and --key are for TLS; they cannot go with --plaintext');
  if (flags.plaintext && flags.cacert) throw new UsageError('--cacert is for TLS; it cannot go with --plaintext');
  if (!flags.cert !== !flags.key) throw new UsageError('--cert and --key go together: give both');
  if (flags.servername && flags.authority && flags.servername !== flags.authority) throw new UsageError('--servername and --authority name different servers; give one (--authority)');
  if (flags.protos.length && flags.protosets.length) throw new UsageError('give the schema with --proto files or --protoset files, not both');
}

/** The flags as --help prints them. */
export function flagsHelp(): string {
  return RPC_FLAGS.map((s) => {
    const names = s.names.join(', ') + (s.value ? ` ${s.value}` : '');
    return `  ${names}\n      ${s.help}`;
  }).join('\n');
}
