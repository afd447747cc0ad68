// The tutorial's pi server: npx tsx examples/pi-server.ts [--port 8080] [--sleep MS] [--workers N]
// Listens on 127.0.0.1:8080 (PORT or --port to change). Calc(n) answers sqrt(8 * sum 1/(2i+1)^2); n <= 0 gets
// INVALID_ARGUMENT "request number should be positive". Ctrl-C or SIGTERM shuts down gracefully: calls in flight
// get 5 s to finish, then are cancelled; a second Ctrl-C stops at once.
// --trace [frames,hpack,messages] prints every frame (or H2GRPC_TRACE=all); --trace-file FILE records them.
// --workers N serves from N processes on the one port (node:cluster), for CPU-bound work the tutorial's threaded
// Python server could not spread over cores.
import { isWorker, Server } from '../src/grpc/index.js';
import { calcHandler, exampleArgs, PI_PROTO, piService, stopOnSignals, tracing } from './pi-service.js';
import { listenOrExplain } from './run.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host, rest } = exampleArgs();
const option = (name: string) => (rest.includes(name) ? Number(rest[rest.indexOf(name) + 1]) : 0);
const sleep = option('--sleep');
const workers = option('--workers') || 1;

const server = new Server({ workers, health: true, reflection: true, observer: tracing('server', [piService], [PI_PROTO]) });
server.addService(piService, { Calc: calcHandler({ sleep }) });
const bound = await listenOrExplain(server, port, host);
if (!isWorker()) {
  const extras = [sleep ? `each Calc sleeps ${sleep} ms` : '', workers > 1 ? `${workers} worker processes` : ''].filter(Boolean).join(', ');
  console.log(`pi server listening on ${host}:${bound}${extras ? ` (${extras})` : ''}`);
}

// Ctrl-C or SIGTERM: GOAWAY, calls in flight get 5 s, then the rest are cancelled; a second signal stops at once
stopOnSignals(server, (line) => !isWorker() && console.log(line));
