// The same conformance server as server.ts, written with @grpc/grpc-js and @grpc/proto-loader: the baseline that
// h2grpc's results are read against (npm run conformance).
//
//   node_modules/.bin/tsx test/conformance/grpc-js-server.ts
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  anyOf, codeNumber, type ConformancePayload, decode, delimited, encode, type ErrorMessage, type Header, headersFrom, PROTO_DIR,
  type RequestInfo, rpcStatus, SERVICE_PROTO, sleep, type StreamResponseDefinition, type UnaryResponseDefinition, writeDelimited,
} from './protocol.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface ServerCompatRequest {
  use_tls?: boolean;
  client_tls_cert?: Buffer;
  message_receive_limit?: number;
  server_creds?: { cert?: Buffer; key?: Buffer };
}

const definition = protoLoader.loadSync(SERVICE_PROTO, { includeDirs: [PROTO_DIR], keepCase: true, longs: Number, enums: String, bytes: Buffer, defaults: false, oneofs: true });
const ConformanceService = (grpc.loadPackageDefinition(definition) as Any).connectrpc.conformance.v1.ConformanceService;

const echoed = (typeName: string, request: object) => anyOf(typeName, encode(typeName, request));

function requestInfo(call: { metadata: grpc.Metadata; getDeadline(): grpc.Deadline }, requests: RequestInfo['requests']): RequestInfo {
  const pairs: Array<[string, string]> = [];
  for (const [key, values] of Object.entries(call.metadata.toJSON())) {
    for (const value of values) pairs.push([key, typeof value === 'string' ? value : value.toString('base64')]);
  }
  const info: RequestInfo = { request_headers: headersFrom(pairs), requests };
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (Number.isFinite(at)) info.timeout_ms = Math.max(0, at - Date.now());
  return info;
}

function metadataOf(headers: Header[] | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const { name, value } of headers ?? []) {
    for (const v of value ?? []) metadata.add(name, name.toLowerCase().endsWith('-bin') ? Buffer.from(v) : v);
  }
  return metadata;
}

/** The error a definition asks for, as grpc-js sends it: its details (and the request info) in grpc-status-details-bin. */
function errorOf(error: ErrorMessage, trailers: grpc.Metadata, info?: RequestInfo): Partial<grpc.StatusObject> {
  const code = codeNumber(error.code);
  const details = [...(error.details ?? [])];
  if (info) details.push(anyOf('ConformancePayload.RequestInfo', encode('ConformancePayload.RequestInfo', info)));
  const metadata = trailers.clone();
  metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.encode(rpcStatus.fromObject({ code, message: error.message ?? '', details })).finish()));
  return { code, details: error.message ?? '', metadata };
}

type UnaryCall = grpc.ServerUnaryCall<Any, Any> | grpc.ServerReadableStream<Any, Any>;

async function unaryResponse(call: UnaryCall, callback: grpc.sendUnaryData<Any>, definition: UnaryResponseDefinition | undefined, requests: RequestInfo['requests']): Promise<void> {
  const trailers = metadataOf(definition?.response_trailers);
  if (definition) {
    call.sendMetadata(metadataOf(definition.response_headers));
    await sleep(definition.response_delay_ms);
  }
  const info = requestInfo(call, requests);
  if (definition?.error) return callback(errorOf(definition.error, trailers, info));
  const payload: ConformancePayload = { data: definition?.response_data, request_info: info };
  callback(null, { payload }, trailers);
}

/** Ends a response stream: OK with the trailers, or the definition's error. */
function endStream(call: grpc.ServerWritableStream<Any, Any> | grpc.ServerDuplexStream<Any, Any>, definition: StreamResponseDefinition | undefined, info: RequestInfo | undefined): void {
  const trailers = metadataOf(definition?.response_trailers);
  if (definition?.error) call.emit('error', errorOf(definition.error, trailers, info));
  else call.end(trailers);
}

const handlers = {
  Unary(call: grpc.ServerUnaryCall<Any, Any>, callback: grpc.sendUnaryData<Any>) {
    void unaryResponse(call, callback, call.request.response_definition, [echoed('UnaryRequest', call.request)]);
  },

  ClientStream(call: grpc.ServerReadableStream<Any, Any>, callback: grpc.sendUnaryData<Any>) {
    const received: RequestInfo['requests'] = [];
    let definition: UnaryResponseDefinition | undefined;
    call.on('data', (request: Any) => {
      if (received.length === 0) definition = request.response_definition;
      received.push(echoed('ClientStreamRequest', request));
    });
    call.on('end', () => void unaryResponse(call, callback, definition, received));
  },

  async ServerStream(call: grpc.ServerWritableStream<Any, Any>) {
    const definition: StreamResponseDefinition | undefined = call.request.response_definition;
    if (!definition) return call.end();
    call.sendMetadata(metadataOf(definition.response_headers));
    const requests = [echoed('ServerStreamRequest', call.request)];
    let sent = 0;
    for (const data of definition.response_data ?? []) {
      const payload: ConformancePayload = { data };
      if (sent === 0) payload.request_info = requestInfo(call, requests);
      await sleep(definition.response_delay_ms);
      if (call.cancelled) return;
      call.write({ payload });
      sent++;
    }
    endStream(call, definition, sent === 0 ? requestInfo(call, requests) : undefined);
  },

  async BidiStream(call: grpc.ServerDuplexStream<Any, Any>) {
    let definition: StreamResponseDefinition | undefined;
    let fullDuplex = false;
    let first = true;
    let sent = 0;
    let received: RequestInfo['requests'] = [];
    const data = () => definition?.response_data ?? [];
    // Node's stream iterator destroys the stream when it ends or is left (and with it the response and the status),
    // unless told not to
    const requests = call.iterator({ destroyOnReturn: false }) as AsyncIterator<Any>;
    try {
      for (let next = await requests.next(); !next.done; next = await requests.next()) {
        const request = next.value;
        received.push(echoed('BidiStreamRequest', request));
        if (first) {
          first = false;
          definition = request.response_definition;
          fullDuplex = !!request.full_duplex;
          if (definition) call.sendMetadata(metadataOf(definition.response_headers));
        }
        if (!fullDuplex) continue;
        if (sent >= data().length) break;
        const info: RequestInfo = sent === 0 ? requestInfo(call, received) : { request_headers: [], requests: received };
        await sleep(definition!.response_delay_ms);
        call.write({ payload: { data: data()[sent], request_info: info } });
        sent++;
        received = [];
      }
    } catch {
      return; // the call was cancelled
    }
    for (; sent < data().length; sent++) {
      const payload: ConformancePayload = { data: data()[sent] };
      if (sent === 0) payload.request_info = requestInfo(call, received);
      await sleep(definition!.response_delay_ms);
      if (call.cancelled) return;
      call.write({ payload });
    }
    endStream(call, definition, sent === 0 ? requestInfo(call, received) : undefined);
  },
};

async function main(): Promise<void> {
  const first = await delimited(process.stdin).next();
  if (first.done) throw new Error('no ServerCompatRequest on standard input');
  const request = decode<ServerCompatRequest>('ServerCompatRequest', first.value);
  const credentials = request.use_tls
    ? grpc.ServerCredentials.createSsl(
        request.client_tls_cert?.length ? request.client_tls_cert : null,
        [{ private_key: request.server_creds!.key!, cert_chain: request.server_creds!.cert! }],
        !!request.client_tls_cert?.length,
      )
    : grpc.ServerCredentials.createInsecure();
  const options: grpc.ServerOptions = {};
  if (request.message_receive_limit) options['grpc.max_receive_message_length'] = request.message_receive_limit;
  const server = new grpc.Server(options);
  server.addService(ConformanceService.service, handlers);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  await writeDelimited(encode('ServerCompatResponse', { host: '127.0.0.1', port, pem_cert: request.use_tls ? request.server_creds?.cert : undefined }));
  const stop = () => {
    server.forceShutdown();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`grpc-js conformance server: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
