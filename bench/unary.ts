// Unary pi calls: our server against a grpc-js server under the same load, and our client against the grpc-js
// client, in one run.  npm run bench   (BENCH_SECONDS=5 per client measurement by default)
//
// Servers run in their own processes. Server load: h2load (Debian nghttp2-client) when installed, else our client.
// h2load counts any HTTP 200 as a success, even one carrying a gRPC error, so each server counts the calls it
// answered OK and the benchmark checks that count against h2load's.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const N = 100; // a cheap Calc, so the RPC machinery dominates
const H2LOAD_REQUESTS = Number(process.env.BENCH_H2LOAD_REQUESTS ?? 100_000);

interface ServerProcess {
  port: number;
  count(): Promise<number>;
  stop(): void;
}

async function startServer(kind: 'ours' | 'grpc-js'): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pi-server-process.ts', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = (prefix: string) => new Promise<number>((resolve) => {
    const on = (l: string) => {
      if (!l.startsWith(prefix)) return;
      lines.off('line', on);
      resolve(Number(l.slice(prefix.length)));
    };
    lines.on('line', on);
  });
  const port = await next('port ');
  return {
    port,
    count: () => {
      const p = next('count ');
      child.stdin.write('count\n');
      return p;
    },
    stop: () => child.kill(),
  };
}

interface LoadResult { calls: number; seconds: number; latencies: number[] }

/** A closed loop: CONCURRENCY callers each making calls back to back for SECONDS. */
async function closedLoop(call: () => Promise<number>): Promise<LoadResult> {
  for (let i = 0; i < 200; i++) await call(); // warm up
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      const value = await call();
      if (value !== pi(N)) throw new Error(`wrong value ${value}`);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  return { calls: latencies.length, seconds: Number(process.hrtime.bigint() - start) / 1e9, latencies };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function describe(r: LoadResult): { rate: number; p50: number; p99: number } {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return { rate: r.calls / r.seconds, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

const ourClient = (port: number) => {
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  return { call: async () => (await client.Calc({ n: N })).value as number, close: () => client.close() };
};

const grpcJsClient = (port: number) => {
  const def = protoLoader.loadSync(PI_PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = grpc.loadPackageDefinition(def) as any;
  const client = new pkg.pi.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call: () => new Promise<number>((resolve, reject) => client.Calc({ n: N }, (err: Error | null, res: { value: number }) => (err ? reject(err) : resolve(res.value)))),
    close: () => client.close(),
  };
};

const hasH2load = spawnSync('h2load', ['--version'], { stdio: 'ignore' }).status === 0;

async function h2load(server: ServerProcess): Promise<{ rate: number; mean: number; succeeded: number; ok: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-bench-'));
  const body = join(dir, 'calc.bin');
  writeFileSync(body, Buffer.from(`000000000208${N.toString(16).padStart(2, '0')}`, 'hex'));
  const before = await server.count();
  const out = await new Promise<string>((resolve) => {
    const child = spawn('h2load', ['-n', String(H2LOAD_REQUESTS), '-c', '4', '-m', '16', '-t', '1', '-d', body,
      '-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://127.0.0.1:${server.port}/pi.PiCalculator/Calc`]);
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', () => resolve(text));
  });
  const rate = Number(/finished in [^,]+, ([\d.]+) req\/s/.exec(out)?.[1]);
  const succeeded = Number(/(\d+) succeeded/.exec(out)?.[1]);
  const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1] ?? '';
  const ok = (await server.count()) - before;
  return { rate, succeeded, ok, mean: mean.endsWith('ms') ? parseFloat(mean) : mean.endsWith('us') ? parseFloat(mean) / 1000 : parseFloat(mean) * 1000 };
}

const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 0);
console.log(`Unary pi benchmark: Calc(n=${N}), node ${process.version}, ${SECONDS}s per client run, ${CONCURRENCY} callers on one connection`);

const ours = await startServer('ours');
const theirs = await startServer('grpc-js');
try {
  // 1. servers under the same load
  const serverResults: Record<string, { rate: number; latency: number }> = {};
  for (const [name, server] of [['h2grpc server', ours], ['grpc-js server', theirs]] as const) {
    if (hasH2load) {
      const r = await h2load(server);
      if (r.ok !== r.succeeded) throw new Error(`${name}: h2load counted ${r.succeeded} successes but the server answered ${r.ok} calls OK`);
      serverResults[name] = { rate: r.rate, latency: r.mean };
      console.log(`${name.padEnd(15)} h2load -n ${H2LOAD_REQUESTS} -c 4 -m 16: ${fmt(r.rate).padStart(7)} calls/s, mean ${fmt(r.mean)} ms (${r.ok} answered OK)`);
    } else {
      const client = ourClient(server.port);
      const r = describe(await closedLoop(client.call));
      client.close();
      serverResults[name] = { rate: r.rate, latency: r.p50 };
      console.log(`${name.padEnd(15)} our client: ${fmt(r.rate).padStart(7)} calls/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms (h2load not installed: Debian nghttp2-client)`);
    }
  }
  // 2. clients against the same server (ours, in its own process)
  const clientResults: Record<string, { rate: number; p50: number; p99: number }> = {};
  for (const [name, make] of [['h2grpc client', ourClient], ['grpc-js client', grpcJsClient]] as const) {
    const client = make(ours.port);
    const r = describe(await closedLoop(client.call));
    client.close();
    clientResults[name] = r;
    console.log(`${name.padEnd(15)} -> h2grpc server: ${fmt(r.rate).padStart(7)} calls/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
  }
  const s = serverResults['h2grpc server']!.rate / serverResults['grpc-js server']!.rate;
  const c = clientResults['h2grpc client']!.rate / clientResults['grpc-js client']!.rate;
  console.log(`ratio server h2grpc/grpc-js: ${s.toFixed(2)}x calls/s`);
  console.log(`ratio client h2grpc/grpc-js: ${c.toFixed(2)}x calls/s, p50 ${(clientResults['grpc-js client']!.p50 / clientResults['h2grpc client']!.p50).toFixed(2)}x lower`);
} finally {
  ours.stop();
  theirs.stop();
}
