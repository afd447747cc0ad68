// The streaming pi server: npx tsx examples/pi-stream-server.ts [--port 8081]
// Serves pi_streaming.PiStreams: Calc (bidirectional, as in the tutorial: about half of the requests are
// answered, each answer carrying its n), Approximations (server streaming) and Summarize (client streaming).
import { Server } from '../src/grpc/index.js';
import { listenOrExplain } from './run.js';
import { exampleArgs, stopOnSignals, tracing } from './pi-service.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from './pi-streaming-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host } = exampleArgs(process.argv.slice(2), 8081);
const server = new Server({ observer: tracing('server', [piStreams], [PI_STREAMING_PROTO]) });
server.addService(piStreams, streamingHandlers());
const bound = await listenOrExplain(server, port, host);
console.log(`pi streaming server listening on ${host}:${bound}`);
stopOnSignals(server); // Ctrl-C or SIGTERM: calls in flight get 5 s; a second signal stops at once
