// The conformance client under test: reads size-delimited ClientCompatRequest messages on standard input, makes
// each RPC with h2grpc's public API (gRPC, gRPC-Web or Connect, over HTTP/2 or HTTP/1.1, proto or JSON) (all of them concurrently, as the runner sends many), and writes one
// ClientCompatResponse per request, as testing_clients.md describes. Exits once standard input has ended and every
// call is done; SIGTERM ends it at once.
//
//   node_modules/.bin/tsx test/conformance/client.ts
import protobuf from 'protobufjs';
import { type ClientCall, type ClientOptions, createClient, type Encoding, Metadata, richStatusRoot, serviceDefinition, StatusError } from '../../src/index.js';
import {
  type AnyMessage, type ConformancePayload, decode, encode, type ErrorMessage, type Header, headersFrom, root, SERVICE_NAME, serveClientCases, sleep,
} from './protocol.js';
import { RequestStream } from './request-stream.js';

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

const service = serviceDefinition(root, SERVICE_NAME);
const ENCODINGS: Record<string, Encoding> = { COMPRESSION_IDENTITY: 'identity', COMPRESSION_GZIP: 'gzip', COMPRESSION_DEFLATE: 'deflate' };
const METHODS: Record<string, string> = {
  STREAM_TYPE_UNARY: 'Unary',
  STREAM_TYPE_CLIENT_STREAM: 'ClientStream',
  STREAM_TYPE_SERVER_STREAM: 'ServerStream',
  STREAM_TYPE_HALF_DUPLEX_BIDI_STREAM: 'BidiStream',
  STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM: 'BidiStream',
};

/** Thrown for a request this client cannot make at all (reported as ClientErrorResult, not as an RPC error). */
class Unsupported extends Error {}

function headersOf(metadata: Metadata | undefined): Header[] {
  if (!metadata) return [];
  const pairs: Array<[string, string]> = [];
  for (const key of metadata.keys()) {
    for (const value of metadata.getAll(key)) pairs.push([key, typeof value === 'string' ? value : value.toString('base64')]);
  }
  return headersFrom(pairs);
}

function metadataOf(headers: Header[] | undefined): Metadata {
  const metadata = new Metadata();
  for (const { name, value } of headers ?? []) {
    for (const v of value ?? []) metadata.add(name, name.toLowerCase().endsWith('-bin') ? Buffer.from(v) : v);
  }
  return metadata;
}

let detailRoot: ReturnType<typeof richStatusRoot> | undefined;

/** A StatusError as the suite's Error: the details packed back into Any (h2grpc decodes those whose types it knows). */
function errorOf(err: unknown): ErrorMessage {
  if (!(err instanceof StatusError)) return { code: 2, message: err instanceof Error ? err.message : String(err) };
  const details = err.errorDetails.map(({ '@type': typeUrl, ...fields }): AnyMessage => {
    if (Buffer.isBuffer(fields.value) && Object.keys(fields).length === 1) return { type_url: typeUrl, value: fields.value };
    // h2grpc decoded it: a type of the service's schema (RequestInfo), or a standard one of google.rpc
    const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    detailRoot ??= richStatusRoot();
    const t = [root, detailRoot].map((r) => r.lookup(name)).find((found) => found instanceof protobuf.Type);
    if (!t) throw new Error(`h2grpc decoded an error detail of type ${typeUrl} that this client cannot encode again`);
    return { type_url: typeUrl, value: Buffer.from(t.encode(t.fromObject(fields)).finish()) };
  });
  return { code: err.code, message: err.details, details };
}

/** A response message's payload (an empty message has none: an empty payload then). */
const payloadOf = (message: unknown): ConformancePayload => ((message as { payload?: ConformancePayload | null })?.payload ?? {});

const PROTOCOLS: Record<string, ClientOptions['protocol']> = { PROTOCOL_GRPC: 'grpc', PROTOCOL_GRPC_WEB: 'grpc-web', PROTOCOL_CONNECT: 'connect' };
const HTTP_VERSIONS: Record<string, ClientOptions['httpVersion']> = { HTTP_VERSION_1: '1.1', HTTP_VERSION_2: '2' };
const CODECS: Record<string, ClientOptions['codec']> = { CODEC_PROTO: 'proto', CODEC_JSON: 'json' };

async function invoke(request: ClientCompatRequest): Promise<ClientResponseResult> {
  const protocol = PROTOCOLS[request.protocol ?? ''];
  if (!protocol) throw new Unsupported(`protocol ${request.protocol}`);
  const httpVersion = HTTP_VERSIONS[request.http_version ?? ''];
  if (!httpVersion) throw new Unsupported(`HTTP version ${request.http_version}`);
  if (protocol === 'grpc' && httpVersion !== '2') throw new Unsupported(`HTTP version ${request.http_version}: gRPC needs HTTP/2`);
  const codec = CODECS[request.codec ?? ''];
  if (!codec) throw new Unsupported(`codec ${request.codec}`);
  if (request.raw_request) throw new Unsupported('raw_request is for the reference client only');
  const encoding = ENCODINGS[request.compression ?? 'COMPRESSION_IDENTITY'];
  if (!encoding) throw new Unsupported(`compression ${request.compression}`);
  if ((request.service ?? SERVICE_NAME) !== SERVICE_NAME) throw new Unsupported(`unknown service ${request.service}`);
  const methodName = request.method ?? METHODS[request.stream_type ?? ''];
  const method = methodName ? service.methods[methodName] : undefined;
  if (!method) throw new Unsupported(`unknown method ${request.method ?? request.stream_type}`);

  const messages = (request.request_messages ?? []).map((any) => {
    const expected = method.requestType.fullName.slice(1);
    if (any.type_url.slice(any.type_url.lastIndexOf('/') + 1) !== expected) throw new Unsupported(`request message ${any.type_url} is not a ${expected}`);
    return method.requestType.decode(any.value ?? Buffer.alloc(0));
  });
  if (!method.requestStream && messages.length !== 1) throw new Unsupported(`${methodName} takes exactly one request message, not ${messages.length}`);

  // the suite's Connect GET cases call IdempotentUnary, declared NO_SIDE_EFFECTS: useGet sends it by GET
  const options: ClientOptions = { compression: encoding, protocol, httpVersion, codec, useGet: protocol === 'connect' };
  if (request.message_receive_limit) options.maxReceiveMessageLength = request.message_receive_limit;
  if (request.server_tls_cert?.length) {
    options.tls = { ca: request.server_tls_cert, cert: request.client_tls_creds?.cert, key: request.client_tls_creds?.key };
  }
  const client = createClient(`${request.host}:${request.port}`, service, options);
  try {
    return await call(client.call.bind(client), methodName!, method.requestStream, method.responseStream, messages, request);
  } finally {
    client.close();
  }
}

type Start = (method: string, requests: AsyncIterable<unknown> | Iterable<unknown>, options: { metadata: Metadata; timeout?: number }) => ClientCall;

async function call(start: Start, methodName: string, requestStream: boolean, responseStream: boolean, messages: unknown[], request: ClientCompatRequest): Promise<ClientResponseResult> {
  const cancel = request.cancel;
  const timing = cancel ? (cancel.cancel_timing ?? 'after_close_send_ms') : undefined;
  const afterCloseSendMs = timing === 'after_close_send_ms' ? (cancel!.after_close_send_ms ?? 0) : undefined;
  const afterResponses = timing === 'after_num_responses' ? cancel!.after_num_responses : undefined;
  const options = { metadata: metadataOf(request.request_headers), ...(request.timeout_ms !== undefined ? { timeout: request.timeout_ms } : {}) };

  const result: ClientResponseResult = { response_headers: [], payloads: [], response_trailers: [] };
  const requests = requestStream ? new RequestStream<unknown>() : messages;
  const rpc = start(methodName, requests, options);
  // a call that has ended takes no more requests (it may end before it ever asked for one)
  if (requests instanceof RequestStream) void rpc.done.catch(() => {}).finally(() => requests.return());
  let headers: Metadata | undefined;
  rpc.headers.then((h) => (headers = h), () => {});
  let error: unknown;
  const fullDuplex = request.stream_type === 'STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM';
  const responses = rpc[Symbol.asyncIterator]();
  const received = async (): Promise<boolean> => {
    const next = await responses.next();
    if (next.done) return false;
    result.payloads.push(payloadOf(next.value));
    if (result.payloads.length === afterResponses) rpc.cancel();
    return true;
  };

  try {
    if (requests instanceof RequestStream) {
      // client and bidi streams: each request after the delay; full duplex reads a response after each
      let sent = 0;
      for (const message of messages) {
        await sleep(request.request_delay_ms);
        if (!(await requests.send(message))) break;
        sent++;
        if (fullDuplex && !(await received())) break;
      }
      result.num_unsent_requests = messages.length - sent;
      if (timing === 'before_close_send') rpc.cancel();
      else requests.close();
    }
    if (afterCloseSendMs !== undefined) setTimeout(() => rpc.cancel(), afterCloseSendMs);
    if (responseStream) {
      while (await received());
    } else {
      const { message } = await rpc.unary();
      result.payloads.push(payloadOf(message));
    }
  } catch (err) {
    error = err;
  }
  if (error === undefined) {
    try {
      result.response_trailers = headersOf(await rpc.done);
    } catch (err) {
      error = err;
    }
  }
  if (error !== undefined) {
    result.error = errorOf(error);
    headers ??= (error as StatusError).headers;
    result.response_trailers = headersOf((error as StatusError).metadata);
  }
  result.response_headers = headersOf(headers);
  if (!result.num_unsent_requests) delete result.num_unsent_requests;
  return result;
}

const main = () => serveClientCases<ClientCompatRequest>(invoke);

main().catch((err: unknown) => {
  process.stderr.write(`conformance client: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
