// h2grpc's client speaking gRPC with the JSON codec (createClient({ codec: 'json' }): application/grpc+json over
// HTTP/2) against real servers: h2grpc's own Server and connect-node's gRPC protocol (node:http2, h2c), every call
// kind, metadata both ways, errors with details, deadlines, cancellation and gzip; retries and interceptors; the
// request's bytes as a node:http2 server reads them; and servers that only speak proto (grpc-js, and node:http2
// answering application/grpc), which the client must not read as JSON.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { type ClientOptions, createClient, Server, Status, StatusError, withCompression } from '../src/grpc/index.js';
import { ECHO_PROTO, echoRoot, echoService, type EchoRequest, type EchoResponse, startConnectNode, startH2grpc } from './client-protocols-servers.js';
import { exercise as exerciseKinds, slowly } from './client-exercise.js';
import { until } from './wait.js';

type Echo = 'Say' | 'Count' | 'Collect' | 'Chat';
const client = (address: string, options: ClientOptions = {}) => createClient<Echo>(address, echoService, { codec: 'json', ...options });

/** Every call kind and the rest (client-exercise.ts), then gzip: the JSON messages compressed both ways. */
async function exercise(t: Test, address: string, server: 'h2grpc' | 'connect-node'): Promise<void> {
  await exerciseKinds(t, { server, httpVersion: '2' }, address, 'grpc', 'json');

  const gz = client(address, { compression: 'gzip' });
  t.teardown(() => gz.close());
  const text = 'pi '.repeat(1000);
  const call = gz.call<EchoResponse>('Say', [{ text }]);
  const { message } = await call.unary();
  t.equal(message.text, text, 'a gzip-compressed JSON request answers');
  if (server === 'connect-node') t.equal(message.encoding, 'gzip', 'the server read it as gzip (grpc-encoding)');
  t.same(call.receivedCompressed, [true], 'the response came compressed, and was read');
  t.equal((await gz.unary<EchoResponse>('Say', withCompression({ text: 'x' }, false))).message.text, 'x', 'one message sent uncompressed');
}

t.test('against h2grpc and connect-node (its gRPC protocol, h2c)', async (t) => {
  for (const [name, start] of [['h2grpc', () => startH2grpc()], ['connect-node', () => startConnectNode('2')]] as const) {
    await t.test(name, async (t) => {
      const running = await start();
      t.teardown(() => running.close());
      await exercise(t, running.address, name);
    });
  }
});

t.test('retries replay the JSON requests, and interceptors see messages, not JSON', async (t) => {
  const seen: string[] = [];
  let sayFailures = 2;
  let collectFailures = 1;
  const server = new Server();
  server.addService(echoService, {
    Say: async (req: EchoRequest) => {
      seen.push(req.text ?? '');
      if (sayFailures-- > 0) throw new StatusError(Status.UNAVAILABLE, 'not yet');
      return { text: req.text };
    },
    Collect: async (reqs: AsyncIterable<EchoRequest>) => {
      const texts: string[] = [];
      for await (const r of reqs) texts.push(r.text ?? '');
      seen.push(texts.join(','));
      if (collectFailures-- > 0) throw new StatusError(Status.UNAVAILABLE, 'not yet');
      return { text: texts.join(',') };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  const told: unknown[] = [];
  const c = client(`127.0.0.1:${port}`, {
    serviceConfig: {
      methodConfig: [{
        name: [{ service: 'echo.Echo' }],
        retryPolicy: { maxAttempts: 3, initialBackoff: '0.01s', maxBackoff: '0.01s', backoffMultiplier: 1, retryableStatusCodes: ['UNAVAILABLE'] },
      }],
    },
    interceptors: [
      (info, next) => next(info).listen({
        onRequest: (m: unknown) => (told.push(m), { ...(m as EchoRequest), text: (m as EchoRequest).text?.toUpperCase() }),
        onResponse: (m: unknown) => (told.push(m), m),
      }),
    ],
  });
  t.teardown(() => c.close());

  const call = c.call<EchoResponse>('Say', [{ text: 'again' }]);
  const { message } = await call.unary();
  t.equal(message.text, 'AGAIN', 'answered after two UNAVAILABLE attempts, with the request the interceptor changed');
  t.equal(call.attemptCount, 3, 'three attempts');
  t.same(seen, ['AGAIN', 'AGAIN', 'AGAIN'], 'each attempt carried the same JSON request');
  t.equal(told.length, 2, 'the interceptor was told of the request once and the response once, whatever the attempts');
  t.same(told[0], { text: 'again' }, 'the request as the caller gave it');
  t.match(told[1], { text: 'AGAIN', index: 0 }, 'the response as a decoded message');

  seen.length = 0;
  const collect = c.call<EchoResponse>('Collect', slowly(['a', 'b']));
  t.equal((await collect.unary()).message.text, 'A,B', 'a client stream retried after UNAVAILABLE');
  t.same(seen, ['A,B', 'A,B'], 'its requests replayed from what was sent as JSON');
});

/** A node:http2 server answering each call with `answer`, after recording its headers and body. */
async function recordingServer(answer: (stream: http2.ServerHttp2Stream) => void) {
  const requests: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer; rstCode?: number }> = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    const request: (typeof requests)[number] = { headers, body: Buffer.alloc(0) };
    requests.push(request);
    stream.on('close', () => (request.rstCode = stream.rstCode));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      request.body = Buffer.concat(chunks);
      answer(stream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** gRPC's length-prefixed message: flag 0, 4 octets of length, the octets. */
function framed(octets: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(octets.length, 1);
  return Buffer.concat([prefix, octets]);
}
const EchoResponseType = echoRoot.lookupType('echo.EchoResponse');

t.test('on the wire: application/grpc+json and ProtoJSON, byte for byte', async (t) => {
  const peer = await recordingServer((stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc+json' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(framed(Buffer.from('{"text":"back","index":7,"unknownField":1}')));
  });
  t.teardown(() => peer.close());
  const c = client(peer.address);
  t.teardown(() => c.close());
  const r = await c.unary<EchoResponse>('Say', { text: 'hi', count: 2, payload: Buffer.from('ab') });
  t.equal(r.message.text, 'back', 'the JSON response read');
  t.equal(r.message.index, 7, 'its number field');
  const [request] = peer.requests;
  t.equal(request?.headers['content-type'], 'application/grpc+json', 'the request says application/grpc+json');
  t.equal(request?.headers.te, 'trailers', 'and is gRPC otherwise (te: trailers)');
  t.same(request?.body, framed(Buffer.from('{"text":"hi","payload":"YWI=","count":2}')), 'the request: one gRPC frame holding the message as ProtoJSON');
});

t.test('a server that answers in another format fails the call INTERNAL, naming the content-type', async (t) => {
  for (const contentType of ['application/grpc', 'application/grpc+proto']) {
    const peer = await recordingServer((stream) => {
      // a message, and the response left open: the client must not wait for more
      stream.respond({ ':status': 200, 'content-type': contentType });
      stream.write(framed(Buffer.from(EchoResponseType.encode({ text: 'proto' }).finish())));
    });
    const c = client(peer.address);
    const err = (await c.unary('Say', { text: 'json please' }).catch((e: unknown) => e)) as StatusError;
    t.equal(err?.code, Status.INTERNAL, `${contentType}: INTERNAL (as connect-go; not a JSON parse error)`);
    t.equal(err?.details, `received content-type "${contentType}", not application/grpc+json: the server answered the JSON request in another format`, `${contentType}: the message says why`);
    await until(() => peer.requests[0]?.rstCode !== undefined, 'the stream closed');
    t.equal(peer.requests[0]?.rstCode, http2.constants.NGHTTP2_CANCEL, `${contentType}: the stream was reset (CANCEL), not read on`);
    c.close();
    await peer.close();
  }
  const html = await recordingServer((stream) => {
    stream.respond({ ':status': 200, 'content-type': 'text/html' });
    stream.end('<p>no</p>');
  });
  t.teardown(() => html.close());
  const c = client(html.address);
  t.teardown(() => c.close());
  const err = (await c.unary('Say', {}).catch((e: unknown) => e)) as StatusError;
  t.equal(err?.code, Status.UNKNOWN, 'a 200 that is not gRPC at all stays UNKNOWN (gRPC http-grpc-status-mapping)');
});

t.test('grpc-js, a server that only speaks proto', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = (grpc.loadPackageDefinition(protoLoader.loadSync(ECHO_PROTO, { keepCase: true })) as any).echo;
  const server = new grpc.Server();
  server.addService(pkg.Echo.service, {
    Say: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { text: call.request.text }),
    Collect: (call: grpc.ServerReadableStream<EchoRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      call.on('data', () => {});
      call.on('end', () => cb(null, { text: 'proto answer' }));
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => server.forceShutdown());
  const c = client(`127.0.0.1:${port}`);
  t.teardown(() => c.close());
  // grpc-js takes any application/grpc* as proto: JSON does not decode, and it says so in a Trailers-Only answer
  const refused = (await c.unary('Say', { text: 'hi' }).catch((e: unknown) => e)) as StatusError;
  t.equal(refused?.code, Status.INTERNAL, "a JSON request: grpc-js's own INTERNAL, passed on");
  t.equal(refused?.details, 'Error deserializing request', "with grpc-js's message");
  // with no request message there is nothing to misread: grpc-js answers in proto, which the client must not read
  const answered = (await c.unary('Collect', []).catch((e: unknown) => e)) as StatusError;
  t.equal(answered?.code, Status.INTERNAL, 'a proto answer to a JSON call is INTERNAL');
  t.match(answered?.details, /^received content-type "application\/grpc\+proto", not application\/grpc\+json/, 'naming the content-type grpc-js answered with');
});
