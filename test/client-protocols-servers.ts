// The echo service of test/fixtures/client-protocols/echo.proto served by the real peers the client-protocols
// tests call: connect-node (connectNodeAdapter on node:http for HTTP/1.1 and node:http2 for h2c) and h2grpc's own
// Server, with the same behaviour, so the same checks run against both.
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { descriptorsOfRoots, registryOf } from '../src/codegen/index.js';
import { loadProto, Metadata, Server, type ServerCall, serviceDefinition, StatusError } from '../src/grpc/index.js';

export const ECHO_PROTO = fileURLToPath(new URL('./fixtures/client-protocols/echo.proto', import.meta.url));
export const echoRoot = loadProto(ECHO_PROTO);
export const echoService = serviceDefinition(echoRoot, 'echo.Echo');
// Say is declared NO_SIDE_EFFECTS: the descriptors carry it, so connect-node serves it by GET too
const registry = registryOf(descriptorsOfRoots([echoRoot]));
const EchoDesc = registry.getService('echo.Echo')!;
const DetailDesc = registry.getMessage('echo.Detail')!;

export interface EchoRequest { text?: string; payload?: Uint8Array; fail?: number; count?: number; wait?: boolean }
export interface EchoResponse { text: string; payload: Uint8Array; method: string; encoding: string; timeout: number; index: number }

/** What a server saw of a request's compression: whichever of the protocols' headers named it. */
function encodingOf(header: (name: string) => string | null | undefined): string {
  return header('content-encoding') ?? header('connect-content-encoding') ?? header('grpc-encoding') ?? 'identity';
}

const waitForAbort = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

function connectRoutes(router: ConnectRouter): void {
  const answer = (req: EchoRequest, ctx: HandlerContext, index = 0) => ({
    text: req.text ?? '', payload: req.payload ?? new Uint8Array(0), method: ctx.requestMethod,
    encoding: encodingOf((n) => ctx.requestHeader.get(n)), timeout: ctx.timeoutMs() === undefined ? 0 : 1, index,
  });
  const fail = (req: EchoRequest) => new ConnectError(req.text ?? '', req.fail as Code, { 'x-failed': 'yes' }, [{ desc: DetailDesc, value: { reason: 'asked to' } }]);
  router.service(EchoDesc, {
    async say(req: EchoRequest, ctx: HandlerContext) {
      if (req.wait) await waitForAbort(ctx.signal);
      ctx.responseHeader.set('x-header', `h:${ctx.requestHeader.get('x-meta') ?? ''}`);
      ctx.responseTrailer.set('x-trailer', 't');
      if (req.fail) throw fail(req);
      return answer(req, ctx);
    },
    async *count(req: EchoRequest, ctx: HandlerContext) {
      ctx.responseTrailer.set('x-trailer', 'counted');
      for (let i = 0; i < (req.count ?? 0); i++) yield answer(req, ctx, i);
      if (req.fail) throw fail(req);
    },
    async collect(reqs: AsyncIterable<EchoRequest>, ctx: HandlerContext) {
      const texts: string[] = [];
      for await (const r of reqs) texts.push(r.text ?? '');
      return answer({ text: texts.join(',') }, ctx);
    },
    async *chat(reqs: AsyncIterable<EchoRequest>, ctx: HandlerContext) {
      let i = 0;
      for await (const r of reqs) yield answer(r, ctx, i++);
    },
  } as never);
}

export interface Running {
  address: string;
  close(): Promise<void>;
}

/** connect-node's server for the echo service, over HTTP/1.1 (node:http) or h2c (node:http2). */
export async function startConnectNode(httpVersion: '1.1' | '2', readMaxBytes?: number): Promise<Running> {
  const handler = connectNodeAdapter({ routes: connectRoutes, readMaxBytes });
  const server = httpVersion === '1.1' ? http.createServer(handler) : http2.createServer(handler);
  const sessions = new Set<http2.Http2Session>();
  if (httpVersion === '2') server.on('session', (s: http2.Http2Session) => (sessions.add(s), s.on('close', () => sessions.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      if (httpVersion === '1.1') (server as http.Server).closeAllConnections();
      for (const s of sessions) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** h2grpc's Server with the same echo service (HTTP/2; it serves gRPC-Web and Connect beside gRPC). */
export async function startH2grpc(maxReceiveMessageLength = 5 * 1024 * 1024): Promise<Running> {
  // responses compressed when the request was (as connect-node answers in the client's encoding)
  const server = new Server({ maxReceiveMessageLength, compression: 'gzip' });
  const answer = (req: EchoRequest, call: ServerCall, index = 0) => ({
    text: req.text ?? '', payload: req.payload ?? Buffer.alloc(0), method: 'POST', encoding: 'identity', timeout: call.deadline === undefined ? 0 : 1, index,
  });
  const fail = (req: EchoRequest) => new StatusError(req.fail!, req.text ?? '', new Metadata().set('x-failed', 'yes'), [{ '@type': 'type.googleapis.com/echo.Detail', reason: 'asked to' }]);
  server.addService(echoService, {
    Say: async (req: EchoRequest, call: ServerCall) => {
      if (req.wait) await waitForAbort(call.signal);
      const meta = call.metadata.get('x-meta');
      call.sendMetadata(new Metadata().set('x-header', `h:${typeof meta === 'string' ? meta : ''}`));
      call.trailers.set('x-trailer', 't');
      if (req.fail) throw fail(req);
      return answer(req, call);
    },
    Count: async function* (req: EchoRequest, call: ServerCall) {
      call.trailers.set('x-trailer', 'counted');
      for (let i = 0; i < (req.count ?? 0); i++) yield answer(req, call, i);
      if (req.fail) throw fail(req);
    },
    Collect: async (reqs: AsyncIterable<EchoRequest>, call: ServerCall) => {
      const texts: string[] = [];
      for await (const r of reqs) texts.push(r.text ?? '');
      return answer({ text: texts.join(',') }, call);
    },
    Chat: async function* (reqs: AsyncIterable<EchoRequest>, call: ServerCall) {
      let i = 0;
      for await (const r of reqs) yield answer(r, call, i++);
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { address: `127.0.0.1:${port}`, close: async () => server.forceShutdown() };
}
