// Browsers call h2grpc (issue 24): headless Debian Chromium, driven by playwright-core, loads a page from another
// origin (a node:http server on another loopback port) whose code calls our server with connect-web (Connect and
// gRPC-Web transports over fetch, proto and JSON, Connect GET) and with the grpc-web package (XHR, its default
// grpcwebtext and binary): unary, server streaming, an error with details and metadata, a deadline, response headers
// and trailers read through CORS. Once over plain http (fetch has no cleartext HTTP/2: HTTP/1.1 on our port) and
// once over TLS, where ALPN gives the browser HTTP/2.
import { create, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { chromium, type Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { descriptorsOfRoots, registryOf } from '../src/codegen/index.js';
import { loadProto, loadService, Metadata, Server, type ServerCall, type ServerOptions, Status, StatusError } from '../src/grpc/index.js';
import { calcHandler, pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import type { PageConfig, Seen } from './fixtures/browser-page.js';
import { havePeer } from './peers.js';
import { certificate } from './tls-certificate.js';
import { HANG_MS, until } from './wait.js';

const CHROMIUM = '/usr/bin/chromium';

/** A BadRequest { field_violations: [{ field: "n", description: "seven is unlucky" }] }, as protobuf octets. */
const BAD_REQUEST = '0a150a016e1210736576656e20697320756e6c75636b79';

/** Rejects naming `what` if `promise` has not settled within `ms`: page.evaluate has no time bound of its own. */
function bounded<T>(promise: Promise<T>, what: string, ms = HANG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The page's code, bundled for the browser as a web app's build would. */
async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('./fixtures/browser-page.ts', import.meta.url).pathname],
    bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** The page's origin: an HTML page and its script, on a loopback port of its own. */
async function pageServer(t: Test, script: string): Promise<string> {
  const html = '<!doctype html><meta charset="utf-8"><title>h2grpc from a browser</title><script src="/page.js"></script>';
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.close();
    server.closeAllConnections(); // the browser's kept-alive connections too
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What the h2grpc server saw: the deadline calls that reached it and were cancelled, what each connection spoke. */
interface Sightings {
  deadlinesStarted: number;
  deadlinesCancelled: number;
  /** "HTTP/2 (h2)", "HTTP/1.1 (cleartext)": the version, then the TLS ALPN protocol. */
  connections: string[];
}

/** pi_lookup.PiLookup: pi.PiCalculator's Calc marked NO_SIDE_EFFECTS, the one a Connect GET may call. */
const PI_LOOKUP_PROTO = new URL('./fixtures/pi-lookup.proto', import.meta.url).pathname;

/**
 * The pi services as protocols.test.ts serves them: n = 7 fails with details and metadata, n = 8 waits for its
 * deadline; pi_lookup.PiLookup's Calc does the same, for GET.
 */
async function piServer(t: Test, options: ServerOptions): Promise<{ url: string; seen: Sightings }> {
  const seen: Sightings = { deadlinesStarted: 0, deadlinesCancelled: 0, connections: [] };
  const server = new Server({
    ...options,
    // the tracing seam, made for each connection: an HTTP/2 one reads the client preface, an HTTP/1.1 one octets
    observer: (socket) => {
      const alpn = socket instanceof TLSSocket ? String(socket.alpnProtocol) : 'cleartext';
      let told = false;
      const tell = (version: string) => {
        if (!told) seen.connections.push(`${version} (${alpn})`);
        told = true;
      };
      return { preface: () => tell('HTTP/2'), http1: () => tell('HTTP/1.1') };
    },
  });
  const calc = async (request: { n: number }, call: ServerCall) => {
    if (request.n === 7) {
      call.trailers.set('x-seven', 'unlucky');
      throw new StatusError(Status.INVALID_ARGUMENT, 'seven is not allowed', undefined, [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'n', description: 'seven is unlucky' }] },
      ]);
    }
    if (request.n === 8) {
      seen.deadlinesStarted++;
      await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
      seen.deadlinesCancelled++;
      return { value: 0 };
    }
    call.sendMetadata(new Metadata().set('x-answered-by', 'h2grpc'));
    call.trailers.set('x-terms', String(request.n));
    return calcHandler()(request, call);
  };
  server.addService(piService, { Calc: calc });
  server.addService(loadService(PI_LOOKUP_PROTO, 'pi_lookup.PiLookup'), { Calc: calc });
  server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen };
}

/** The schema the page's clients use, as a FileDescriptorSet in base64 (a web app would import protoc-gen-es output). */
function descriptors(): string {
  const registry = registryOf(descriptorsOfRoots([loadProto([PI_PROTO, PI_STREAMING_PROTO, PI_LOOKUP_PROTO])]));
  const files = [...registry.files].map((f) => f.proto);
  const set = create(FileDescriptorSetSchema, { file: files });
  return Buffer.from(toBinary(FileDescriptorSetSchema, set)).toString('base64');
}

/** What went over the network, as Chromium's DevTools protocol reports it: the requests, preflights included, and the
 * HTTP version of each response (resource timing's nextHopProtocol is empty for another origin without
 * Timing-Allow-Origin). */
interface Network {
  requests: Array<{ method: string; url: string; headers: Record<string, unknown> }>;
  responses: Array<{ url: string; protocol: string }>;
}

/** A request's header by name (fetch's names reach DevTools in lower case, XHR's as the page wrote them). */
function header(request: Network['requests'][number], name: string): string {
  return String(Object.entries(request.headers).find(([n]) => n.toLowerCase() === name)?.[1] ?? '');
}

async function watchNetwork(page: Page): Promise<Network> {
  const network: Network = { requests: [], responses: [] };
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => network.requests.push({ method: e.request.method, url: e.request.url, headers: e.request.headers }));
  cdp.on('Network.responseReceived', (e) => network.responses.push({ url: e.response.url, protocol: String(e.response.protocol) }));
  await cdp.send('Network.enable');
  return network;
}

const CONNECT_KINDS = ['connect-proto', 'connect-json', 'connect-get', 'grpc-web-proto', 'grpc-web-json'] as const;

/** Every call of the page against one server, checked; returns the HTTP versions of the server's responses. */
async function callsFromPage(t: Test, { page, network }: { page: Page; network: Network }, target: { url: string; seen: Sightings }): Promise<string[]> {
  const config: PageConfig = { baseUrl: target.url, descriptors: descriptors() };
  for (const kind of CONNECT_KINDS) {
    const seen: Seen = await bounded(page.evaluate(([c, k]) => window.h2grpcPage.connectCalls(c, k), [config, kind] as const), kind);
    t.equal(seen.failure, undefined, `${kind}: every call ran`);
    t.same(seen.unary, { value: pi(100), header: 'h2grpc', trailer: '100' }, `${kind}: pi from 100 terms, a response header and a trailer`);
    // the error's metadata holds every response header the page may read; the handler's is x-seven
    t.same({ ...seen.error, metadata: seen.error?.metadata['x-seven'] }, {
      code: 'InvalidArgument', message: 'seven is not allowed', details: [{ type: 'google.rpc.BadRequest', value: BAD_REQUEST }], metadata: 'unlucky',
    }, `${kind}: ConnectError with code, message, details and metadata`);
    if (kind !== 'connect-get') t.same(seen.stream, [1, 2, 3], `${kind}: server streaming`);
    t.equal(seen.deadline?.code, 'DeadlineExceeded', `${kind}: a 100 ms deadline (${Math.round(seen.deadline?.ms ?? 0)} ms)`);
  }
  for (const format of ['text', 'binary'] as const) {
    const seen: Seen = await bounded(page.evaluate(([c, f]) => window.h2grpcPage.grpcWebCalls(c, f), [config, format] as const), `grpc-web ${format}`);
    t.equal(seen.failure, undefined, `grpc-web ${format}: every call ran`);
    t.same(seen.unary, { value: pi(100), header: 'h2grpc', trailer: '100' }, `grpc-web ${format}: pi from 100 terms, a response header and a trailer`);
    t.equal(seen.error?.code, String(Status.INVALID_ARGUMENT), `grpc-web ${format}: the status code`);
    t.equal(seen.error?.message, 'seven is not allowed', `grpc-web ${format}: the status message`);
    t.equal(seen.error?.metadata['x-seven'], 'unlucky', `grpc-web ${format}: metadata with the error`);
    t.same(seen.stream, [1, 2, 3], `grpc-web ${format}: server streaming`);
    t.equal(seen.deadline?.code, String(Status.DEADLINE_EXCEEDED), `grpc-web ${format}: a 100 ms deadline (${Math.round(seen.deadline?.ms ?? 0)} ms)`);
  }
  // connect-web's own timer may fire first: before the call is sent (its preflight still out), or after, and then the
  // server learns of it from the closed connection (HTTP/1.1) or RST_STREAM (HTTP/2), a moment later. grpc-web's
  // own timer waits at least 1 s (grpc-timeout plus 10%), so its two calls reach the server and expire there.
  const { seen } = target;
  await until(() => seen.deadlinesCancelled === seen.deadlinesStarted, 'every deadline call that reached the server cancelled there');
  t.ok(seen.deadlinesStarted >= 2 && seen.deadlinesCancelled === seen.deadlinesStarted,
    `the server cancelled each deadline call it saw (${seen.deadlinesCancelled} of ${seen.deadlinesStarted} started, of ${CONNECT_KINDS.length + 2})`);
  const preflights = network.requests.filter((r) => r.method === 'OPTIONS' && r.url.startsWith(target.url));
  const gets = network.requests.filter((r) => r.method === 'GET' && r.url.startsWith(`${target.url}/pi_lookup.PiLookup/Calc?`));
  t.equal(gets.length, 3, 'connect-get: the three unary calls to pi_lookup.PiLookup/Calc (no side effects) went as GET requests');
  t.equal(gets[0]?.url, `${target.url}/pi_lookup.PiLookup/Calc?connect=v1&encoding=json&message=${encodeURIComponent('{"n":100}')}`, 'the message in the URL');
  const contentTypes = new Set(network.requests.filter((r) => r.method === 'POST' && r.url.startsWith(target.url)).map((r) => header(r, 'content-type')));
  t.same([...contentTypes].sort(), [
    'application/connect+json', 'application/connect+proto', 'application/grpc-web+json', 'application/grpc-web+proto',
    'application/grpc-web-text', 'application/json', 'application/proto',
  ], 'each protocol and encoding went over the wire');
  const asked = preflights.map((r) => header(r, 'access-control-request-headers'));
  t.ok(asked.some((h) => h.includes('connect-protocol-version')), `Connect's headers preflighted (${preflights.length} preflights)`);
  t.ok(asked.some((h) => h.includes('x-grpc-web')), 'gRPC-Web\'s headers preflighted');
  return network.responses.filter((r) => r.url.startsWith(target.url)).map((r) => r.protocol);
}

/** The application's metadata the page reads (CORS hides response headers it is not told to expose). */
const exposeHeaders = ['x-answered-by', 'x-terms', 'x-seven'];

t.test('Chromium calls h2grpc from a page of another origin', async (t) => {
  if (!havePeer(t, existsSync(CHROMIUM), 'Chromium', 'Debian package chromium')) return;
  const pageUrl = await pageServer(t, await bundle());
  const origins = [pageUrl];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--ignore-certificate-errors'], timeout: HANG_MS * 2 });
  t.teardown(() => browser.close());
  // one page for every run (a page is a renderer process: slow to start on a busy machine); requests told by URL
  const page = await browser.newPage();
  const network = await watchNetwork(page);
  await page.goto(pageUrl, { timeout: HANG_MS });

  await t.test('over http://: HTTP/1.1 on the server port', async (t) => {
    const target = await piServer(t, { cors: { origins, exposeHeaders } });
    const protocols = await callsFromPage(t, { page, network }, target);
    const connections = target.seen.connections;
    t.ok(connections.length > 0 && connections.every((c) => c === 'HTTP/1.1 (cleartext)'), `the server spoke HTTP/1.1 on each connection: fetch and XHR have no cleartext HTTP/2 (${[...new Set(connections)]})`);
    t.ok(protocols.length > 0 && protocols.every((p) => p === 'http/1.1'), `the browser used HTTP/1.1 (${protocols.length} responses: ${[...new Set(protocols)]})`);
  });

  await t.test('over https:// with ALPN: HTTP/2', async (t) => {
    const { key, cert } = certificate();
    const target = await piServer(t, { cors: { origins, exposeHeaders }, tls: { key, cert } });
    const protocols = await callsFromPage(t, { page, network }, target);
    const connections = target.seen.connections;
    t.ok(connections.length > 0 && connections.every((c) => c === 'HTTP/2 (h2)'), `HTTP/2 negotiated with ALPN h2 on each connection (${[...new Set(connections)]})`);
    t.ok(protocols.length > 0 && protocols.every((p) => p === 'h2'), `the browser used HTTP/2 (${protocols.length} responses: ${[...new Set(protocols)]})`);
  });

  await t.test('what CORS holds back: metadata not exposed, and every answer to an origin not allowed', async (t) => {
    const hiding = await piServer(t, { cors: { origins } });
    const config: PageConfig = { baseUrl: hiding.url, descriptors: descriptors() };
    const hidden: Seen = await bounded(page.evaluate((c) => window.h2grpcPage.connectCalls(c, 'connect-proto'), config), 'hidden');
    t.same(hidden.unary, { value: pi(100), header: null, trailer: null }, 'without exposeHeaders the answer comes, its metadata hidden from the page');
    const refusing = await piServer(t, { cors: { origins: ['https://elsewhere.example'] } });
    const refused: Seen = await bounded(page.evaluate((c) => window.h2grpcPage.connectCalls(c, 'connect-proto'), { ...config, baseUrl: refusing.url }), 'refused');
    t.equal(refused.unary, undefined, 'no answer reaches the page');
    t.match(refused.failure, /Failed to fetch/, `fetch fails as CORS makes it (${refused.failure})`);
  });
});
