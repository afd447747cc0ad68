// npm start: the tutorial's first program in one process, with its first call traced. The pi server listens on a
// free loopback port; the client's first Calc is printed frame by frame as it crosses the wire (every HEADERS
// field with its HPACK representation, every DATA with its gRPC message decoded), then the client calls Calc for
// n = 1 … 999 over the same HTTP/2 connection and catches INVALID_ARGUMENT. --trace traces every call.
import { createClient, Server, StatusError } from '../src/grpc/index.js';
import { Tracer } from '../src/trace/index.js';
import { calcHandler, PI_PROTO, piService, tracing } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const server = new Server();
server.addService(piService, { Calc: calcHandler() });
const port = await server.listen(0, '127.0.0.1');
console.log(`pi server listening on 127.0.0.1:${port}\n`);

let firstCall = true;
const traceAll = tracing('client', [piService], [PI_PROTO]);
const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, {
  observer: (socket) => traceAll?.(socket) ?? new Tracer({
    role: 'client',
    levels: ['frames', 'hpack', 'messages'],
    services: [piService],
    write: (text) => firstCall && console.log(text),
  }),
});

console.log('The first call, as the client sends and receives it:\n');
const { value } = await client.Calc({ n: 100 });
firstCall = false;
console.log(`\npi(100) = ${value}\n\nNow 999 calls over the same connection (every 100th shown, so the frames above stay on screen):\n`);

const started = process.hrtime.bigint();
for (let i = 1; i < 1000; i++) {
  const { value } = await client.Calc({ n: i });
  if (i <= 3 || i % 100 === 0 || i === 999) console.log(`pi(${i}) = ${Number(value.toPrecision(12))}`);
  else if (i === 4) console.log('…');
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
try {
  await client.Calc({ n: 0 });
} catch (err) {
  if (!(err instanceof StatusError)) throw err;
  console.log(`pi(0) failed: ${err.codeName} (code ${err.code}) ${err.details}`);
}
console.log(`\n999 calls in ${ms.toFixed(0)} ms. Run the server and client apart: npx tsx examples/pi-server.ts, npx tsx examples/pi-client.ts --trace`);
client.close();
await server.shutdown();
