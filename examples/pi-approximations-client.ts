// Server streaming: npx tsx examples/pi-approximations-client.ts [--port 8081] [N]
// Needs the pi streaming server: npx tsx examples/pi-stream-server.ts (port 8081).
// Asks Approximations for N (default 20) and prints each approximation as the server computes and sends it.
import { createClient } from '../src/grpc/index.js';
import { exampleArgs, tracing } from './pi-service.js';
import { PI_STREAMING_PROTO, piStreams } from './pi-streaming-service.js';
import { explainFailures, PI_STREAM_SERVER } from './run.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host, rest } = exampleArgs(process.argv.slice(2), 8081);
explainFailures(`${host}:${port}`, PI_STREAM_SERVER);
const n = Number(rest[0] ?? 20);
const client = createClient(`${host}:${port}`, piStreams, { observer: tracing('client', [piStreams], [PI_STREAMING_PROTO]) });
const call = client.Approximations({ n });
for await (const { n: i, value } of call) console.log(`pi(${i}) = ${Number(value.toPrecision(12))}`);
console.log(`stream ended: ${Object.keys((await call.done).toJSON()).length} trailing metadata`);
client.close();
