// The interop suite's "large" variant: every kind of call with messages on both sides of the flow-control windows
// (1 MiB stream window) and of the 4 MiB default message limit, in both directions, run by h2grpc's client against
// any TestService.  npx tsx examples/interop/client.ts --test_case=large
import { type ClientOptions, createClient, Status, StatusError, type TypedClient } from '../../src/grpc/index.js';
import type { StreamingOutputCallResponse } from './gen/messages.js';
import type { TestServiceShape } from './gen/test.js';
import { testService } from './service.js';

const MiB = 1 << 20;
/** Message sizes (whole protobuf messages, not payload bodies) below the default 4 MiB limit. */
export const LARGE_SIZES = [1024, MiB + 1, 4 * MiB - 5];

type Out = StreamingOutputCallResponse;
type Client = TypedClient<TestServiceShape>;

export const varintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

/**
 * The payload body that makes a message of exactly `size` octets when it sits in field 1 as Payload{body} next to
 * `extra` octets of other fields (SimpleRequest's response_size).
 */
export function bodyFor(size: number, extra = 0): number {
  for (let body = size - extra; body > 0; body--) {
    const payload = 1 + varintLength(body) + body;
    if (extra + 1 + varintLength(payload) + payload === size) return body;
  }
  throw new Error(`no body makes a message of ${size} octets`);
}

const zeros = (n: number) => ({ type: 'COMPRESSABLE' as const, body: Buffer.alloc(n) });
const isZeros = (body: Uint8Array | undefined, n: number) => !!body && body.length === n && body.every((b) => b === 0);

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** A unary request of `size` octets asking for a response of `size` octets. */
export function unaryRequest(size: number) {
  const responseSize = bodyFor(size);
  return { response_size: responseSize, payload: zeros(bodyFor(size, 1 + varintLength(responseSize))) };
}

/** A FullDuplexCall request of `size` octets asking for one response of `size` octets. */
export function duplexRequest(size: number) {
  const parameters = 1 + varintLength(bodyFor(size)); // ResponseParameters{size}
  return { response_parameters: [{ size: bodyFor(size) }], payload: zeros(bodyFor(size, 1 + varintLength(parameters) + parameters)) };
}

/** The cases for messages of the given sizes (each checked in both directions); throws on the first failure. */
export function largeCases(sizes: number[]): Record<string, (client: Client) => Promise<void>> {
  return {
    async large_unary_each_size(client) {
      for (const size of sizes) {
        const response = await client.UnaryCall(unaryRequest(size));
        assert(isZeros(response.payload?.body, bodyFor(size)), `unary: a response message of ${size} octets`);
      }
    },
    async large_server_streaming(client) {
      const out: Out[] = [];
      for await (const m of client.StreamingOutputCall({ response_parameters: sizes.map((s) => ({ size: bodyFor(s) })) })) out.push(m);
      assert(out.length === sizes.length && out.every((m, i) => isZeros(m.payload?.body, bodyFor(sizes[i]!))), `server streaming: ${sizes.join(', ')} octets`);
    },
    async large_client_streaming(client) {
      const response = await client.StreamingInputCall(sizes.map((s) => ({ payload: zeros(bodyFor(s)) })));
      const total = sizes.reduce((a, s) => a + bodyFor(s), 0);
      assert(Number(response.aggregated_payload_size) === total, `client streaming: aggregated ${response.aggregated_payload_size}, wanted ${total}`);
    },
    async large_ping_pong(client) {
      const call = client.FullDuplexCall(sizes.map(duplexRequest));
      let i = 0;
      for await (const m of call) {
        assert(isZeros(m.payload?.body, bodyFor(sizes[i]!)), `bidi: response ${i} of ${sizes[i]} octets`);
        i++;
      }
      assert(i === sizes.length, `bidi: ${i} responses`);
    },
  };
}

/** One octet over the receiver's limit, each way: RESOURCE_EXHAUSTED, and the connection stays usable. */
export function overLimitCases(limit: number): Record<string, (client: Client) => Promise<void>> {
  const expectExhausted = async (promise: Promise<unknown>, what: string) => {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    assert(err instanceof StatusError && err.code === Status.RESOURCE_EXHAUSTED, `${what}: wanted RESOURCE_EXHAUSTED, got ${err instanceof StatusError ? `${err.codeName} ${err.details}` : err}`);
  };
  return {
    async response_over_limit(client) {
      await expectExhausted(client.UnaryCall({ response_size: bodyFor(limit + 1) }), `a response of ${limit + 1} octets`);
      await client.UnaryCall({ response_size: 1 });
    },
    async request_over_limit(client) {
      await expectExhausted(client.StreamingInputCall([{ payload: zeros(bodyFor(limit + 1)) }]), `a request of ${limit + 1} octets`);
      await client.UnaryCall({ response_size: 1 });
    },
  };
}

/** Runs the large cases (and, for the default limit, the over-limit ones) against an address; failures by name. */
export async function runLargeCases(address: string, sizes = LARGE_SIZES, limit = 4 * MiB, options: ClientOptions = {}): Promise<Record<string, string>> {
  const client: Client = createClient(address, testService, { ...options, maxReceiveMessageLength: limit });
  const failures: Record<string, string> = {};
  try {
    for (const [name, run] of Object.entries({ ...largeCases(sizes), ...overLimitCases(limit) })) {
      await run(client).catch((err: Error) => (failures[name] = err.message));
    }
  } finally {
    client.close();
  }
  return failures;
}

export const LARGE_CASE_NAMES = Object.keys({ ...largeCases([]), ...overLimitCases(0) });
