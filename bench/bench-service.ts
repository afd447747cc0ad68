// The Bench service (bench.proto) for both stacks: our handlers and grpc-js's, doing the same work.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { loadService, type ServerCall } from './h2grpc.js';

export const BENCH_PROTO = fileURLToPath(new URL('./bench.proto', import.meta.url));
/** Message limits raised on both stacks so the 4 MiB case fits (the default is 4 MiB including the protobuf tag). */
export const MESSAGE_LIMIT = 16 << 20;

export const benchService = () => loadService(BENCH_PROTO, 'bench.Bench');

interface Payload { body: Uint8Array }

/** Our handlers. `ok` counts calls answered, for the h2load check. */
export function ourHandlers(counter: { ok: number }) {
  return {
    Unary: (request: Payload) => {
      counter.ok++;
      return { body: request.body };
    },
    async *ServerStream({ count, size }: { count: number; size: number }, call: ServerCall) {
      const message = { body: Buffer.alloc(size) };
      for (let i = 0; i < count && !call.cancelled; i++) yield message;
      counter.ok++;
    },
    async ClientStream(requests: AsyncIterable<Payload>) {
      let messages = 0;
      for await (const _ of requests) messages++;
      counter.ok++;
      return { messages };
    },
    async *Bidi(requests: AsyncIterable<Payload>) {
      for await (const request of requests) yield request;
      counter.ok++;
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function grpcJsBench(): any {
  const def = protoLoader.loadSync(BENCH_PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (grpc.loadPackageDefinition(def) as any).bench.Bench;
}

/** grpc-js's handlers, honouring its write backpressure as ours does. */
export function grpcJsHandlers(counter: { ok: number }): grpc.UntypedServiceImplementation {
  return {
    Unary: (call: grpc.ServerUnaryCall<Payload, Payload>, cb: grpc.sendUnaryData<Payload>) => {
      counter.ok++;
      cb(null, { body: call.request.body });
    },
    ServerStream: async (call: grpc.ServerWritableStream<{ count: number; size: number }, Payload>) => {
      const message = { body: Buffer.alloc(call.request.size) };
      let cancelled = false;
      call.on('cancelled', () => (cancelled = true));
      for (let i = 0; i < call.request.count && !cancelled; i++) {
        if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
      }
      counter.ok++;
      call.end();
    },
    ClientStream: (call: grpc.ServerReadableStream<Payload, { messages: number }>, cb: grpc.sendUnaryData<{ messages: number }>) => {
      let messages = 0;
      call.on('data', () => messages++);
      call.on('end', () => {
        counter.ok++;
        cb(null, { messages });
      });
    },
    Bidi: (call: grpc.ServerDuplexStream<Payload, Payload>) => {
      call.on('data', (request: Payload) => {
        if (!call.write(request)) {
          call.pause();
          call.once('drain', () => call.resume());
        }
      });
      call.on('end', () => {
        counter.ok++;
        call.end();
      });
    },
  };
}
