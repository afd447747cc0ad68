// grpc.testing.TestService as ../shared/specs/grpc-interop.md describes it, served by h2grpc.
import { fileURLToPath } from 'node:url';
import { loadProto, Metadata, type ServerCall, type ServiceHandlers, Status, StatusError, withCompression } from '../../src/grpc/index.js';
import type { BoolValue, EchoStatus, PayloadInit, StreamingOutputCallRequest } from './gen/messages.js';
import { TestService, type TestServiceShape, UnimplementedService } from './gen/test.js';

/** test.proto, for the tracer and the tests that decode by hand; the types come from ./gen (npm run gen:examples). */
export const INTEROP_PROTO = fileURLToPath(new URL('./test.proto', import.meta.url));
export const interopRoot = loadProto(INTEROP_PROTO);
/** grpc.testing.TestService, typed: generated from test.proto by `h2grpc gen`. */
export const testService = TestService;
export const unimplementedService = UnimplementedService;

const zeros = (size: number): PayloadInit => ({ type: 'COMPRESSABLE', body: Buffer.alloc(size) });

/** Servers echo x-grpc-test-echo-initial in initial metadata and x-grpc-test-echo-trailing-bin in the trailers. */
function echoMetadata(call: ServerCall): void {
  const initial = call.metadata.get('x-grpc-test-echo-initial');
  if (initial !== undefined) call.sendMetadata(new Metadata({ 'x-grpc-test-echo-initial': initial }));
  const trailing = call.metadata.get('x-grpc-test-echo-trailing-bin');
  if (trailing !== undefined) call.trailers.set('x-grpc-test-echo-trailing-bin', trailing);
}

function checkStatus(status: EchoStatus | null | undefined): void {
  if (status && status.code !== 0) throw new StatusError(status.code, status.message);
}

/** expect_compressed: a message that should have come compressed but did not is INVALID_ARGUMENT. */
function checkCompressed(expect: BoolValue | null | undefined, call: ServerCall): void {
  if (expect?.value && !call.lastRequestCompressed) throw new StatusError(Status.INVALID_ARGUMENT, 'expected a compressed message');
}

const sleepUs = (us: number) => (us > 0 ? new Promise((r) => setTimeout(r, us / 1000)) : Promise.resolve());

async function* respond(request: StreamingOutputCallRequest) {
  checkStatus(request.response_status);
  for (const p of request.response_parameters) {
    await sleepUs(p.interval_us);
    yield withCompression({ payload: zeros(p.size) }, p.compressed?.value ?? false);
  }
}

/** Every method but UnimplementedCall, which the interop cases expect to answer UNIMPLEMENTED. */
export const testHandlers: Omit<ServiceHandlers<TestServiceShape>, 'UnimplementedCall'> = {
  EmptyCall(_request, call) {
    echoMetadata(call);
    return {};
  },
  UnaryCall(request, call) {
    echoMetadata(call);
    checkCompressed(request.expect_compressed, call);
    checkStatus(request.response_status);
    if (request.response_compressed?.value) call.setCompression('gzip');
    return withCompression({ payload: zeros(request.response_size) }, request.response_compressed?.value ?? false);
  },
  async *StreamingOutputCall(request, call) {
    echoMetadata(call);
    if (request.response_parameters.some((p) => p.compressed?.value)) call.setCompression('gzip');
    yield* respond(request);
  },
  async StreamingInputCall(requests, call) {
    echoMetadata(call);
    let size = 0;
    for await (const request of requests) {
      checkCompressed(request.expect_compressed, call);
      size += request.payload?.body?.length ?? 0;
    }
    return { aggregated_payload_size: size };
  },
  async *FullDuplexCall(requests, call) {
    echoMetadata(call);
    for await (const request of requests) yield* respond(request);
  },
  async *HalfDuplexCall(requests, call) {
    echoMetadata(call);
    const all: StreamingOutputCallRequest[] = [];
    for await (const request of requests) all.push(request);
    for (const request of all) yield* respond(request);
  },
};

/** Parses --name=value and --name value flags. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    out[m[1]!] = m[2] ?? (argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true');
  }
  return out;
}
