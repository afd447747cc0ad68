// The grpc-js side of the interop service: TestService written with @grpc/grpc-js, for our client to call.
// grpc-js cannot compress a response or tell whether a request arrived compressed, so the four *_compressed_*
// cases are not expressible against it.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { INTEROP_PROTO } from '../../examples/interop/service.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export const grpcJsInterop = (grpc.loadPackageDefinition(protoLoader.loadSync(INTEROP_PROTO, { keepCase: true, longs: String, enums: String, defaults: true })) as Any).grpc.testing;

const zeros = (n: number) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(n) });

function echo(call: Any): grpc.Metadata {
  const initial = call.metadata.get('x-grpc-test-echo-initial');
  if (initial.length) {
    const md = new grpc.Metadata();
    md.set('x-grpc-test-echo-initial', initial[0]);
    call.sendMetadata(md);
  }
  const trailers = new grpc.Metadata();
  const trailing = call.metadata.get('x-grpc-test-echo-trailing-bin');
  if (trailing.length) trailers.set('x-grpc-test-echo-trailing-bin', trailing[0]);
  return trailers;
}

const error = (status: { code: number; message: string }, metadata: grpc.Metadata) => ({ code: status.code, details: status.message, metadata, name: 'Error', message: status.message });

export async function startGrpcJsInteropServer(options: grpc.ServerOptions = {}, credentials = grpc.ServerCredentials.createInsecure()): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server(options);
  server.addService(grpcJsInterop.TestService.service, {
    EmptyCall: (call: Any, cb: Any) => cb(null, {}, echo(call)),
    UnaryCall: (call: Any, cb: Any) => {
      const trailers = echo(call);
      const status = call.request.response_status;
      if (status && status.code !== 0) return cb(error(status, trailers));
      cb(null, { payload: zeros(call.request.response_size) }, trailers);
    },
    StreamingOutputCall: async (call: Any) => {
      const trailers = echo(call);
      for (const p of call.request.response_parameters) {
        if (p.interval_us) await new Promise((r) => setTimeout(r, p.interval_us / 1000));
        call.write({ payload: zeros(p.size) });
      }
      call.end(trailers);
    },
    StreamingInputCall: (call: Any, cb: Any) => {
      const trailers = echo(call);
      let size = 0;
      call.on('data', (m: Any) => (size += m.payload?.body?.length ?? 0));
      call.on('end', () => cb(null, { aggregated_payload_size: size }, trailers));
    },
    FullDuplexCall: (call: Any) => {
      const trailers = echo(call);
      call.on('data', (m: Any) => {
        if (m.response_status && m.response_status.code !== 0) return call.emit('error', error(m.response_status, trailers));
        for (const p of m.response_parameters) call.write({ payload: zeros(p.size) });
      });
      call.on('end', () => call.end(trailers));
    },
    HalfDuplexCall: (call: Any) => {
      const trailers = echo(call);
      const all: Any[] = [];
      call.on('data', (m: Any) => all.push(m));
      call.on('end', () => {
        for (const m of all) for (const p of m.response_parameters) call.write({ payload: zeros(p.size) });
        call.end(trailers);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, server };
}
