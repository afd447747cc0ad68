// The same conformance client as client.ts, written with @grpc/grpc-js and @grpc/proto-loader: the baseline that
// h2grpc's results are read against (npm run conformance).
//
//   node_modules/.bin/tsx test/conformance/grpc-js-client.ts
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  type AnyMessage, type ConformancePayload, decode, encode, type ErrorMessage, type Header, headersFrom, PLAIN, PROTO_DIR, root,
  rpcStatus, SERVICE_NAME, SERVICE_PROTO, serveClientCases, sleep,
} from './protocol.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface ClientCompatRequest {
  test_name: string;
  http_version?: string;
  protocol?: string;
  codec?: string;
  compression?: string;
  host: string;
  port: number;
  server_tls_cert?: Buffer;
  client_tls_creds?: { cert?: Buffer; key?: Buffer };
  message_receive_limit?: number;
  service?: string;
  method?: string;
  stream_type?: string;
  request_headers?: Header[];
  request_messages?: AnyMessage[];
  timeout_ms?: number;
  request_delay_ms?: number;
  cancel?: { cancel_timing?: 'before_close_send' | 'after_close_send_ms' | 'after_num_responses'; after_close_send_ms?: number; after_num_responses?: number };
  raw_request?: unknown;
}

interface ClientResponseResult {
  response_headers: Header[];
  payloads: ConformancePayload[];
  error?: ErrorMessage;
  response_trailers: Header[];
  num_unsent_requests?: number;
}

const definition = protoLoader.loadSync(SERVICE_PROTO, { includeDirs: [PROTO_DIR], keepCase: true, longs: Number, enums: String, bytes: Buffer, defaults: false, oneofs: true });
const ConformanceService = (grpc.loadPackageDefinition(definition) as Any).connectrpc.conformance.v1.ConformanceService as typeof grpc.Client;
const service = root.lookupService(SERVICE_NAME);
// grpc-js's compression-algorithms.ts: identity 0, deflate 1, gzip 2
const ALGORITHMS: Record<string, number> = { COMPRESSION_IDENTITY: 0, COMPRESSION_DEFLATE: 1, COMPRESSION_GZIP: 2 };
const METHODS: Record<string, string> = {
  STREAM_TYPE_UNARY: 'Unary',
  STREAM_TYPE_CLIENT_STREAM: 'ClientStream',
  STREAM_TYPE_SERVER_STREAM: 'ServerStream',
  STREAM_TYPE_HALF_DUPLEX_BIDI_STREAM: 'BidiStream',
  STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM: 'BidiStream',
};

class Unsupported extends Error {}

function headersOf(metadata: grpc.Metadata | undefined): Header[] {
  if (!metadata) return [];
  const pairs: Array<[string, string]> = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) pairs.push([key, typeof value === 'string' ? value : value.toString('base64')]);
  }
  return headersFrom(pairs);
}

function metadataOf(headers: Header[] | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const { name, value } of headers ?? []) {
    for (const v of value ?? []) metadata.add(name, name.toLowerCase().endsWith('-bin') ? Buffer.from(v) : v);
  }
  return metadata;
}

/** A grpc-js error as the suite's Error; the details come from grpc-status-details-bin, which grpc-js leaves in the metadata. */
function errorOf(err: unknown): ErrorMessage {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e?.code !== 'number') return { code: 2, message: err instanceof Error ? err.message : String(err) };
  const encoded = e.metadata?.get('grpc-status-details-bin')[0];
  const details = Buffer.isBuffer(encoded) ? (rpcStatus.toObject(rpcStatus.decode(encoded), { bytes: Buffer }).details as AnyMessage[] | undefined) : undefined;
  return { code: e.code, message: e.details ?? '', details: details ?? [] };
}

const payloadOf = (message: unknown): ConformancePayload => ((message as { payload?: ConformancePayload | null })?.payload ?? {});

async function invoke(request: ClientCompatRequest): Promise<ClientResponseResult> {
  if (request.protocol !== 'PROTOCOL_GRPC') throw new Unsupported(`protocol ${request.protocol}: grpc-js speaks gRPC only`);
  if (request.http_version !== 'HTTP_VERSION_2') throw new Unsupported(`HTTP version ${request.http_version}: gRPC needs HTTP/2`);
  if (request.codec !== 'CODEC_PROTO') throw new Unsupported(`codec ${request.codec}: only proto`);
  if (request.raw_request) throw new Unsupported('raw_request is for the reference client only');
  const algorithm = ALGORITHMS[request.compression ?? 'COMPRESSION_IDENTITY'];
  if (algorithm === undefined) throw new Unsupported(`compression ${request.compression}`);
  if ((request.service ?? SERVICE_NAME) !== SERVICE_NAME) throw new Unsupported(`unknown service ${request.service}`);
  const methodName = request.method ?? METHODS[request.stream_type ?? ''] ?? '';
  const method = service.methods[methodName];
  if (!method) throw new Unsupported(`unknown method ${request.method ?? request.stream_type}`);
  method.resolve();
  const requestType = method.resolvedRequestType!;
  const messages = (request.request_messages ?? []).map((any) => {
    const expected = requestType.fullName.slice(1);
    if (any.type_url.slice(any.type_url.lastIndexOf('/') + 1) !== expected) throw new Unsupported(`request message ${any.type_url} is not a ${expected}`);
    return requestType.toObject(requestType.decode(any.value ?? Buffer.alloc(0)), PLAIN);
  });
  if (!method.requestStream && messages.length !== 1) throw new Unsupported(`${methodName} takes exactly one request message, not ${messages.length}`);

  const options: grpc.ChannelOptions = { 'grpc.default_compression_algorithm': algorithm };
  if (request.message_receive_limit) options['grpc.max_receive_message_length'] = request.message_receive_limit;
  const credentials = request.server_tls_cert?.length
    ? grpc.credentials.createSsl(request.server_tls_cert, request.client_tls_creds?.key ?? null, request.client_tls_creds?.cert ?? null)
    : grpc.credentials.createInsecure();
  const client = new ConformanceService(`${request.host}:${request.port}`, credentials, options) as Any;
  try {
    return await call(client, methodName, !!method.requestStream, !!method.responseStream, messages, request);
  } finally {
    client.close();
  }
}

async function call(client: Any, methodName: string, requestStream: boolean, responseStream: boolean, messages: unknown[], request: ClientCompatRequest): Promise<ClientResponseResult> {
  const cancel = request.cancel;
  const timing = cancel ? (cancel.cancel_timing ?? 'after_close_send_ms') : undefined;
  const afterCloseSendMs = timing === 'after_close_send_ms' ? (cancel!.after_close_send_ms ?? 0) : undefined;
  const afterResponses = timing === 'after_num_responses' ? cancel!.after_num_responses : undefined;
  const metadata = metadataOf(request.request_headers);
  const callOptions: grpc.CallOptions = request.timeout_ms !== undefined ? { deadline: Date.now() + request.timeout_ms } : {};
  const result: ClientResponseResult = { response_headers: [], payloads: [], response_trailers: [] };

  // unary and client streaming answer through a callback; the streaming forms are read as streams
  let unaryDone: Promise<unknown> | undefined;
  let rpc: Any;
  if (!responseStream) {
    unaryDone = new Promise((resolve, reject) => {
      const callback = (err: unknown, response: unknown) => (err ? reject(err) : resolve(response));
      rpc = requestStream ? client[methodName](metadata, callOptions, callback) : client[methodName](messages[0], metadata, callOptions, callback);
    });
    unaryDone.catch(() => {});
  } else {
    rpc = requestStream ? client[methodName](metadata, callOptions) : client[methodName](messages[0], metadata, callOptions);
  }
  let headers: grpc.Metadata | undefined;
  let status: grpc.StatusObject | undefined;
  rpc.on('metadata', (m: grpc.Metadata) => (headers = m));
  const ended = new Promise<void>((resolve) => rpc.on('status', (s: grpc.StatusObject) => {
    status = s;
    resolve();
  }));
  rpc.on('error', () => {}); // reported through the status (and the iterator or callback)

  // responses as grpc-js hands them out, with 'data' events
  const inbox: unknown[] = [];
  let wake: (() => void) | undefined;
  let streamError: unknown;
  let finished = false;
  if (responseStream) {
    rpc.on('data', (message: unknown) => {
      inbox.push(message);
      wake?.();
    });
    const finish = (err?: unknown) => {
      streamError ??= err;
      finished = true;
      wake?.();
    };
    // grpc-js emits 'error' (and 'status') before a last message that is still being decompressed, then that
    // message, then 'close': read until 'close' (or, should it never come, a second after the status)
    rpc.on('error', (err: unknown) => (streamError ??= err));
    rpc.on('close', () => finish());
    void ended.then(() => setTimeout(() => finish(), 1000).unref());
  }
  const received = async (): Promise<boolean> => {
    while (inbox.length === 0 && !finished) await new Promise<void>((resolve) => (wake = resolve));
    if (inbox.length === 0) {
      if (streamError) throw streamError;
      return false;
    }
    result.payloads.push(payloadOf(inbox.shift()));
    if (result.payloads.length === afterResponses) rpc.cancel();
    return true;
  };

  let error: unknown;
  try {
    if (requestStream) {
      let sent = 0;
      for (const message of messages) {
        await sleep(request.request_delay_ms);
        if (status) break; // the call has ended: what is left is not sent
        rpc.write(message);
        sent++;
        if (request.stream_type === 'STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM' && !(await received())) break;
      }
      result.num_unsent_requests = messages.length - sent;
      if (timing === 'before_close_send') rpc.cancel();
      else rpc.end();
    }
    if (afterCloseSendMs !== undefined) setTimeout(() => rpc.cancel(), afterCloseSendMs);
    if (responseStream) {
      while (await received());
    } else {
      result.payloads.push(payloadOf(await unaryDone));
    }
  } catch (err) {
    error = err;
  }
  await ended;
  if (error === undefined && status && status.code !== grpc.status.OK) error = { code: status.code, details: status.details, metadata: status.metadata };
  if (error !== undefined) result.error = errorOf(error);
  result.response_headers = headersOf(headers);
  result.response_trailers = headersOf(status?.metadata);
  if (!result.num_unsent_requests) delete result.num_unsent_requests;
  return result;
}

const main = () => serveClientCases<ClientCompatRequest>(invoke);

main().catch((err: unknown) => {
  process.stderr.write(`grpc-js conformance client: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
