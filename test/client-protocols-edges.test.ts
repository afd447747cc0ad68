// The client's gRPC-Web and Connect edges: usage errors, message limits on both sides, servers that answer badly
// (a body cut off mid-message, a Connect error body that is not JSON, an HTTP error without one), and the HTTP/1.1
// connection pool's bound. Real servers: connect-node, and node:http answering by hand where a broken answer is
// the point.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createClient, Status, StatusError } from '../src/grpc/index.js';
import { echoService, type EchoResponse, startConnectNode } from './client-protocols-servers.js';

t.test('usage errors name the combination that cannot work', async (t) => {
  t.throws(() => createClient('127.0.0.1:1', echoService, { httpVersion: '1.1' }), /gRPC needs HTTP\/2/, 'gRPC over HTTP/1.1');
  t.throws(() => createClient('127.0.0.1:1', echoService, { codec: 'xml' as never }), /codec must be 'proto' or 'json'/, 'an unknown codec');
  t.throws(() => createClient('127.0.0.1:1', echoService, { protocol: 'grpc-web', useGet: true }), /useGet is Connect's/, 'GET over gRPC-Web');
  t.throws(() => createClient('127.0.0.1:1', echoService, { protocol: 'soap' as never }), /protocol must be/, 'an unknown protocol');
});

t.test('message limits on both sides', async (t) => {
  const running = await startConnectNode('1.1', 1024);
  t.teardown(() => running.close());
  for (const protocol of ['grpc-web', 'connect'] as const) {
    const c = createClient(running.address, echoService, { protocol, httpVersion: '1.1', maxSendMessageLength: 2048, maxReceiveMessageLength: 512 });
    const big = Buffer.alloc(1500, 1);
    const server = await c.unary('Say', { payload: big }).catch((e: StatusError) => e);
    t.equal((server as StatusError).code, Status.RESOURCE_EXHAUSTED, `${protocol}: over the server's readMaxBytes (1024): RESOURCE_EXHAUSTED from the server`);
    const sent = await c.unary('Say', { payload: Buffer.alloc(4096) }).catch((e: StatusError) => e);
    t.match((sent as StatusError).details, /larger than the limit of 2048/, `${protocol}: over maxSendMessageLength: refused before sending`);
    const received = await c.unary('Say', { payload: Buffer.alloc(600) }).catch((e: StatusError) => e);
    t.equal((received as StatusError).code, Status.RESOURCE_EXHAUSTED, `${protocol}: a response over maxReceiveMessageLength (512): RESOURCE_EXHAUSTED`);
    const fine = await c.unary<EchoResponse>('Say', { text: 'small' });
    t.equal(fine.message.text, 'small', `${protocol}: the connection pool still serves calls after those`);
    c.close();
  }
});

/** A node:http server answering every request with `answer` (after reading the request whole). */
async function rawServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ address: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

t.test('servers that answer badly get a clear error, never a hang', async (t) => {
  const cut = await rawServer((req, res) => {
    // the head and half a message, then the connection is gone
    res.writeHead(200, { 'content-type': req.headers['content-type'] === 'application/proto' ? 'application/proto' : String(req.headers['content-type']), 'content-length': '100' });
    res.write(Buffer.from([0, 0, 0, 0, 50, 1, 2, 3]));
    setImmediate(() => res.destroy());
  });
  t.teardown(() => cut.close());
  for (const protocol of ['grpc-web', 'connect'] as const) {
    const c = createClient(cut.address, echoService, { protocol, httpVersion: '1.1' });
    const unary = await c.unary('Say', { text: 'x' }).catch((e: StatusError) => e);
    t.equal((unary as StatusError).code, Status.UNAVAILABLE, `${protocol} unary: a body cut off is UNAVAILABLE (${(unary as StatusError).details})`);
    const stream = await (async () => {
      for await (const _ of c.call('Count', [{ count: 1 }]));
    })().catch((e: StatusError) => e);
    t.equal((stream as StatusError).code, Status.UNAVAILABLE, `${protocol} streaming: a body cut off is UNAVAILABLE`);
    c.close();
  }

  const notJson = await rawServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'trailer-x-why': 'maintenance' });
    res.end('{"code": "unavailable", "message": ');
  });
  t.teardown(() => notJson.close());
  const c1 = createClient(notJson.address, echoService, { protocol: 'connect', httpVersion: '1.1' });
  const e1 = (await c1.unary('Say', { text: 'x' }).catch((e: StatusError) => e)) as StatusError;
  t.equal(e1.code, Status.UNAVAILABLE, 'a Connect error body that is not JSON: the code from the HTTP status (503)');
  t.equal(e1.details, 'HTTP status 503', 'and a message saying so');
  t.equal(e1.metadata?.get('x-why'), 'maintenance', 'its trailer- headers still become metadata');
  c1.close();

  const unknownCode = await rawServer((_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'slow_down', message: 'too many', details: [{ type: 'echo.Detail', value: 'CgNub3c' }] }));
  });
  t.teardown(() => unknownCode.close());
  const c2 = createClient(unknownCode.address, echoService, { protocol: 'connect', httpVersion: '1.1' });
  const e2 = (await c2.unary('Say', { text: 'x' }).catch((e: StatusError) => e)) as StatusError;
  t.equal(e2.code, Status.UNAVAILABLE, 'an error code Connect does not have: the HTTP status decides (429 → unavailable)');
  t.equal(e2.details, 'too many', 'its message kept');
  t.same(e2.errorDetails, [{ '@type': 'type.googleapis.com/echo.Detail', reason: 'now' }], 'its details (unpadded base64) decoded');
  c2.close();

  const html = await rawServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<h1>Bad Gateway</h1>');
  });
  t.teardown(() => html.close());
  for (const protocol of ['grpc-web', 'connect'] as const) {
    const c = createClient(html.address, echoService, { protocol, httpVersion: '1.1' });
    const e = (await c.unary('Say', { text: 'x' }).catch((err: StatusError) => err)) as StatusError;
    t.equal(e.code, Status.UNAVAILABLE, `${protocol}: a proxy's 502 page is UNAVAILABLE`);
    c.close();
  }
});

t.test('the HTTP/1.1 pool holds at most maxConnections; the calls beyond wait their turn', async (t) => {
  const running = await startConnectNode('1.1');
  t.teardown(() => running.close());
  const c = createClient(running.address, echoService, { protocol: 'connect', httpVersion: '1.1', http1: { maxConnections: 2 } });
  t.teardown(() => c.close());
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => c.unary<EchoResponse>('Say', { text: String(i) })));
  t.same(answers.map((a) => a.message.text), ['0', '1', '2', '3', '4', '5', '6', '7'], 'eight concurrent calls, all answered');
  const pool = (c.channel as unknown as { balancer: { subchannels: Array<{ ready: { size: number } }> } }).balancer.subchannels[0]!.ready;
  t.ok(pool.size <= 2, `over at most two connections (${pool.size} open)`);
  const again = await c.unary<EchoResponse>('Say', { text: 'kept alive' });
  t.equal(again.message.text, 'kept alive', 'a later call reuses a kept-alive connection');
  t.ok(pool.size <= 2, 'still at most two');
});
