// What the call-observer seam costs (issue 25): unary calls and one server stream, in one process, against the
// compiled package (dist/, `npm run build`), with telemetry off, and (once dist has it) with A66 metrics and A72
// tracing on. Rounds alternate the modes so that a busy machine's noise falls on all of them alike.
//   node --import tsx bench/telemetry-overhead.ts [rounds] [seconds per unary run] [--off-only]
// --off-only measures telemetry off alone: a process that also ran the other modes has call sites the JIT saw with
// observers, which is not what an application without telemetry runs.
import * as dist from '../dist/index.js';
import { benchService, MESSAGE_LIMIT, ourHandlers } from './bench-service.js';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 2);
const CONCURRENCY = 32;
const STREAM_MESSAGES = 100_000;

type Telemetry = unknown;
const openTelemetry = (dist as Record<string, unknown>).openTelemetry as ((o: object) => Promise<Telemetry>) | undefined;

async function modes(): Promise<Array<[string, Telemetry | undefined]>> {
  const list: Array<[string, Telemetry | undefined]> = [['off', undefined]];
  if (!openTelemetry || process.argv.includes('--off-only')) return list;
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  class Reader extends MetricReader {
    protected async onForceFlush() {}
    protected async onShutdown() {}
  }
  const meterProvider = new MeterProvider({ readers: [new Reader()] });
  list.push(['metrics', await openTelemetry({ meterProvider })]);
  // spans are exported and then dropped, so the measure is the span work itself, not a growing array
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  setInterval(() => exporter.reset(), 100).unref();
  list.push(['metrics+tracing', await openTelemetry({ meterProvider, tracerProvider })]);
  return list;
}

async function measure(telemetry: Telemetry | undefined): Promise<{ unary: number; stream: number }> {
  const service = benchService();
  const server = new dist.Server({ maxReceiveMessageLength: MESSAGE_LIMIT, ...(telemetry ? { telemetry } : {}) } as dist.ServerOptions);
  server.addService(service, ourHandlers({ ok: 0 }));
  const port = await server.listen(0);
  const client = dist.createClient<'Unary' | 'ServerStream'>(`127.0.0.1:${port}`, service, { maxReceiveMessageLength: MESSAGE_LIMIT, ...(telemetry ? { telemetry } : {}) } as dist.ClientOptions);
  const body = Buffer.alloc(64);
  await client.Unary({ body });
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      await client.Unary({ body });
      calls++;
    }
  }));
  const unary = calls / ((performance.now() - start) / 1000);
  const streamStart = performance.now();
  let messages = 0;
  for await (const _ of client.ServerStream({ count: STREAM_MESSAGES, size: 64 })) messages++;
  const stream = messages / ((performance.now() - streamStart) / 1000);
  client.close();
  await server.shutdown({ graceMs: 1000 });
  return { unary, stream };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const list = await modes();
const results = new Map<string, { unary: number[]; stream: number[] }>(list.map(([name]) => [name, { unary: [], stream: [] }]));
// one warm-up run of each mode first (the JIT), not counted
for (const [, telemetry] of list) await measure(telemetry);
for (let round = 0; round < rounds; round++) {
  for (const [name, telemetry] of list) {
    const r = await measure(telemetry);
    results.get(name)!.unary.push(r.unary);
    results.get(name)!.stream.push(r.stream);
  }
}
const base = results.get('off')!;
for (const [name, r] of results) {
  const u = median(r.unary);
  const s = median(r.stream);
  console.log(`${name.padEnd(16)} unary ${u.toFixed(0).padStart(7)} calls/s (${(u / median(base.unary)).toFixed(3)})   server-stream ${s.toFixed(0).padStart(8)} msgs/s (${(s / median(base.stream)).toFixed(3)})   runs: ${r.unary.map((x) => x.toFixed(0)).join(' ')}`);
}
