// The tutorial's pi client: npx tsx examples/pi-client.ts [--port 8080]
// Needs the pi server: npx tsx examples/pi-server.ts (port 8080).
// Calls Calc for n = 1 … 999 and prints pi(n), then shows catching INVALID_ARGUMENT with its code and details.
// --trace prints every frame of the connection on standard error; --trace-file FILE records it (npx h2grpc trace).
// GRPC_BINARY_LOG_FILTER=* (gRFC A16) writes a binary log of the calls to pi-client.binlog (or GRPC_BINARY_LOG_FILE):
// npx h2grpc trace pi-client.binlog --proto examples/pi.proto
import { binaryLogFromEnv, createClient, StatusError } from '../src/grpc/index.js';
import { exampleArgs, PI_PROTO, piService, tracing } from './pi-service.js';
import { explainFailures, PI_SERVER } from './run.js';
import { answerHelp, die } from './run.js';

answerHelp(import.meta.url);

const { port, host } = exampleArgs();
explainFailures(`${host}:${port}`, PI_SERVER);
let binaryLog: ReturnType<typeof binaryLogFromEnv>;
try {
  binaryLog = binaryLogFromEnv('pi-client.binlog');
} catch (err) {
  die((err as Error).message, 2);
}
const client = createClient(`${host}:${port}`, piService, { observer: tracing('client', [piService], [PI_PROTO]), binaryLog });

for (let i = 1; i < 1000; i++) {
  const { value } = await client.Calc({ n: i });
  // Python 2's print shows 12 significant digits, as in the tutorial: pi(999) = 3.14127400894
  console.log(`pi(${i}) = ${Number(value.toPrecision(12))}`);
}

// the tutorial's error handling: n = 0 is refused with INVALID_ARGUMENT
for (const n of [0, 1]) {
  try {
    const { value } = await client.Calc({ n });
    console.log(`pi(${n}) = ${Number(value.toPrecision(12))}`);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    console.log(`pi(${n}) failed: ${err.codeName} (code ${err.code}) ${err.details}`);
  }
}
client.close();
await binaryLog?.close();
