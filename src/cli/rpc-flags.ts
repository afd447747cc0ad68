import { UsageError } from './errors.js';

// The flags of list, describe and call: one table, read by the parser and printed by --help. Each has our spelling
// and grpcurl's single-dash one, so a grpcurl command line works as it is.

export interface RpcFlags {
  positional: string[];
  data?: string;
  headers: string[];
  protos: string[];
  importPaths: string[];
  /** Milliseconds; undefined: no deadline. */
  timeout?: number;
  /** Milliseconds. */
  connectTimeout: number;
  plaintext: boolean;
  insecure: boolean;
  cacert?: string;
  emitDefaults: boolean;
  allowUnknownFields: boolean;
  formatError: boolean;
  trace: boolean;
}

interface FlagSpec {
  names: string[];
  /** The value's name, for flags that take one. */
  value?: string;
  help: string;
  set(flags: RpcFlags, value: string, name: string): void;
}

const seconds = (name: string, value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} takes a number of seconds (like 2.5), not "${value}"`);
  return n * 1000;
};

export const RPC_FLAGS: FlagSpec[] = [
  { names: ['-d', '--data'], value: 'JSON', help: 'the request as JSON; @FILE reads a file, @- standard input; a client stream takes several JSON values one after another. Default: {}', set: (f, v) => (f.data = v) },
  { names: ['-H', '--header'], value: '"KEY: VALUE"', help: 'request metadata (repeatable); a key ending in -bin takes base64', set: (f, v) => void f.headers.push(v) },
  { names: ['--proto', '-proto'], value: 'FILE', help: 'use this .proto file instead of server reflection (repeatable)', set: (f, v) => void f.protos.push(v) },
  { names: ['--import-path', '-import-path', '-I'], value: 'DIR', help: 'where --proto files and their imports are found (repeatable). Default: the current directory', set: (f, v) => void f.importPaths.push(v) },
  { names: ['--timeout', '--max-time', '-max-time'], value: 'SECONDS', help: 'the call\'s deadline. Default: none', set: (f, v, n) => (f.timeout = seconds(n, v)) },
  { names: ['--connect-timeout', '-connect-timeout'], value: 'SECONDS', help: 'give up connecting after this long. Default: 10', set: (f, v, n) => (f.connectTimeout = seconds(n, v)) },
  { names: ['--plaintext', '-plaintext'], help: 'HTTP/2 without TLS (prior knowledge). Default: TLS, as grpcurl', set: (f) => (f.plaintext = true) },
  { names: ['--insecure', '-insecure'], help: 'TLS without checking the server\'s certificate', set: (f) => (f.insecure = true) },
  { names: ['--cacert', '-cacert'], value: 'FILE', help: 'trust the server certificates this CA (PEM) signed', set: (f, v) => (f.cacert = v) },
  { names: ['--emit-defaults', '-emit-defaults'], help: 'print fields at their default values too. Default: omitted', set: (f) => (f.emitDefaults = true) },
  { names: ['--allow-unknown-fields', '-allow-unknown-fields'], help: 'ignore request JSON keys the message does not have. Default: an error', set: (f) => (f.allowUnknownFields = true) },
  { names: ['--format-error', '-format-error'], help: 'print a status from the server as JSON (code, message, details)', set: (f) => (f.formatError = true) },
  { names: ['--trace'], value: undefined, help: 'print the call\'s frames, HPACK steps and messages to standard error (--trace=LEVELS, --trace-file FILE)', set: (f) => (f.trace = true) },
];

/** Parses the arguments after the command; a flag we do not know is a UsageError naming it. */
export function parseRpcFlags(args: string[]): RpcFlags {
  const flags: RpcFlags = {
    positional: [], headers: [], protos: [], importPaths: [], connectTimeout: 10_000,
    plaintext: false, insecure: false, emitDefaults: false, allowUnknownFields: false, formatError: false, trace: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--trace-file') {
      if (args[++i] === undefined) throw new UsageError('--trace-file needs a file name');
      flags.trace = true;
      continue;
    }
    if (arg.startsWith('--trace=')) {
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
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      spec.set(flags, '', name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value (${spec.value})`);
    spec.set(flags, value, name);
  }
  return flags;
}

/** The flags as --help prints them. */
export function flagsHelp(): string {
  return RPC_FLAGS.map((s) => {
    const names = s.names.join(', ') + (s.value ? ` ${s.value}` : '');
    return `  ${names}\n      ${s.help}`;
  }).join('\n');
}
