// h2grpc's client over gRPC-Web and Connect (createClient({ protocol, codec, httpVersion, useGet })), proto and
// JSON, against real servers: connect-node's connectNodeAdapter on node:http (HTTP/1.1) and node:http2 (h2c), and
// h2grpc's own Server over HTTP/2. Every call kind the protocol allows, metadata both ways, errors with details,
// deadlines, compression, Connect GET, large and empty messages.
import t, { type Test } from 'tap';
import { type ClientOptions, createClient, Metadata, Status, StatusError, withCompression } from '../src/grpc/index.js';
import { echoService, type EchoRequest, type EchoResponse, type Running, startConnectNode, startH2grpc } from './client-protocols-servers.js';

type Target = { name: string; server: 'connect-node' | 'h2grpc'; httpVersion: '1.1' | '2'; start: () => Promise<Running> };
const targets: Target[] = [
  { name: 'connect-node over HTTP/1.1', server: 'connect-node', httpVersion: '1.1', start: () => startConnectNode('1.1') },
  { name: 'connect-node over h2c', server: 'connect-node', httpVersion: '2', start: () => startConnectNode('2') },
  { name: 'h2grpc over h2c', server: 'h2grpc', httpVersion: '2', start: () => startH2grpc() },
  { name: 'h2grpc over HTTP/1.1', server: 'h2grpc', httpVersion: '1.1', start: () => startH2grpc() },
];

function client(address: string, options: ClientOptions) {
  return createClient<'Say' | 'Count' | 'Collect' | 'Chat'>(address, echoService, options);
}

async function* slowly(texts: string[]): AsyncGenerator<EchoRequest> {
  for (const text of texts) {
    await new Promise((r) => setImmediate(r));
    yield { text };
  }
}

async function exercise(t: Test, target: Target, address: string, protocol: 'grpc-web' | 'connect', codec: 'proto' | 'json'): Promise<void> {
  const options: ClientOptions = { protocol, codec, httpVersion: target.httpVersion };
  const c = client(address, options);
  t.teardown(() => c.close());

  // unary, metadata both ways
  const metadata = new Metadata().set('x-meta', 'hello');
  const r = await c.unary<EchoResponse>('Say', { text: 'hi', payload: Buffer.from([1, 2, 3]) }, { metadata });
  t.equal(r.message.text, 'hi', 'unary: the response');
  t.same([...r.message.payload], [1, 2, 3], 'unary: bytes through the codec');
  t.equal(r.headers.get('x-header'), 'h:hello', 'request metadata reached the handler; response metadata came back as headers');
  t.equal(r.trailers.get('x-trailer'), 't', protocol === 'connect' ? 'trailing metadata from trailer- headers' : 'trailing metadata from the trailer frame');
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

async function compression(t: Test, target: Target, address: string, protocol: 'grpc-web' | 'connect'): Promise<void> {
  const c = client(address, { protocol, httpVersion: target.httpVersion, compression: 'gzip' });
  t.teardown(() => c.close());
  const text = 'pi '.repeat(1000);
  const call = c.call<EchoResponse>('Say', [{ text }]);
  const { message } = await call.unary();
  t.equal(message.text, text, 'a gzip-compressed call answers');
  if (target.server === 'connect-node') t.equal(message.encoding, 'gzip', `the server read a gzip request (${protocol === 'connect' ? 'content-encoding' : 'grpc-encoding'})`);
  t.same(call.receivedCompressed, [true], 'the response came compressed, and was read');
  const plain = await c.unary<EchoResponse>('Say', withCompression({ text: 'x' }, false));
  t.equal(plain.message.text, 'x', 'one message sent uncompressed under the same client');
}

for (const target of targets) {
  const ours = target.server === 'h2grpc';
  t.test(target.name, async (t) => {
    const running = await target.start();
    t.teardown(() => running.close());
    for (const protocol of ['grpc-web', 'connect'] as const) {
      for (const codec of ['proto', 'json'] as const) {
        await t.test(`${protocol}, ${codec}`, (t) => exercise(t, target, running.address, protocol, codec));
      }
      await t.test(`${protocol}, gzip`, (t) => compression(t, target, running.address, protocol));
    }
    await t.test('Connect GET for a method without side effects (useGet)', async (t) => {
      for (const codec of ['proto', 'json'] as const) {
        const c = client(running.address, { protocol: 'connect', codec, httpVersion: target.httpVersion, useGet: true });
        const r = await c.unary<EchoResponse>('Say', { text: 'by get' }, { metadata: new Metadata().set('x-meta', 'q') });
        t.equal(r.message.text, 'by get', `${codec}: answered`);
        t.equal(r.headers.get('x-header'), 'h:q', `${codec}: metadata still goes as headers`);
        if (!ours) t.equal(r.message.method, 'GET', `${codec}: sent as a GET`);
        const counted: number[] = [];
        for await (const m of c.call<EchoResponse>('Count', [{ count: 2 }])) counted.push(m.index);
        t.same(counted, [0, 1], `${codec}: a streaming method still POSTs`);
        c.close();
      }
    });
  });
}
