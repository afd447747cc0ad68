// The tutorial's bidirectional pi client: npx tsx examples/pi-stream-client.ts [--port 8081]
// Needs the pi streaming server: npx tsx examples/pi-stream-server.ts (port 8081).
// Streams n = 1 … 999 to Calc and prints each answer as it comes back: "pi(n) = value" for the n the server
// chose to answer (about half of them, so the n are not consecutive).
import { createClient } from '../src/grpc/index.js';
import { exampleArgs, tracing } from './pi-service.js';
import { PI_STREAMING_PROTO, piStreams } from './pi-streaming-service.js';
import { explainFailures, PI_STREAM_SERVER } from './run.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host } = exampleArgs(process.argv.slice(2), 8081);
explainFailures(`${host}:${port}`, PI_STREAM_SERVER);
const client = createClient(`${host}:${port}`, piStreams, { observer: tracing('client', [piStreams], [PI_STREAMING_PROTO]) });

function* requests() {
  for (let i = 1; i < 1000; i++) yield { n: i };
}

let answered = 0;
for await (const { n, value } of client.Calc(requests())) {
  answered++;
  console.log(`pi(${n}) = ${Number(value.toPrecision(12))}`);
}
console.log(`${answered} of 999 requests answered`);
client.close();
