// The tutorial's pi server: npx tsx examples/pi-server.ts [--port 8080] [--sleep MS]
// Listens on 127.0.0.1:8080 (PORT or --port to change). Calc(n) answers sqrt(8 * sum 1/(2i+1)^2); n <= 0 gets
// INVALID_ARGUMENT "request number should be positive". Ctrl-C shuts down gracefully: calls in flight finish.
import { Server } from '../src/grpc/index.js';
import { calcHandler, exampleArgs, piService } from './pi-service.js';

const { port, host, rest } = exampleArgs();
const sleepAt = rest.indexOf('--sleep');
const sleep = sleepAt >= 0 ? Number(rest[sleepAt + 1]) : 0;

const server = new Server();
server.addService(piService, { Calc: calcHandler({ sleep }) });
const bound = await server.listen(port, host);
console.log(`pi server listening on ${host}:${bound}${sleep ? ` (each Calc sleeps ${sleep} ms)` : ''}`);

process.once('SIGINT', async () => {
  console.log('shutting down: GOAWAY sent, waiting for calls in flight');
  await server.shutdown();
  console.log('bye');
});
