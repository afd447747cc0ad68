// The interop test cases run by the real @grpc/grpc-js client, against any interop server. grpc-js cannot choose
// compression per message nor see a message's compressed flag, so the compression cases check what it can: the
// probe without compression, compressed requests through a gzip channel, and the payloads of replies.
import * as grpc from '@grpc/grpc-js';
import { grpcJsInterop } from './grpc-js-server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
const zeros = (n: number) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(n) });
const isZeros = (body: Buffer | undefined, n: number) => !!body && body.length === n && body.every((b) => b === 0);

const unary = (client: Any, method: string, request: Any, md = new grpc.Metadata(), options: grpc.CallOptions = {}) =>
  new Promise<{ err: grpc.ServiceError | null; res: Any; headers?: grpc.Metadata; trailers?: grpc.Metadata }>((resolve) => {
    let headers: grpc.Metadata | undefined;
    let outcome: { err: grpc.ServiceError | null; res: Any } | undefined;
    const call = client[method](request, md, options, (err: grpc.ServiceError | null, res: Any) => (outcome = { err, res }));
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('status', (s: grpc.StatusObject) => setImmediate(() => resolve({ ...outcome!, headers, trailers: s.metadata })));
  });

const readAll = (call: Any) => new Promise<{ messages: Any[]; err?: grpc.ServiceError; headers?: grpc.Metadata; trailers?: grpc.Metadata }>((resolve) => {
  const messages: Any[] = [];
  let headers: grpc.Metadata | undefined;
  let err: grpc.ServiceError | undefined;
  call.on('metadata', (m: grpc.Metadata) => (headers = m));
  call.on('data', (m: Any) => messages.push(m));
  call.on('error', (e: grpc.ServiceError) => (err = e));
  call.on('status', (s: grpc.StatusObject) => setImmediate(() => resolve({ messages, err, headers, trailers: s.metadata })));
});

const clientStream = (client: Any, requests: Any[], options: grpc.CallOptions = {}) => new Promise<{ err: grpc.ServiceError | null; res: Any }>((resolve) => {
  const call = client.StreamingInputCall(options, (err: grpc.ServiceError | null, res: Any) => resolve({ err, res }));
  for (const r of requests) call.write(r);
  call.end();
});

/** How a case connects: plaintext, or TLS with the interop suite's test CA and host override. */
export interface GrpcJsTransport {
  credentials: () => grpc.ChannelCredentials;
  options: grpc.ChannelOptions;
}
const PLAINTEXT: GrpcJsTransport = { credentials: () => grpc.credentials.createInsecure(), options: {} };

export const grpcJsCases: Record<string, (address: string, transport?: GrpcJsTransport) => Promise<void>> = {
  async empty_unary(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const { err, res } = await unary(c, 'EmptyCall', {});
    c.close();
    assert(!err && res && Object.keys(res).length === 0, `EmptyCall: ${err?.message}`);
  },
  async large_unary(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const { err, res } = await unary(c, 'UnaryCall', { response_size: 314159, payload: zeros(271828) });
    c.close();
    assert(!err && isZeros(res.payload.body, 314159), `large_unary: ${err?.message}`);
  },
  async client_compressed_unary(address, transport = PLAINTEXT) {
    const plain = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const probe = await unary(plain, 'UnaryCall', { expect_compressed: { value: true }, response_size: 314159, payload: zeros(271828) });
    assert(probe.err?.code === grpc.status.INVALID_ARGUMENT, `the probe: ${probe.err?.code}`);
    const ok = await unary(plain, 'UnaryCall', { expect_compressed: { value: false }, response_size: 314159, payload: zeros(271828) });
    assert(!ok.err, `uncompressed: ${ok.err?.message}`);
    plain.close();
    const gzip = new grpcJsInterop.TestService(address, transport.credentials(), { ...transport.options, 'grpc.default_compression_algorithm': 2 });
    const compressed = await unary(gzip, 'UnaryCall', { expect_compressed: { value: true }, response_size: 314159, payload: zeros(271828) });
    gzip.close();
    assert(!compressed.err && isZeros(compressed.res.payload.body, 314159), `compressed: ${compressed.err?.message}`);
  },
  async server_compressed_unary(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    for (const value of [true, false]) {
      const { err, res } = await unary(c, 'UnaryCall', { response_compressed: { value }, response_size: 314159, payload: zeros(271828) });
      assert(!err && isZeros(res.payload.body, 314159), `response_compressed ${value}: ${err?.message}`);
    }
    c.close();
  },
  async client_streaming(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const { err, res } = await clientStream(c, [27182, 8, 1828, 45904].map((n) => ({ payload: zeros(n) })));
    c.close();
    assert(!err && res.aggregated_payload_size === 74922, `client_streaming: ${err?.message ?? res.aggregated_payload_size}`);
  },
  async client_compressed_streaming(address, transport = PLAINTEXT) {
    const plain = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const probe = await clientStream(plain, [{ expect_compressed: { value: true }, payload: zeros(27182) }]);
    plain.close();
    assert(probe.err?.code === grpc.status.INVALID_ARGUMENT, `the probe: ${probe.err?.code}`);
    const gzip = new grpcJsInterop.TestService(address, transport.credentials(), { ...transport.options, 'grpc.default_compression_algorithm': 2 });
    const { err, res } = await clientStream(gzip, [{ expect_compressed: { value: true }, payload: zeros(27182) }, { expect_compressed: { value: false }, payload: zeros(45904) }]);
    gzip.close();
    assert(!err && res.aggregated_payload_size === 73086, `compressed stream: ${err?.message ?? res.aggregated_payload_size}`);
  },
  async server_streaming(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const sizes = [31415, 9, 2653, 58979];
    const { messages, err } = await readAll(c.StreamingOutputCall({ response_parameters: sizes.map((size) => ({ size })) }));
    c.close();
    assert(!err && messages.length === 4 && messages.every((m, i) => isZeros(m.payload.body, sizes[i]!)), `server_streaming: ${err?.message}`);
  },
  async server_compressed_streaming(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const { messages, err } = await readAll(c.StreamingOutputCall({ response_parameters: [{ size: 31415, compressed: { value: true } }, { size: 92653, compressed: { value: false } }] }));
    c.close();
    assert(!err && isZeros(messages[0]?.payload.body, 31415) && isZeros(messages[1]?.payload.body, 92653), `server_compressed_streaming: ${err?.message}`);
  },
  async ping_pong(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const call = c.FullDuplexCall();
    const pairs = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
    const done = readAll(call);
    let i = 0;
    const sizes: number[] = [];
    call.on('data', (m: Any) => {
      sizes.push(m.payload.body.length);
      if (++i < pairs.length) call.write({ response_parameters: [{ size: pairs[i]![0] }], payload: zeros(pairs[i]![1]!) });
      else call.end();
    });
    call.write({ response_parameters: [{ size: pairs[0]![0] }], payload: zeros(pairs[0]![1]!) });
    const { err } = await done;
    c.close();
    assert(!err && sizes.join() === '31415,9,2653,58979', `ping_pong: ${err?.message ?? sizes}`);
  },
  async empty_stream(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const call = c.FullDuplexCall();
    const done = readAll(call);
    call.end();
    const { messages, err } = await done;
    c.close();
    assert(!err && messages.length === 0, `empty_stream: ${err?.message}`);
  },
  async custom_metadata(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const md = () => {
      const m = new grpc.Metadata();
      m.set('x-grpc-test-echo-initial', 'test_initial_metadata_value');
      m.set('x-grpc-test-echo-trailing-bin', Buffer.from([0xab, 0xab, 0xab]));
      return m;
    };
    const u = await unary(c, 'UnaryCall', { response_size: 314159, payload: zeros(271828) }, md());
    assert(u.headers?.get('x-grpc-test-echo-initial')[0] === 'test_initial_metadata_value', 'unary initial metadata');
    assert(Buffer.from([0xab, 0xab, 0xab]).equals(u.trailers?.get('x-grpc-test-echo-trailing-bin')[0] as Buffer), 'unary trailing metadata');
    const call = c.FullDuplexCall(md());
    const done = readAll(call);
    call.write({ response_parameters: [{ size: 314159 }], payload: zeros(271828) });
    call.end();
    const s = await done;
    c.close();
    assert(s.headers?.get('x-grpc-test-echo-initial')[0] === 'test_initial_metadata_value', 'streaming initial metadata');
    assert(Buffer.from([0xab, 0xab, 0xab]).equals(s.trailers?.get('x-grpc-test-echo-trailing-bin')[0] as Buffer), 'streaming trailing metadata');
  },
  async status_code_and_message(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const status = { code: 2, message: 'test status message' };
    const u = await unary(c, 'UnaryCall', { response_status: status });
    assert(u.err?.code === 2 && u.err.details === 'test status message', `unary: ${u.err?.code} ${u.err?.details}`);
    const call = c.FullDuplexCall();
    const done = readAll(call);
    call.write({ response_status: status });
    call.end();
    const s = await done;
    c.close();
    assert(s.err?.code === 2 && s.err.details === 'test status message', `streaming: ${s.err?.code} ${s.err?.details}`);
  },
  async special_status_message(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const message = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
    const u = await unary(c, 'UnaryCall', { response_status: { code: 2, message } });
    c.close();
    assert(u.err?.code === 2 && u.err.details === message, `got ${JSON.stringify(u.err?.details)}`);
  },
  async unimplemented_method(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const u = await unary(c, 'UnimplementedCall', {});
    c.close();
    assert(u.err?.code === grpc.status.UNIMPLEMENTED, `got ${u.err?.code}`);
  },
  async unimplemented_service(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.UnimplementedService(address, transport.credentials(), transport.options);
    const u = await unary(c, 'UnimplementedCall', {});
    c.close();
    assert(u.err?.code === grpc.status.UNIMPLEMENTED, `got ${u.err?.code}`);
  },
  async cancel_after_begin(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const result = new Promise<grpc.ServiceError | null>((resolve) => {
      const call = c.StreamingInputCall((err: grpc.ServiceError | null) => resolve(err));
      call.cancel();
    });
    const err = await result;
    c.close();
    assert(err?.code === grpc.status.CANCELLED, `got ${err?.code}`);
  },
  async cancel_after_first_response(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const call = c.FullDuplexCall();
    const done = readAll(call);
    call.once('data', () => call.cancel());
    call.write({ response_parameters: [{ size: 31415 }], payload: zeros(27182) });
    const { err } = await done;
    c.close();
    assert(err?.code === grpc.status.CANCELLED, `got ${err?.code}`);
  },
  async timeout_on_sleeping_server(address, transport = PLAINTEXT) {
    const c = new grpcJsInterop.TestService(address, transport.credentials(), transport.options);
    const call = c.FullDuplexCall({ deadline: Date.now() + 1 });
    const done = readAll(call);
    call.write({ payload: zeros(27182) });
    const { err } = await done;
    c.close();
    assert(err?.code === grpc.status.DEADLINE_EXCEEDED, `got ${err?.code}`);
  },
};
