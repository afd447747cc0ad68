// CPU-bound Calc on one worker process and on two: npm run bench:multicore  (BENCH_SECONDS=5 each by default)
// The tutorial found its threaded Python server no faster for CPU-bound pi (the GIL), and that gRPC cannot
// pre-fork. examples/pi-server.ts --workers N can: N processes on one port. Each run starts the server as a child
// process, then 8 connections with 2 calls in flight each ask for Calc(n = 2,000,000) (a few ms of arithmetic).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createClient } from '../src/grpc/index.js';
import { pi, piService } from '../examples/pi-service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const N = 2_000_000;
const expected = pi(N);

async function measure(workers: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-server.ts', '--port', '0', '--workers', String(workers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).on('line', (l) => {
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(l);
    if (m) resolve(Number(m[1]));
  }));
  const clients = Array.from({ length: 8 }, () => createClient<'Calc'>(`127.0.0.1:${port}`, piService));
  for (const c of clients) await c.Calc({ n: 1 });
  let calls = 0;
  const end = Date.now() + SECONDS * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(clients.flatMap((c) => [0, 1].map(async () => {
    while (Date.now() < end) {
      if ((await c.Calc({ n: N })).value !== expected) throw new Error('wrong value');
      calls++;
    }
  })));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const c of clients) c.close();
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  return calls / seconds;
}

console.log(`CPU-bound Calc(n=${N}) throughput, node ${process.version}, ${SECONDS}s each`);
const one = await measure(1);
console.log(`1 worker:  ${one.toFixed(1)} calls/s`);
const two = await measure(2);
console.log(`2 workers: ${two.toFixed(1)} calls/s`);
console.log(`ratio 2 workers / 1 worker: ${(two / one).toFixed(2)}x`);
