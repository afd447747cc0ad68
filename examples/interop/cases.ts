// The interop test cases of ../shared/specs/grpc-interop.md, run by h2grpc's client. Each throws on failure.
import { type ClientOptions, createClient, type ClientCall, Metadata, Status, StatusError, type TypedClient, withCompression } from '../../src/grpc/index.js';
import type { StreamingOutputCallRequestInit, StreamingOutputCallResponse, StreamingInputCallRequestInit } from './gen/messages.js';
import type { TestServiceShape } from './gen/test.js';
import { testService, unimplementedService } from './service.js';

/** A client of grpc.testing.TestService, typed by the code h2grpc gen wrote from test.proto. */
type Client = TypedClient<TestServiceShape>;
type Out = StreamingOutputCallResponse;

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const zeros = (n: number) => ({ type: 'COMPRESSABLE' as const, body: Buffer.alloc(n) });
const isZeros = (body: Uint8Array | undefined, n: number) => !!body && body.length === n && body.every((b) => b === 0);

async function expectStatus(promise: Promise<unknown>, code: number, message?: string): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    assert(err instanceof StatusError, `expected a StatusError, got ${err}`);
    assert(err.code === code, `expected status ${code}, got ${err.code} (${err.details})`);
    if (message !== undefined) assert(err.details === message, `expected message ${JSON.stringify(message)}, got ${JSON.stringify(err.details)}`);
    return err;
  }
  throw new Error(`expected status ${code}, but the call succeeded`);
}

/** A request stream the test feeds one message at a time. */
class Feed<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  push(item: T) {
    this.items.push(item);
    this.wake?.();
  }
  end() {
    this.ended = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) yield item;
      else if (this.ended) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

async function collect(call: ClientCall<Out>): Promise<Out[]> {
  const out: Out[] = [];
  for await (const m of call) out.push(m);
  return out;
}

export const cases: Record<string, (client: Client, address: string, options: ClientOptions) => Promise<void>> = {
  async empty_unary(client) {
    const response = await client.EmptyCall({});
    assert(JSON.stringify(response) === '{}', 'EmptyCall returns Empty');
  },
  async large_unary(client) {
    const { payload } = await client.UnaryCall({ response_size: 314159, payload: zeros(271828) });
    assert(isZeros(payload?.body, 314159), 'a payload of 314159 zero bytes');
  },
  async client_compressed_unary(client) {
    await expectStatus(client.UnaryCall({ expect_compressed: { value: true }, response_size: 314159, payload: zeros(271828) }), Status.INVALID_ARGUMENT);
    const compressed = await client.UnaryCall({ expect_compressed: { value: true }, response_size: 314159, payload: zeros(271828) }, { compression: 'gzip' });
    assert(isZeros(compressed.payload?.body, 314159), 'the compressed request succeeds');
    const plain = await client.UnaryCall({ expect_compressed: { value: false }, response_size: 314159, payload: zeros(271828) });
    assert(isZeros(plain.payload?.body, 314159), 'the uncompressed request succeeds');
  },
  async server_compressed_unary(client) {
    for (const wanted of [true, false]) {
      const call = client.call<Out>('UnaryCall', [{ response_compressed: { value: wanted }, response_size: 314159, payload: zeros(271828) }]);
      const { message } = await call.unary();
      assert(isZeros(message.payload?.body, 314159), 'a payload of 314159 zero bytes');
      assert(call.receivedCompressed[0] === wanted, `the reply's compressed flag is ${call.receivedCompressed[0]}, wanted ${wanted}`);
    }
  },
  async client_streaming(client) {
    const sizes = [27182, 8, 1828, 45904];
    const response = await client.StreamingInputCall(sizes.map((n) => ({ payload: zeros(n) })));
    assert(response.aggregated_payload_size === 74922, `aggregated_payload_size ${response.aggregated_payload_size}`);
  },
  async client_compressed_streaming(client) {
    await expectStatus(client.StreamingInputCall([{ expect_compressed: { value: true }, payload: zeros(27182) }]), Status.INVALID_ARGUMENT);
    const response = await client.StreamingInputCall([
      withCompression({ expect_compressed: { value: true }, payload: zeros(27182) }, true),
      withCompression({ expect_compressed: { value: false }, payload: zeros(45904) }, false),
    ], { compression: 'gzip' });
    assert(response.aggregated_payload_size === 73086, `aggregated_payload_size ${response.aggregated_payload_size}`);
  },
  async server_streaming(client) {
    const sizes = [31415, 9, 2653, 58979];
    const responses = await collect(client.StreamingOutputCall({ response_parameters: sizes.map((size) => ({ size })) }));
    assert(responses.length === 4 && responses.every((r, i) => isZeros(r.payload?.body, sizes[i]!)), 'four responses of the sizes asked, in order');
  },
  async server_compressed_streaming(client) {
    const call = client.StreamingOutputCall({ response_parameters: [{ size: 31415, compressed: { value: true } }, { size: 92653, compressed: { value: false } }] });
    const responses = await collect(call);
    assert(isZeros(responses[0]?.payload?.body, 31415) && isZeros(responses[1]?.payload?.body, 92653), 'two responses of 31415 and 92653 bytes');
    assert(call.receivedCompressed[0] === true && call.receivedCompressed[1] === false, `compressed flags ${call.receivedCompressed}`);
  },
  async ping_pong(client) {
    const pairs = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]] as const;
    const feed = new Feed<StreamingOutputCallRequestInit>();
    const call = client.FullDuplexCall(feed);
    const responses = call[Symbol.asyncIterator]();
    for (const [size, payload] of pairs) {
      feed.push({ response_parameters: [{ size }], payload: zeros(payload) });
      const next = await responses.next();
      assert(!next.done && isZeros(next.value.payload?.body, size), `a response of ${size} bytes before the next request`);
    }
    feed.end();
    assert((await responses.next()).done, 'the stream ends after the last response');
  },
  async empty_stream(client) {
    const responses = await collect(client.FullDuplexCall([]));
    assert(responses.length === 0, 'no responses');
  },
  async custom_metadata(client) {
    const metadata = () => new Metadata({ 'x-grpc-test-echo-initial': 'test_initial_metadata_value', 'x-grpc-test-echo-trailing-bin': Buffer.from([0xab, 0xab, 0xab]) });
    const unary = await client.unary('UnaryCall', { response_size: 314159, payload: zeros(271828) }, { metadata: metadata() });
    assert(unary.headers.get('x-grpc-test-echo-initial') === 'test_initial_metadata_value', 'unary: the initial metadata echoed');
    assert(Buffer.from([0xab, 0xab, 0xab]).equals(unary.trailers.get('x-grpc-test-echo-trailing-bin') as Buffer), 'unary: the trailing metadata echoed');
    const call = client.FullDuplexCall([{ response_parameters: [{ size: 314159 }], payload: zeros(271828) }], { metadata: metadata() });
    await collect(call);
    assert((await call.headers).get('x-grpc-test-echo-initial') === 'test_initial_metadata_value', 'streaming: the initial metadata echoed');
    assert(Buffer.from([0xab, 0xab, 0xab]).equals((await call.done).get('x-grpc-test-echo-trailing-bin') as Buffer), 'streaming: the trailing metadata echoed');
  },
  async status_code_and_message(client) {
    const status = { code: 2, message: 'test status message' };
    await expectStatus(client.UnaryCall({ response_status: status }), Status.UNKNOWN, 'test status message');
    await expectStatus(collect(client.FullDuplexCall([{ response_status: status }])), Status.UNKNOWN, 'test status message');
  },
  async special_status_message(client) {
    const message = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
    await expectStatus(client.UnaryCall({ response_status: { code: 2, message } }), Status.UNKNOWN, message);
  },
  async unimplemented_method(client) {
    await expectStatus(client.UnimplementedCall({}), Status.UNIMPLEMENTED);
  },
  async unimplemented_service(_client, address, options) {
    const other = createClient(address, unimplementedService, options);
    try {
      await expectStatus(other.UnimplementedCall({}), Status.UNIMPLEMENTED);
    } finally {
      other.close();
    }
  },
  async cancel_after_begin(client) {
    const controller = new AbortController();
    const pending = client.StreamingInputCall(new Feed<StreamingInputCallRequestInit>(), { signal: controller.signal });
    controller.abort();
    await expectStatus(pending, Status.CANCELLED);
  },
  async cancel_after_first_response(client) {
    const feed = new Feed<StreamingOutputCallRequestInit>();
    const call = client.FullDuplexCall(feed);
    const responses = call[Symbol.asyncIterator]();
    feed.push({ response_parameters: [{ size: 31415 }], payload: zeros(27182) });
    const first = await responses.next();
    assert(!first.done && isZeros(first.value.payload?.body, 31415), 'the first response');
    call.cancel();
    await expectStatus(call.done, Status.CANCELLED);
  },
  async timeout_on_sleeping_server(client) {
    const feed = new Feed<StreamingOutputCallRequestInit>();
    feed.push({ payload: zeros(27182) });
    await expectStatus(collect(client.FullDuplexCall(feed, { timeout: 1 })), Status.DEADLINE_EXCEEDED);
  },
};

export const CASE_NAMES = Object.keys(cases);

/** Runs cases against an address with a fresh client; returns the failures by name. */
export async function runCases(address: string, names: string[] = CASE_NAMES, options: ClientOptions = {}): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  const client = createClient(address, testService, options);
  try {
    for (const name of names) {
      const run = cases[name];
      if (!run) {
        failures[name] = 'no such test case';
        continue;
      }
      try {
        await run(client, address, options);
      } catch (err) {
        failures[name] = (err as Error).message;
      }
    }
  } finally {
    client.close();
  }
  return failures;
}
