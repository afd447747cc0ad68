// The calls every client protocol test makes against the echo servers of client-protocols-servers.ts: each call kind
// the protocol allows, metadata both ways, errors with details, deadlines, cancellation, empty and large messages.
// test/client-protocols.test.ts (gRPC-Web and Connect) and test/client-grpc-json.test.ts (gRPC with JSON) share it.
import type { Test } from 'tap';
import { type ClientOptions, createClient, Metadata, Status, StatusError } from '../src/grpc/index.js';
import { echoService, type EchoRequest, type EchoResponse, type Running, startConnectNode, startH2grpc } from './client-protocols-servers.js';

type Protocol = 'grpc' | 'grpc-web' | 'connect';

export type Target = { name: string; server: 'connect-node' | 'h2grpc'; httpVersion: '1.1' | '2'; start: () => Promise<Running> };
export const targets: Target[] = [
  { name: 'connect-node over HTTP/1.1', server: 'connect-node', httpVersion: '1.1', start: () => startConnectNode('1.1') },
  { name: 'connect-node over h2c', server: 'connect-node', httpVersion: '2', start: () => startConnectNode('2') },
  { name: 'h2grpc over h2c', server: 'h2grpc', httpVersion: '2', start: () => startH2grpc() },
  { name: 'h2grpc over HTTP/1.1', server: 'h2grpc', httpVersion: '1.1', start: () => startH2grpc() },
];

export function client(address: string, options: ClientOptions) {
  return createClient<'Say' | 'Count' | 'Collect' | 'Chat'>(address, echoService, options);
}

export async function* slowly(texts: string[]): AsyncGenerator<EchoRequest> {
  for (const text of texts) {
    await new Promise((r) => setImmediate(r));
    yield { text };
  }
}

export async function exercise(t: Test, target: Pick<Target, 'server' | 'httpVersion'>, address: string, protocol: Protocol, codec: 'proto' | 'json'): Promise<void> {
  const options: ClientOptions = { protocol, codec, httpVersion: target.httpVersion };
  const c = client(address, options);
  t.teardown(() => c.close());

  // unary, metadata both ways
  const metadata = new Metadata().set('x-meta', 'hello');
  const r = await c.unary<EchoResponse>('Say', { text: 'hi', payload: Buffer.from([1, 2, 3]) }, { metadata });
  t.equal(r.message.text, 'hi', 'unary: the response');
  t.same([...r.message.payload], [1, 2, 3], 'unary: bytes through the codec');
  t.equal(r.headers.get('x-header'), 'h:hello', 'request metadata reached the handler; response metadata came back as headers');
  t.equal(r.trailers.get('x-trailer'), 't', { connect: 'trailing metadata from trailer- headers', 'grpc-web': 'trailing metadata from the trailer frame', grpc: 'trailing metadata' }[protocol]);
  if (target.server === 'connect-node') t.equal(r.message.method, 'POST', 'sent as a POST');

  // an error with details and metadata
  const error = await c.unary('Say', { text: 'not today', fail: Status.FAILED_PRECONDITION }).catch((e: unknown) => e);
  t.ok(error instanceof StatusError, 'an error is a StatusError');
  const e = error as StatusError;
  t.equal(e.code, Status.FAILED_PRECONDITION, 'its code');
  t.equal(e.details, 'not today', 'its message');
  t.same(e.errorDetails, [{ '@type': 'type.googleapis.com/echo.Detail', reason: 'asked to' }], 'its details, decoded with the service\'s types');
  t.equal(e.metadata?.get('x-failed'), 'yes', 'its metadata');

  // server streaming, and an error after some responses
  const counted: number[] = [];
  const stream = c.call<EchoResponse>('Count', [{ text: 'n', count: 3 }]);
  for await (const m of stream) counted.push(m.index);
  t.same(counted, [0, 1, 2], 'server streaming: every response in order');
  t.equal((await stream.done).get('x-trailer'), 'counted', 'server streaming: its trailers');
  const failing = c.call<EchoResponse>('Count', [{ text: 'broke', count: 2, fail: Status.DATA_LOSS }]);
  const before: number[] = [];
  const end = await (async () => {
    for await (const m of failing) before.push(m.index);
  })().catch((err: StatusError) => err);
  t.same(before, [0, 1], 'server streaming: the responses before the error');
  t.equal((end as StatusError)?.code, Status.DATA_LOSS, 'then the error');

  // client streaming and bidi (half-duplex over HTTP/1.1: the requests end before the responses are read)
  const collected = await c.unary<EchoResponse>('Collect', slowly(['a', 'b', 'c']));
  t.equal(collected.message.text, 'a,b,c', 'client streaming');
  const chat: string[] = [];
  const chatting = c.call<EchoResponse>('Chat', slowly(['x', 'y']));
  if (target.server === 'connect-node' && target.httpVersion === '1.1') {
    // connect-es refuses bidi over HTTP/1.1: 505 and close; the call says so (or that the connection went, if the
    // server's close reset it before its answer was read)
    const refused = await (async () => {
      for await (const m of chatting) chat.push(m.text);
    })().catch((err: StatusError) => err);
    t.ok(refused instanceof StatusError && /HTTP status 505|half-duplex/.test(refused.details), `bidi over HTTP/1.1 refused by connect-node fails clearly (${(refused as StatusError)?.details})`);
  } else {
    for await (const m of chatting) chat.push(`${m.index}${m.text}`);
    t.same(chat, ['0x', '1y'], `bidi streaming (${target.httpVersion === '1.1' ? 'half-duplex' : 'full-duplex capable'})`);
  }

  // a deadline: the timeout header reaches the server, and the call ends DEADLINE_EXCEEDED
  const timed = await c.unary<EchoResponse>('Say', { text: 't' }, { timeout: 10_000 });
  t.equal(timed.message.timeout, 1, `the server saw the deadline (${protocol === 'connect' ? 'connect-timeout-ms' : 'grpc-timeout'})`);
  const late = await c.unary('Say', { wait: true }, { timeout: 100 }).catch((err: StatusError) => err);
  t.equal((late as StatusError).code, Status.DEADLINE_EXCEEDED, 'a call past its deadline is DEADLINE_EXCEEDED');

  // cancellation
  const controller = new AbortController();
  const cancelled = c.unary('Say', { wait: true }, { signal: controller.signal }).catch((err: StatusError) => err);
  setImmediate(() => controller.abort());
  t.equal(((await cancelled) as StatusError).code, Status.CANCELLED, 'an aborted call is CANCELLED');

  // empty and large messages
  const empty = await c.unary<EchoResponse>('Say', {});
  t.equal(empty.message.text, '', 'an empty request and an (almost) empty response');
  if (codec === 'proto') {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    const large = client(address, { ...options, maxReceiveMessageLength: 5 * 1024 * 1024 });
    t.teardown(() => large.close());
    const answer = await large.unary<EchoResponse>('Say', { payload: big });
    t.ok(Buffer.from(answer.message.payload).equals(big), 'a 4 MiB message both ways');
    const refused = await c.unary('Say', { payload: big }).catch((err: StatusError) => err);
    t.equal((refused as StatusError).code, Status.RESOURCE_EXHAUSTED, 'a response over maxReceiveMessageLength (4 MiB) is RESOURCE_EXHAUSTED');
  }
}

