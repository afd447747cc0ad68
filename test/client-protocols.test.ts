// h2grpc's client over gRPC-Web and Connect (createClient({ protocol, codec, httpVersion, useGet })), proto and
// JSON, against real servers: connect-node's connectNodeAdapter on node:http (HTTP/1.1) and node:http2 (h2c), and
// h2grpc's own Server over HTTP/2. Every call kind the protocol allows, metadata both ways, errors with details,
// deadlines, compression, Connect GET, large and empty messages.
import t, { type Test } from 'tap';
import { Metadata, withCompression } from '../src/grpc/index.js';
import { client, exercise, type Target, targets } from './client-exercise.js';
import type { EchoResponse } from './client-protocols-servers.js';

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
