// gRPC-Web and Connect over HTTP/2 from the same handlers as gRPC: connect-node's three transports (@connectrpc,
// a real peer) call our server with proto and JSON; the wire is checked octet by octet through node:http2 for what
// a browser or curl sends (gRPC-Web text, a Connect GET, a CORS preflight, an unknown method).
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import http2 from 'node:http2';
import t from 'tap';
import { descriptorsOfRoots, registryOf } from '../src/codegen/index.js';
import { loadProto, loadService, Server, Status, StatusError } from '../src/grpc/index.js';
import { corsHeaders, EXPOSED_HEADERS } from '../src/grpc/protocols/index.js';
import { calcHandler, PI_PROTO, piService } from '../examples/pi-service.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';

/** A pi service whose Calc has no side effects: Connect may call it with GET (pi.PiCalculator/Calc may not). */
const PI_LOOKUP_PROTO = 'test/fixtures/pi-lookup.proto';
const registry = registryOf(descriptorsOfRoots([loadProto([PI_PROTO, PI_STREAMING_PROTO, PI_LOOKUP_PROTO])]));
const PiCalculator = registry.getService('pi.PiCalculator')!;
const PiLookup = registry.getService('pi_lookup.PiLookup')!;
const PiStreams = registry.getService('pi_streaming.PiStreams')!;

const server = new Server({ cors: { origins: ['https://page.example'] } });
server.addService(piService, {
  Calc: async (request, call) => {
    if (request.n === 7) {
      call.trailers.set('x-seven', 'unlucky');
      throw new StatusError(Status.INVALID_ARGUMENT, 'seven is not allowed', undefined, [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'n', description: 'seven is unlucky' }] },
      ]);
    }
    call.sendMetadata(new (await import('../src/grpc/index.js')).Metadata().set('x-answered-by', 'h2grpc'));
    call.trailers.set('x-terms', String(request.n));
    return calcHandler()(request, call);
  },
});
server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
server.addService(loadService(PI_LOOKUP_PROTO, 'pi_lookup.PiLookup'), { Calc: calcHandler() });
const port = await server.listen(0, '127.0.0.1');
t.teardown(() => server.forceShutdown());
const baseUrl = `http://127.0.0.1:${port}`;

/** The two services as connect-es calls them (their descriptors come from the registry, so they are typed here). */
type Opts = { onHeader?: (h: Headers) => void; onTrailer?: (h: Headers) => void; timeoutMs?: number };
interface PiCalculatorClient { calc(r: { n: number }, o?: Opts): Promise<{ value: number }> }
interface PiStreamsClient {
  approximations(r: { n: number }): AsyncIterable<{ n: number; value: number }>;
  summarize(r: AsyncIterable<{ n: number }>): Promise<{ count: number }>;
  calc(r: AsyncIterable<{ n: number }>): AsyncIterable<{ n: number; value: number }>;
}

const transports: Array<[string, Transport, boolean]> = [
  ['Connect, proto', createConnectTransport({ baseUrl, httpVersion: '2' }), true],
  ['Connect, JSON', createConnectTransport({ baseUrl, httpVersion: '2', useBinaryFormat: false }), true],
  ['Connect GET', createConnectTransport({ baseUrl, httpVersion: '2', useHttpGet: true }), true],
  ['gRPC-Web, proto', createGrpcWebTransport({ baseUrl, httpVersion: '2' }), true],
  ['gRPC-Web, JSON', createGrpcWebTransport({ baseUrl, httpVersion: '2', useBinaryFormat: false }), true],
  ['gRPC, JSON', createGrpcTransport({ baseUrl, useBinaryFormat: false }), true],
  // the same port over HTTP/1.1 (node:http underneath): told from HTTP/2 by the request line
  ['Connect, proto, HTTP/1.1', createConnectTransport({ baseUrl, httpVersion: '1.1' }), true],
  ['Connect, JSON, HTTP/1.1', createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: false }), true],
  ['Connect GET, HTTP/1.1', createConnectTransport({ baseUrl, httpVersion: '1.1', useHttpGet: true }), true],
  ['gRPC-Web, proto, HTTP/1.1', createGrpcWebTransport({ baseUrl, httpVersion: '1.1' }), true],
  ['gRPC-Web, JSON, HTTP/1.1', createGrpcWebTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: false }), true],
];

for (const [name, transport] of transports) {
  t.test(`connect-node over ${name}`, async (t) => {
    const calc = createClient(PiCalculator, transport) as unknown as PiCalculatorClient;
    let headers: Headers | undefined;
    let trailers: Headers | undefined;
    const answer = await calc.calc({ n: 100 }, { onHeader: (h) => (headers = h), onTrailer: (h) => (trailers = h) });
    t.equal(answer.value, 3.1384079670670912, 'pi from 100 terms');
    t.equal(headers?.get('x-answered-by'), 'h2grpc', 'response metadata as headers');
    t.equal(trailers?.get('x-terms'), '100', 'trailing metadata');
    const error = await calc.calc({ n: 7 }).catch((e: unknown) => e);
    t.ok(error instanceof ConnectError, 'an error');
    const e = error as ConnectError;
    t.equal(e.code, Code.InvalidArgument, 'its code');
    t.equal(e.rawMessage, 'seven is not allowed', 'its message');
    t.same(e.details.map((d) => 'desc' in d ? d.desc.typeName : d.type), ['google.rpc.BadRequest'], 'its details');
    t.equal(e.metadata.get('x-seven'), 'unlucky', 'metadata with the error');
    if (name.startsWith('Connect GET')) {
      // connect-es sends GET for a method without side effects only; Calc of pi.PiCalculator went by POST above
      const lookup = createClient(PiLookup, transport) as unknown as PiCalculatorClient;
      t.equal((await lookup.calc({ n: 100 })).value, 3.1384079670670912, 'by GET: pi_lookup.PiLookup/Calc has no side effects');
      return; // GET is for unary calls
    }
    const streams = createClient(PiStreams, transport) as unknown as PiStreamsClient;
    const values: number[] = [];
    for await (const r of streams.approximations({ n: 3 })) values.push(r.n);
    t.same(values, [1, 2, 3], 'server streaming');
    const deadline = await calc.calc({ n: 1 }, { timeoutMs: 1 }).then(() => 'ok', (err: ConnectError) => err.code);
    t.ok(deadline === 'ok' || deadline === Code.DeadlineExceeded, `a 1 ms deadline answers or expires (${deadline})`);
    if (name.startsWith('gRPC-Web')) return; // the Fetch API has no request streams: gRPC-Web is unary and server streaming
    async function* requests() {
      for (const n of [1, 10, 100]) yield { n };
    }
    const summary = await streams.summarize(requests());
    t.equal(summary.count, 3, 'client streaming');
    const bidi: number[] = [];
    for await (const r of streams.calc(requests())) bidi.push(r.n);
    t.same(bidi, [1, 10, 100], 'bidirectional streaming');
  });
}

/** One request over node:http2: status, headers and the body's octets. */
async function raw(headers: http2.OutgoingHttpHeaders, body?: Uint8Array): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  const session = http2.connect(baseUrl);
  try {
    const req = session.request(headers, { endStream: body === undefined });
    if (body) req.end(body);
    const [response, chunks] = await Promise.all([
      new Promise<http2.IncomingHttpHeaders>((resolve) => req.once('response', resolve)),
      (async () => {
        const parts: Buffer[] = [];
        for await (const c of req) parts.push(c as Buffer);
        return parts;
      })(),
    ]);
    return { status: Number(response[':status']), headers: response, body: Buffer.concat(chunks) };
  } finally {
    session.close();
  }
}

t.test('gRPC-Web text: base64 both ways, the trailers in the body frame flagged 0x80', async (t) => {
  const request = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x64]); // a PiRequest { n: 100 } framed
  const r = await raw({ ':method': 'POST', ':path': '/pi.PiCalculator/Calc', 'content-type': 'application/grpc-web-text' }, Buffer.from(request.toString('base64')));
  t.equal(r.status, 200);
  t.equal(r.headers['content-type'], 'application/grpc-web-text');
  // each chunk the server wrote is base64 of its own, padded: decoded group by group, as a gRPC-Web client does
  const decoded = Buffer.concat(r.body.toString('latin1').match(/[A-Za-z0-9+/]*=*/g)!.filter(Boolean).map((g) => Buffer.from(g, 'base64')));
  t.equal(decoded[0], 0, 'a message frame first');
  const length = decoded.readUInt32BE(1);
  t.equal(decoded[5 + length], 0x80, 'then the trailer frame');
  t.equal(decoded.subarray(10 + length).toString(), 'grpc-status: 0\r\nx-terms: 100\r\n', 'holding grpc-status: 0 and the trailing metadata');
});

t.test('Connect GET and unary POST, as curl sends them', async (t) => {
  const query = `?encoding=json&message=${encodeURIComponent('{"n":100}')}`;
  const get = await raw({ ':method': 'GET', ':path': `/pi_lookup.PiLookup/Calc${query}` });
  t.equal(get.status, 200);
  t.equal(get.headers['content-type'], 'application/json');
  t.same(JSON.parse(get.body.toString()), { value: 3.1384079670670912 });
  const sideEffects = await raw({ ':method': 'GET', ':path': `/pi.PiCalculator/Calc${query}` });
  t.equal(sideEffects.status, 405, 'GET of a method not declared NO_SIDE_EFFECTS: 405');
  t.equal(sideEffects.headers.allow, 'POST');
  t.match(sideEffects.body.toString(), /may have side effects \(its idempotency_level is not NO_SIDE_EFFECTS\): call it with POST/);
  const post = await raw({ ':method': 'POST', ':path': '/pi.PiCalculator/Calc', 'content-type': 'application/json' }, Buffer.from('{"n": 0}'));
  t.equal(post.status, 400, 'invalid_argument is HTTP 400');
  t.same(JSON.parse(post.body.toString()), { code: 'invalid_argument', message: 'request number should be positive' });
  const missing = await raw({ ':method': 'POST', ':path': '/pi.PiCalculator/Nope', 'content-type': 'application/json' }, Buffer.from('{}'));
  t.equal(missing.status, 404, 'Connect: an unknown method is a 404');
  const other = await raw({ ':method': 'POST', ':path': '/pi.PiCalculator/Calc', 'content-type': 'text/plain' }, Buffer.from('hi'));
  t.equal(other.status, 415, 'a content-type none of the protocols has');
});

t.test('CORS: the preflight, and what a page may read', async (t) => {
  const pre = await raw({ ':method': 'OPTIONS', ':path': '/pi.PiCalculator/Calc', origin: 'https://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-grpc-web' });
  t.equal(pre.status, 204);
  t.equal(pre.headers['access-control-allow-origin'], 'https://page.example');
  t.equal(pre.headers['access-control-allow-headers'], 'content-type, x-grpc-web');
  const refused = await raw({ ':method': 'OPTIONS', ':path': '/pi.PiCalculator/Calc', origin: 'https://evil.example', 'access-control-request-method': 'POST' });
  t.equal(refused.status, 403, 'an origin not allowed');
  const call = await raw({ ':method': 'POST', ':path': '/pi.PiCalculator/Calc', 'content-type': 'application/proto', origin: 'https://page.example' }, Buffer.from([0x08, 0x64]));
  t.equal(call.headers['access-control-allow-origin'], 'https://page.example');
  t.match(call.headers['access-control-expose-headers'], /grpc-status, grpc-message, grpc-status-details-bin/);
});

t.test('CORS exposeHeaders: the application\'s metadata, and Connect unary\'s trailer- form of it', async (t) => {
  const request: Array<[string, string]> = [[':method', 'POST'], ['origin', 'https://page.example']];
  t.same(corsHeaders({ origins: ['https://page.example'], exposeHeaders: ['X-Answered-By', 'x-terms'] }, request), [
    ['access-control-allow-origin', 'https://page.example'], ['vary', 'origin'],
    ['access-control-expose-headers', `${EXPOSED_HEADERS}, x-answered-by, x-terms, trailer-x-answered-by, trailer-x-terms`],
  ]);
  t.same(corsHeaders({ origins: ['https://page.example'] }, request)[2], ['access-control-expose-headers', EXPOSED_HEADERS], 'by default the protocols\' headers only');
  t.same(corsHeaders({ origins: ['https://page.example'], exposeHeaders: ['x-terms'] }, [['origin', 'https://evil.example']]), [], 'nothing for an origin not allowed');
});
