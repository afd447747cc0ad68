// gRPC-Web and Connect unary over HTTP/1.1 and HTTP/2: our server against connect-node's (connectNodeAdapter on
// node:http for HTTP/1.1, on node:http2's h2c server for HTTP/2), serving the same pi service, each in its own
// process; the client is connect-node's transports for both (bench/web-client-process.ts), so only the server
// differs. Interleaved rounds (the order of the servers alternates), medians with their spread (± half the range).
//
//   npm run bench:web                         3 rounds, 2 s per measurement, 1 and 100 calls in flight
//   npm run bench:web -- --rounds 5 --seconds 3
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { type Driven, startChild } from './processes.js';
import { figure, median, spread } from './stats.js';
import type { WebJob } from './web-client-process.js';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, 'in-flight': { type: 'string' } } });
const ROUNDS = Number(flags.rounds ?? 3);
const SECONDS = Number(flags.seconds ?? 2);
const IN_FLIGHT = (flags['in-flight'] ?? '1,100').split(',').map(Number);

console.log(`gRPC-Web and Connect unary, connect-node's client: node ${process.version}, ${ROUNDS} round(s), ${SECONDS} s per measurement`);
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');

const start = async (kind: string) => {
  const { driven, match } = await startChild('bench/web-server-process.ts', [kind], /^port (\d+)$/);
  return { ...driven, port: Number(match[1]) };
};
const ours = await start('ours');
const theirs = { '1.1': await start('connect-node-h1'), '2': await start('connect-node-h2') };
const client: Driven = (await startChild('bench/web-client-process.ts', [], /^ready$/)).driven;

interface Cell { values: number[]; p50: number[]; p99: number[] }
const cells = new Map<string, Cell>();
const CASES: Array<Pick<WebJob, 'protocol' | 'http'>> = [
  { protocol: 'connect', http: '1.1' }, { protocol: 'connect', http: '2' },
  { protocol: 'grpc-web', http: '1.1' }, { protocol: 'grpc-web', http: '2' },
];
const NAME = { connect: 'Connect', 'grpc-web': 'gRPC-Web' } as const;
const began = Date.now();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const inFlight of IN_FLIGHT) {
      for (const c of CASES) {
        const servers: Array<['h2grpc' | 'connect-node', number]> = [['h2grpc', ours.port], ['connect-node', theirs[c.http].port]];
        for (const [server, port] of round % 2 ? servers.reverse() : servers) {
          const out = await client.ask<{ value: number; p50: number; p99: number }>(JSON.stringify({ ...c, port, seconds: SECONDS, inFlight }));
          const key = `${NAME[c.protocol]} unary over HTTP/${c.http}, ${inFlight} in flight|${server}`;
          const cell = cells.get(key) ?? { values: [], p50: [], p99: [] };
          cells.set(key, cell);
          cell.values.push(out.value);
          cell.p50.push(out.p50);
          cell.p99.push(out.p99);
        }
      }
    }
    console.log(`round ${round + 1} of ${ROUNDS} done, ${((Date.now() - began) / 1000).toFixed(0)} s`);
  }
} finally {
  await Promise.all([ours, theirs['1.1'], theirs['2'], client].map((p) => p.stop()));
}

const show = (cell: Cell) => `${figure(median(cell.values))} ±${(spread(cell.values) * 100).toFixed(0)}%<br>p50 ${figure(median(cell.p50))}, p99 ${figure(median(cell.p99))} ms`;
console.log('\n| scenario (calls/s) | h2grpc server | connect-node server | ratio |');
console.log('|---|---|---|---|');
for (const title of new Set([...cells.keys()].map((k) => k.split('|')[0]!))) {
  const a = cells.get(`${title}|h2grpc`)!;
  const b = cells.get(`${title}|connect-node`)!;
  console.log(`| ${title} | ${show(a)} | ${show(b)} | **${(median(a.values) / median(b.values)).toFixed(2)}x** |`);
}
console.log(`\n${((Date.now() - began) / 1000).toFixed(0)} s in all`);
