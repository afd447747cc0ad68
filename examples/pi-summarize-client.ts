// Client streaming: npx tsx examples/pi-summarize-client.ts [--port 8081]
// Needs the pi streaming server: npx tsx examples/pi-stream-server.ts (port 8081).
// Streams n = 1 … 999 to Summarize, which answers once, with how many arrived and which n came closest to pi.
import { createClient } from '../src/grpc/index.js';
import { exampleArgs, tracing } from './pi-service.js';
import { PI_STREAMING_PROTO, piStreams } from './pi-streaming-service.js';
import { explainFailures, PI_STREAM_SERVER } from './run.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host } = exampleArgs(process.argv.slice(2), 8081);
explainFailures(`${host}:${port}`, PI_STREAM_SERVER);
const client = createClient(`${host}:${port}`, piStreams, { observer: tracing('client', [piStreams], [PI_STREAMING_PROTO]) });

async function* requests() {
  for (let i = 1; i < 1000; i++) yield { n: i };
}

const summary = await client.Summarize(requests());
console.log(`${summary.count} requests; closest: pi(${summary.best_n}) = ${summary.best_value} (off by ${summary.error.toExponential(3)})`);
client.close();
