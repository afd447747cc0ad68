// The tutorial's pi server: npx tsx examples/pi-server.ts [--port 8080] [--sleep MS] [--workers N]
// Listens on 127.0.0.1:8080 (PORT or --port to change). Calc(n) answers sqrt(8 * sum 1/(2i+1)^2); n <= 0 gets
// INVALID_ARGUMENT "request number should be positive". Ctrl-C or SIGTERM shuts down gracefully: calls in flight
// get 5 s to finish, then are cancelled; a second Ctrl-C stops at once.
// --trace [frames,hpack,messages] prints every frame (or H2GRPC_TRACE=all); --trace-file FILE records them.
// --workers N serves from N processes on the one port (node:cluster), for CPU-bound work the tutorial's threaded
// Python server could not spread over cores.
// --metrics PORT serves the gRFC A66 metrics (OpenTelemetry, through the SDK) as Prometheus text on
// http://127.0.0.1:PORT/metrics, e.g. grpc_server_call_duration_seconds_count{grpc_method="pi.PiCalculator/Calc",grpc_status="OK"}
// (PORT 0 picks a free one; one process only, not with --workers).
// --channelz serves gRFC A14 channelz on the gRPC port: `npx h2grpc channelz --plaintext 127.0.0.1:8080 --watch`
// shows the server, its connections and their calls, streams, messages and flow-control windows (one process).
// GRPC_BINARY_LOG_FILTER=* (or any gRFC A16 filter, e.g. 'pi.PiCalculator/Calc{h;m:64}') writes a binary log of the
// calls to pi-server.binlog (or GRPC_BINARY_LOG_FILE), closed after the graceful shutdown; one process only.
// Read it with npx h2grpc trace pi-server.binlog --proto examples/pi.proto
import { binaryLogFromEnv, isWorker, openTelemetry, Server } from '../src/grpc/index.js';
import { calcHandler, exampleArgs, PI_PROTO, piService, stopOnSignals, tracing } from './pi-service.js';
import { listenOrExplain } from './run.js';
import { answerHelp, die } from './run.js';
import { parseMetricsPort, servePrometheus } from './prometheus-metrics.js';

answerHelp(import.meta.url);

const { port, host, rest } = exampleArgs();
const option = (name: string) => (rest.includes(name) ? Number(rest[rest.indexOf(name) + 1]) : 0);
const sleep = option('--sleep');
const workers = option('--workers') || 1;
const metricsPort = parseMetricsPort(rest.includes('--metrics') ? rest[rest.indexOf('--metrics') + 1] ?? '' : undefined);
if (metricsPort !== undefined && workers > 1) die('--metrics serves one process\'s metrics: use it without --workers', 2);
const metrics = metricsPort === undefined ? undefined : await servePrometheus(metricsPort, host).catch((err: Error) => die(`cannot serve metrics on ${host}:${metricsPort}: ${err.message}`));
const telemetry = metrics && (await openTelemetry({ meterProvider: metrics.meterProvider }));
const channelz = rest.includes('--channelz');
if (channelz && workers > 1) die('--channelz counts one process\'s connections: use it without --workers', 2);
let binaryLog: ReturnType<typeof binaryLogFromEnv>;
try {
  binaryLog = binaryLogFromEnv('pi-server.binlog');
} catch (err) {
  die((err as Error).message, 2);
}
if (binaryLog && workers > 1) die('GRPC_BINARY_LOG_FILTER logs one process\'s calls: use it without --workers', 2);

const server = new Server({ workers, health: true, reflection: true, channelz, observer: tracing('server', [piService], [PI_PROTO]), telemetry, binaryLog });
server.addService(piService, { Calc: calcHandler({ sleep }) });
const bound = await listenOrExplain(server, port, host);
if (!isWorker()) {
  const extras = [sleep ? `each Calc sleeps ${sleep} ms` : '', workers > 1 ? `${workers} worker processes` : ''].filter(Boolean).join(', ');
  console.log(`pi server listening on ${host}:${bound}${extras ? ` (${extras})` : ''}`);
  if (metrics) console.log(`metrics on http://${host}:${metrics.port}/metrics`);
  if (channelz) console.log(`channelz: npx h2grpc channelz --plaintext ${host}:${bound}`);
  if (binaryLog) console.log(`binary log (${binaryLog.filter.text}) to ${binaryLog.file}`);
}

// Ctrl-C or SIGTERM: GOAWAY, calls in flight get 5 s, then the rest are cancelled; a second signal stops at once
stopOnSignals(server, (line) => !isWorker() && console.log(line), () => binaryLog?.close());
// the metrics endpoint closes with the first signal, so that it does not keep the process alive after the server
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void metrics?.close());
