// Interceptors: npx tsx examples/pi-interceptors.ts
// A pi server with an interceptor that logs each call's latency and refuses calls without a token
// (UNAUTHENTICATED), and two clients: one whose interceptor adds the token as metadata and times each call, and
// one without it. Interceptors wrap all four kinds of call; here unary Calc and bidirectional streaming alike.
import {
  type ClientInterceptor, createClient, Metadata, Server, type ServerInterceptor, Status, StatusError, statusName,
} from '../src/grpc/index.js';
import { calcHandler, PI_PROTO, piService, tracing } from './pi-service.js';
import { piStreams, streamingHandlers } from './pi-streaming-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const TOKEN = 'Bearer pi-secret';

/** Server: refuse calls without the token; log every call's method, status and latency. */
const auth: ServerInterceptor = async (call, next) => {
  if (call.metadata.get('authorization') !== TOKEN) throw new StatusError(Status.UNAUTHENTICATED, 'missing or wrong token');
  await next();
};
const logLatency: ServerInterceptor = async (call, next) => {
  const started = process.hrtime.bigint();
  try {
    await next();
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`[server] ${call.method.path} ${statusName(call.status?.code ?? Status.UNKNOWN)} in ${ms.toFixed(2)} ms`);
  }
};

/** Client: add the token to every call, and time it. */
const addToken: ClientInterceptor = (info, next) => {
  const metadata = new Metadata(info.options.metadata?.toJSON());
  metadata.set('authorization', TOKEN);
  return next({ ...info, options: { ...info.options, metadata } });
};
const timeCalls: ClientInterceptor = (info, next) => {
  const started = process.hrtime.bigint();
  const call = next(info);
  call.done.then(
    () => console.log(`[client] ${info.method.name} OK in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)} ms`),
    (err: StatusError) => console.log(`[client] ${info.method.name} ${err.codeName} in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)} ms`),
  );
  return call;
};

const server = new Server({ interceptors: [logLatency, auth] });
server.addService(piService, { Calc: calcHandler() });
server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
const port = await server.listen(0, '127.0.0.1');

const trusted = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { interceptors: [timeCalls, addToken], observer: tracing('client', [piService], [PI_PROTO]) });
console.log(`pi(100) = ${(await trusted.Calc({ n: 100 })).value}`);
const streams = createClient<'Calc'>(`127.0.0.1:${port}`, piStreams, { interceptors: [timeCalls, addToken] });
let answers = 0;
for await (const _ of streams.Calc([{ n: 1 }, { n: 2 }, { n: 3 }])) answers++;
console.log(`bidirectional Calc: ${answers} answers`);

const stranger = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
try {
  await stranger.Calc({ n: 100 });
} catch (err) {
  console.log(`without the token: ${(err as StatusError).codeName}: ${(err as StatusError).details}`);
}
for (const c of [trusted, streams, stranger]) c.close();
await server.shutdown();
