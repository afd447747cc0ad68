// Interceptors that see every message: npx tsx examples/pi-logging.ts
// A client interceptor and a server interceptor that log each request and response of every call, both ways, and
// its status, for all four kinds of call (unary, server streaming, client streaming, bidirectional) — what grpc-js
// users write with a listener and a requester. Each adds a listener to the call: `listen({ onRequest, onResponse,
// onStatus })`; a hook may also return a changed message.
import { type ClientInterceptor, createClient, Server, type ServerInterceptor, statusName } from '../src/grpc/index.js';
import { calcHandler, piService } from './pi-service.js';
import { piStreams, streamingHandlers } from './pi-streaming-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const short = (message: unknown) => JSON.stringify(message);

const serverLog: ServerInterceptor = (call, next) => {
  const name = call.method.name;
  call.listen({
    onRequest: (m) => console.log(`[server] ${name} <- ${short(m)}`),
    onResponse: (m) => console.log(`[server] ${name} -> ${short(m)}`),
    onStatus: (s) => console.log(`[server] ${name} status ${statusName(s.code)}`),
  });
  return next();
};

const clientLog: ClientInterceptor = (info, next) => {
  const name = info.method.name;
  return next(info).listen({
    onRequest: (m) => console.log(`[client] ${name} -> ${short(m)}`),
    onHeaders: (h) => console.log(`[client] ${name} headers ${JSON.stringify(h.toJSON())}`),
    onResponse: (m) => console.log(`[client] ${name} <- ${short(m)}`),
    onStatus: (s) => console.log(`[client] ${name} status ${statusName(s.code)}`),
  });
};

const server = new Server({ interceptors: [serverLog] });
server.addService(piService, { Calc: calcHandler() });
server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
const port = await server.listen(0, '127.0.0.1');
const pi = createClient(`127.0.0.1:${port}`, piService, { interceptors: [clientLog] });
const streams = createClient(`127.0.0.1:${port}`, piStreams, { interceptors: [clientLog] });

console.log('-- unary');
await pi.Calc({ n: 10 });
console.log('-- server streaming');
for await (const _ of streams.Approximations({ n: 2 }));
console.log('-- client streaming');
await streams.Summarize([{ n: 1 }, { n: 2 }]);
console.log('-- bidirectional');
for await (const _ of streams.Calc([{ n: 3 }, { n: 4 }]));

pi.close();
streams.close();
await server.shutdown();
