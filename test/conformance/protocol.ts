// What the four programs under test share: the conformance protos (connectrpc/conformance v1.0.5, copied into
// ./proto), the size-delimited messages on standard input and output, and the conversions between the suite's
// Header/Error/Any messages and plain values.
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'proto');
export const SERVICE_PROTO = 'connectrpc/conformance/v1/service.proto';
export const SERVICE_NAME = 'connectrpc.conformance.v1.ConformanceService';
const PACKAGE = 'connectrpc.conformance.v1';
export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** The conformance protos, field names as written (keepCase), imports found under PROTO_DIR. */
export function conformanceRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync(['connectrpc/conformance/v1/client_compat.proto', 'connectrpc/conformance/v1/server_compat.proto', SERVICE_PROTO], { keepCase: true });
  root.resolveAll();
  return root;
}

export const root = conformanceRoot();
export const type = (name: string): protobuf.Type => root.lookupType(`${PACKAGE}.${name}`);

/**
 * google.rpc.Status, for the grpc-js programs: grpc-js carries grpc-status-details-bin as plain metadata, so they
 * encode and decode it themselves (h2grpc does it in StatusError's errorDetails).
 */
export const rpcStatus = (() => {
  const status = new protobuf.Root();
  protobuf.parse('syntax = "proto3"; package google.rpc; import "google/protobuf/any.proto"; message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }', status, { keepCase: true });
  status.loadSync('google/protobuf/any.proto', { keepCase: true });
  status.resolveAll();
  return status.lookupType('google.rpc.Status');
})();

/** Plain objects as protobufjs makes them: bytes as Buffers, enums as names, 64-bit integers as numbers. */
export const PLAIN: protobuf.IConversionOptions = { enums: String, longs: Number, bytes: Buffer, defaults: false, oneofs: true };

export function decode<T>(typeName: string, bytes: Uint8Array): T {
  const t = type(typeName);
  return t.toObject(t.decode(bytes), PLAIN) as T;
}

export function encode(typeName: string, value: object): Buffer {
  const t = type(typeName);
  const message = t.fromObject(value);
  const problem = t.verify(message);
  if (problem) throw new Error(`${typeName}: ${problem}`);
  return Buffer.from(t.encode(message).finish());
}

/** Reads size-delimited messages (a 4-octet big-endian length, then the message) until the stream ends. */
export async function* delimited(input: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  let buffered = Buffer.alloc(0);
  for await (const chunk of input) {
    buffered = Buffer.concat([buffered, chunk as Buffer]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (buffered.length < 4 + length) break;
      yield buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
    }
  }
  if (buffered.length > 0) throw new Error(`standard input ended inside a message (${buffered.length} octets left)`);
}

/** Writes one size-delimited message to standard output in a single write, so concurrent results never interleave. */
export function writeDelimited(bytes: Uint8Array): Promise<void> {
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  out.set(bytes, 4);
  return new Promise((resolve, reject) => process.stdout.write(out, (err) => (err ? reject(err) : resolve())));
}

// ---- the suite's messages, as plain objects -------------------------------------------------------------------

export interface Header {
  name: string;
  value?: string[];
}

export interface AnyMessage {
  type_url: string;
  value: Buffer;
}

export interface ErrorMessage {
  code?: string | number;
  message?: string;
  details?: AnyMessage[];
}

export interface UnaryResponseDefinition {
  response_headers?: Header[];
  response_data?: Buffer;
  error?: ErrorMessage;
  response_trailers?: Header[];
  response_delay_ms?: number;
  raw_response?: unknown;
}

export interface StreamResponseDefinition {
  response_headers?: Header[];
  response_data?: Buffer[];
  response_delay_ms?: number;
  error?: ErrorMessage;
  response_trailers?: Header[];
  raw_response?: unknown;
}

export interface RequestInfo {
  request_headers: Header[];
  timeout_ms?: number;
  requests: AnyMessage[];
}

export interface ConformancePayload {
  data?: Buffer;
  request_info?: RequestInfo;
}

/** The suite's Code enum has gRPC's numbers (CODE_CANCELED = 1 … CODE_UNAUTHENTICATED = 16). */
export function codeNumber(code: string | number | undefined): number {
  if (typeof code === 'number') return code;
  if (code === undefined) return 0;
  return root.lookupEnum(`${PACKAGE}.Code`).values[code] ?? 2;
}

export const anyOf = (typeName: string, value: Uint8Array): AnyMessage => ({ type_url: TYPE_URL_PREFIX + `${PACKAGE}.${typeName}`, value: Buffer.from(value) });

export const sleep = (ms: number | undefined): Promise<void> => (ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Header messages from name/value pairs, one entry per name with its values in order (names as given). */
export function headersFrom(pairs: Iterable<[string, string]>): Header[] {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  return [...byName].map(([name, value]) => ({ name, value }));
}

/**
 * A client under test's main loop: each ClientCompatRequest from standard input is run by `invoke`, at most
 * CONFORMANCE_CLIENT_PARALLEL (16) at once, and its ClientCompatResponse written back as it completes. The runner
 * sends all its cases at once; started together, their connections and TLS handshakes kept the one thread busy long
 * enough to push full-duplex round trips past a 2 s deadline.
 */
export async function serveClientCases<Request extends { test_name: string }>(invoke: (request: Request) => Promise<object>): Promise<void> {
  const parallel = Number(process.env.CONFORMANCE_CLIENT_PARALLEL) || 16;
  let running = 0;
  const queue: Array<() => void> = [];
  const limit = async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= parallel) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
  const pending = new Set<Promise<void>>();
  process.on('SIGTERM', () => process.exit(0));
  for await (const bytes of delimited(process.stdin)) {
    const request = decode<Request>('ClientCompatRequest', bytes);
    const done = limit(() => invoke(request)).then(
      (response) => ({ test_name: request.test_name, response }),
      (err: unknown) => ({ test_name: request.test_name, error: { message: err instanceof Error ? err.message : String(err) } }),
    ).then((response) => writeDelimited(encode('ClientCompatResponse', response)));
    pending.add(done);
    void done.finally(() => pending.delete(done));
  }
  await Promise.all(pending);
}
