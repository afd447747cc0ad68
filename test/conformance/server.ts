// The conformance server under test: connectrpc.conformance.v1.ConformanceService written with h2grpc's public API,
// as testing_servers.md describes. Reads one size-delimited ServerCompatRequest on standard input, starts the
// server (h2c, or TLS with the runner's certificate, requiring client certificates when given one), writes the
// ServerCompatResponse, and serves until SIGTERM.
//
//   node_modules/.bin/tsx test/conformance/server.ts
import type tls from 'node:tls';
import { Metadata, Server, type ServerCall, serviceDefinition, StatusError } from '../../src/index.js';
import {
  anyOf, codeNumber, type ConformancePayload, decode, delimited, encode, type ErrorMessage, type Header, headersFrom, root,
  type RequestInfo, SERVICE_NAME, sleep, type StreamResponseDefinition, type UnaryResponseDefinition, writeDelimited,
} from './protocol.js';

interface ServerCompatRequest {
  use_tls?: boolean;
  client_tls_cert?: Buffer;
  message_receive_limit?: number;
  server_creds?: { cert?: Buffer; key?: Buffer };
}

const service = serviceDefinition(root, SERVICE_NAME);
const requestType = (method: string) => service.methods[method]!.requestType;

/** A request as received, packed in an Any to be echoed back. */
function echoed(method: string, request: unknown): { type_url: string; value: Buffer } {
  const t = requestType(method);
  return anyOf(t.name, t.encode(t.fromObject(request as Record<string, unknown>)).finish());
}

/** The request headers as the call saw them (binary values in base64, as they travelled). */
function requestHeaders(metadata: Metadata): Header[] {
  const pairs: Array<[string, string]> = [];
  for (const key of metadata.keys()) {
    for (const value of metadata.getAll(key)) pairs.push([key, typeof value === 'string' ? value : value.toString('base64')]);
  }
  return headersFrom(pairs);
}

function requestInfo(call: ServerCall, requests: RequestInfo['requests']): RequestInfo {
  const info: RequestInfo = { request_headers: requestHeaders(call.metadata), requests };
  if (call.deadline !== undefined) info.timeout_ms = Math.max(0, call.deadline - Date.now());
  return info;
}

function metadataOf(headers: Header[] | undefined): Metadata {
  const metadata = new Metadata();
  for (const { name, value } of headers ?? []) {
    for (const v of value ?? []) metadata.add(name, name.toLowerCase().endsWith('-bin') ? Buffer.from(v) : v);
  }
  return metadata;
}

/** The response headers now (so a client reading them is not held up), the trailers for the end. */
function setMetadata(call: ServerCall, definition: { response_headers?: Header[]; response_trailers?: Header[] }): void {
  call.sendMetadata(metadataOf(definition.response_headers));
  const trailers = metadataOf(definition.response_trailers);
  for (const key of trailers.keys()) for (const value of trailers.getAll(key)) call.trailers.add(key, value);
}

/** The error a definition asks for, its details followed (when given) by the request info. */
function errorOf(error: ErrorMessage, info?: RequestInfo): StatusError {
  const details = (error.details ?? []).map((d) => ({ '@type': d.type_url, value: d.value }));
  if (info) {
    const packed = anyOf('ConformancePayload.RequestInfo', encode('ConformancePayload.RequestInfo', info));
    details.push({ '@type': packed.type_url, value: packed.value });
  }
  return new StatusError(codeNumber(error.code), error.message ?? '', undefined, details);
}

/** Unary and client streaming: one response, or the error the definition asks for. */
async function unaryResponse(call: ServerCall, definition: UnaryResponseDefinition | undefined, requests: RequestInfo['requests']): Promise<{ payload: ConformancePayload }> {
  if (definition) {
    setMetadata(call, definition);
    await sleep(definition.response_delay_ms);
  }
  const info = requestInfo(call, requests);
  if (definition?.error) throw errorOf(definition.error, info);
  return { payload: { data: definition?.response_data, request_info: info } };
}

interface UnaryRequest {
  response_definition?: UnaryResponseDefinition;
}
interface ServerStreamRequest {
  response_definition?: StreamResponseDefinition;
}
interface BidiStreamRequest {
  response_definition?: StreamResponseDefinition;
  full_duplex?: boolean;
}

const handlers = {
  Unary: (request: UnaryRequest, call: ServerCall) => unaryResponse(call, request.response_definition, [echoed('Unary', request)]),
  // Connect's GET calls it (idempotency_level NO_SIDE_EFFECTS); the other protocols POST to it like Unary
  IdempotentUnary: (request: UnaryRequest, call: ServerCall) => unaryResponse(call, request.response_definition, [echoed('IdempotentUnary', request)]),

  async ClientStream(requests: AsyncIterable<UnaryRequest>, call: ServerCall) {
    const received: RequestInfo['requests'] = [];
    let definition: UnaryResponseDefinition | undefined;
    for await (const request of requests) {
      if (received.length === 0) definition = request.response_definition;
      received.push(echoed('ClientStream', request));
    }
    return unaryResponse(call, definition, received);
  },

  async *ServerStream(request: ServerStreamRequest, call: ServerCall) {
    const definition = request.response_definition;
    if (!definition) return;
    setMetadata(call, definition);
    const requests = [echoed('ServerStream', request)];
    let sent = 0;
    for (const data of definition.response_data ?? []) {
      const payload: ConformancePayload = { data };
      if (sent === 0) payload.request_info = requestInfo(call, requests);
      await sleep(definition.response_delay_ms);
      yield { payload };
      sent++;
    }
    if (definition.error) throw errorOf(definition.error, sent === 0 ? requestInfo(call, requests) : undefined);
  },

  async *BidiStream(requests: AsyncIterable<BidiStreamRequest>, call: ServerCall) {
    let definition: StreamResponseDefinition | undefined;
    let fullDuplex = false;
    let first = true;
    let sent = 0;
    let received: RequestInfo['requests'] = [];
    const data = () => definition?.response_data ?? [];
    for await (const request of requests) {
      received.push(echoed('BidiStream', request));
      if (first) {
        first = false;
        definition = request.response_definition;
        fullDuplex = !!request.full_duplex;
        if (definition) setMetadata(call, definition);
      }
      if (!fullDuplex) continue;
      // full duplex: one response per request; with none left, the error (if any) ends the call
      if (sent >= data().length) break;
      const info: RequestInfo = sent === 0 ? requestInfo(call, received) : { request_headers: [], requests: received };
      await sleep(definition!.response_delay_ms);
      yield { payload: { data: data()[sent], request_info: info } };
      sent++;
      received = [];
    }
    // half duplex (all requests read), or full duplex with more responses than requests
    for (; sent < data().length; sent++) {
      const payload: ConformancePayload = { data: data()[sent] };
      if (sent === 0) payload.request_info = requestInfo(call, received);
      await sleep(definition!.response_delay_ms);
      yield { payload };
    }
    if (definition?.error) throw errorOf(definition.error, sent === 0 ? requestInfo(call, received) : undefined);
  },
  // Unimplemented is left out: the server answers it UNIMPLEMENTED.
};

async function main(): Promise<void> {
  const input = delimited(process.stdin);
  const first = await input.next();
  if (first.done) throw new Error('no ServerCompatRequest on standard input');
  const request = decode<ServerCompatRequest>('ServerCompatRequest', first.value);
  let secure: tls.TlsOptions | undefined;
  if (request.use_tls) {
    secure = { cert: request.server_creds?.cert, key: request.server_creds?.key };
    if (request.client_tls_cert?.length) Object.assign(secure, { requestCert: true, rejectUnauthorized: true, ca: request.client_tls_cert });
  }
  const server = new Server({
    tls: secure,
    maxReceiveMessageLength: request.message_receive_limit || undefined,
  });
  server.addService(service, handlers);
  const port = await server.listen(0, '127.0.0.1');
  await writeDelimited(encode('ServerCompatResponse', { host: '127.0.0.1', port, pem_cert: request.use_tls ? request.server_creds?.cert : undefined }));
  const stop = () => {
    server.forceShutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`conformance server: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
