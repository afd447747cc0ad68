// The benchmark suite: every scenario against grpc-js in the same run, in interleaved rounds, each client and server
// in its own process, with the crossed pairs (our client → grpc-js server, grpc-js client → our server) so client
// and server costs are seen apart; and, in the same rounds, Connect and gRPC-Web unary over HTTP/1.1 and HTTP/2 against
// connect-node (bench/web-scenarios.ts). Prints a table of medians and spreads, the targets of docs/performance.md,
// and a comparison with bench/baseline.json; writes the figures to bench/last-run.json.
//
//   npm run bench                      3 rounds, 2 s per measurement (about 8 minutes)
//   npm run bench -- --quick           1 round, short measurements (about 2.5 minutes on 2 cores): the ratios at a glance
//   npm run bench -- --only pingpong,unary4m --rounds 5 --seconds 3
//   npm run bench -- --only web        the Connect and gRPC-Web rows alone (npm run bench:web); or connect-h1,grpcweb-h2-100...
//   npm run bench -- --profile --only pingpong      CPU profiles (node --cpu-prof) of every process, summarised
//   npm run bench -- --save-baseline               also writes bench/baseline.json from this run
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { h2loadRun, startNghttpd } from './h2load.js';
import { summariseProfiles } from './profile-summary.js';
import { childFlags, type Driven, startClient, startServer } from './processes.js';
import { type Job, type Outcome, type ScenarioName, scenarios } from './scenarios.js';
import { figure, median, spread } from './stats.js';
import type { WebJob } from './web-client-process.js';
import { OURS_WEB, startWeb, THEIRS_WEB, WEB_CASES, type WebProcesses } from './web-scenarios.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'save-baseline': { type: 'boolean', default: false },
  },
});
const quick = flags.quick!;
const ROUNDS = Number(flags.rounds ?? (quick ? 1 : 3));
const SECONDS = Number(flags.seconds ?? (quick ? 0.5 : 2));
const IDLE_CONNECTIONS = quick ? 250 : 1000;
const H2LOAD_REQUESTS = quick ? 20_000 : 100_000;
const STREAMING: ScenarioName[] = ['unary1', 'unary100', 'serverStream', 'clientStream', 'bidi', 'pingpong', 'stream64k', 'unary4m'];
const WEB = WEB_CASES.map((c) => c.name);
const EXTRA = ['h2load', 'idle', 'startup', 'hpack'];
const ALL = [...STREAMING, ...WEB, ...EXTRA];
// `web` stands for every web row
const only = new Set((flags.only ?? ALL.join(',')).split(',').flatMap((name) => (name === 'web' ? WEB : [name])));
for (const name of only) if (!ALL.includes(name)) throw new Error(`--only: no scenario ${name} (there are ${ALL.join(', ')} and web)`);
let profileDir: string | undefined;
if (flags.profile) {
  profileDir = mkdtempSync(join(tmpdir(), 'h2grpc-profile-'));
  childFlags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
}

type Kind = 'ours' | 'grpc-js';
const NAME: Record<Kind, string> = { ours: 'h2grpc', 'grpc-js': 'grpc-js' };
const PAIRS: Array<[Kind, Kind]> = [['ours', 'ours'], ['grpc-js', 'grpc-js'], ['ours', 'grpc-js'], ['grpc-js', 'ours']];
const pairName = ([c, s]: [Kind, Kind]) => `${NAME[c]} → ${NAME[s]}`;

interface Cell { values: number[]; p50: number[]; p99: number[] }
interface Row { key: string; title: string; unit: string; lowerIsBetter?: boolean; cells: Record<string, Cell> }
const rows = new Map<string, Row>();
function record(key: string, title: string, unit: string, column: string, value: number, extra: Partial<Outcome> = {}, lowerIsBetter = false): void {
  const row = rows.get(key) ?? { key, title, unit, lowerIsBetter, cells: {} };
  rows.set(key, row);
  const cell = (row.cells[column] ??= { values: [], p50: [], p99: [] });
  cell.values.push(value);
  if (extra.p50 !== undefined) cell.p50.push(extra.p50);
  if (extra.p99 !== undefined) cell.p99.push(extra.p99);
}
const rotate = <T>(list: T[], by: number) => list.map((_, i) => list[(i + by) % list.length]!);
const hasCommand = (cmd: string, arg = '--version') => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

console.log(`h2grpc benchmark suite: node ${process.version}, ${ROUNDS} round(s), ${SECONDS} s per measurement${quick ? ' (--quick)' : ''}`);
const began = Date.now();
{
  // our side runs from the compiled package, as an application runs it (bench/h2grpc.ts)
  console.log('building dist/ (npm run build)');
  if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');
}

// the processes start side by side; the ceiling's and the web rows' only when their rows are selected
const [ourServer, theirServer, ourClient, theirClient, echo, raw, web] = await Promise.all([
  startServer('ours'), startServer('grpc-js'), startClient('ours'), startClient('grpc-js'),
  only.has('pingpong') ? startServer('echo') : undefined, only.has('pingpong') ? startClient('raw') : undefined,
  WEB.some((name) => only.has(name)) ? startWeb() : undefined,
]);
const servers = { ours: ourServer, 'grpc-js': theirServer };
const clients: Record<Kind, Driven> = { ours: ourClient, 'grpc-js': theirClient };
const everyone = [...Object.values(servers), ...Object.values(clients), echo, raw, web?.client, web?.ours, web?.connectNode['1.1'], web?.connectNode['2']]
  .filter((p): p is Driven => p !== undefined);

try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of STREAMING.filter((s) => only.has(s))) {
      const s = scenarios[scenario];
      for (const pair of rotate(PAIRS, round)) {
        const job: Job = { scenario, port: servers[pair[1]].port, seconds: SECONDS };
        const out = await clients[pair[0]].ask<Outcome>(JSON.stringify(job));
        record(scenario, s.title, s.unit, pairName(pair), out.value, out);
      }
      if (scenario === 'pingpong' && raw) {
        const out = await raw.ask<Outcome>(JSON.stringify({ scenario, port: echo!.port, seconds: SECONDS }));
        record(scenario, s.title, s.unit, 'raw node:net echo', out.value, out);
      }
      await Promise.all(Object.values(clients).map((c) => c.ask('release')));
    }
    if (web) await webRound(web, round);
    if (only.has('h2load')) await h2loadRound(round);
    if (only.has('idle')) await idleRound(round);
    if (only.has('startup')) await startupRound(round);
    if (only.has('hpack')) hpackRound(round);
    process.stdout.write(`round ${round + 1} of ${ROUNDS} done, ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
  }
} finally {
  await Promise.all(everyone.map((p) => p.stop()));
}

/** The web rows selected: connect-node's client against our server and against connect-node's, the order rotating. */
async function webRound(web: WebProcesses, round: number): Promise<void> {
  for (const c of WEB_CASES.filter((w) => only.has(w.name))) {
    const against: Array<[string, number]> = [[OURS_WEB, web.ours.port], [THEIRS_WEB, web.connectNode[c.http].port]];
    for (const [column, port] of rotate(against, round)) {
      const job: WebJob = { protocol: c.protocol, http: c.http, inFlight: c.inFlight, port, seconds: SECONDS };
      const out = await web.client.ask<Outcome>(JSON.stringify(job));
      record(c.name, c.title, 'calls/s', column, out.value, out);
    }
  }
}

/** The servers under h2load, and nghttpd serving the same response as a static file: the ceiling. */
async function h2loadRound(round: number): Promise<void> {
  if (!hasCommand('h2load')) return void (round === 0 && console.log('h2load scenario skipped: install Debian nghttp2-client'));
  const title = `server under h2load -n ${H2LOAD_REQUESTS} -c 4 -m 16, unary ${16} B`;
  const targets: Array<[string, number, Driven | undefined]> = [['h2grpc server', servers.ours.port, servers.ours], ['grpc-js server', servers['grpc-js'].port, servers['grpc-js']]];
  const nghttpd = hasCommand('nghttpd') ? await startNghttpd() : undefined;
  if (nghttpd) targets.push(['nghttpd (C, static file)', nghttpd.port, undefined]);
  else if (round === 0) console.log('nghttpd not installed (Debian nghttp2-server): no ceiling in the h2load row');
  try {
    for (const [name, port, server] of rotate(targets, round)) {
      const before = server ? (await server.ask<{ ok: number }>('count')).ok : 0;
      const r = await h2loadRun(port, H2LOAD_REQUESTS);
      if (server) {
        const ok = (await server.ask<{ ok: number }>('count')).ok - before;
        if (ok !== r.succeeded) throw new Error(`${name}: h2load counted ${r.succeeded} successes, the server answered ${ok} OK`);
      } else if (r.succeeded !== H2LOAD_REQUESTS) throw new Error(`nghttpd answered ${r.succeeded} of ${H2LOAD_REQUESTS}`);
      record('h2load', title, 'calls/s', name, r.rate);
    }
  } finally {
    nghttpd?.stop();
  }
}

/** Fresh servers each holding IDLE_CONNECTIONS connections, one call made on each, then idle: memory per connection. */
async function idleRound(round: number): Promise<void> {
  for (const pair of rotate(PAIRS, round)) {
    const server = await startServer(pair[1]);
    try {
      const before = await server.ask<{ heap: number; rss: number; fds: number }>('mem');
      const out = await clients[pair[0]].ask<Outcome>(JSON.stringify({ scenario: 'idle', port: server.port, seconds: 0, connections: IDLE_CONNECTIONS }));
      const after = await server.ask<{ heap: number; rss: number; fds: number }>('mem');
      if (after.fds - before.fds < IDLE_CONNECTIONS) throw new Error(`idle ${pairName(pair)}: the server has ${after.fds - before.fds} new descriptors for ${IDLE_CONNECTIONS} connections`);
      const per = (a: number, b: number) => (a - b) / IDLE_CONNECTIONS / 1024;
      const title = `${IDLE_CONNECTIONS} idle connections`;
      record('idle-server-heap', `${title}: server heap per connection`, 'KiB', pairName(pair), per(after.heap, before.heap), {}, true);
      record('idle-server-rss', `${title}: server RSS per connection`, 'KiB', pairName(pair), per(after.rss, before.rss), {}, true);
      const m = out.memory!;
      record('idle-client-heap', `${title}: client heap per connection`, 'KiB', pairName(pair), per(m.after.heap, m.before.heap), {}, true);
      record('idle-client-rss', `${title}: client RSS per connection`, 'KiB', pairName(pair), per(m.after.rss, m.before.rss), {}, true);
      await clients[pair[0]].ask('release');
    } finally {
      await server.stop();
    }
  }
}

/** A new node process: import the client library, load bench.proto, one call, exit. Wall time from spawn to exit. */
async function startupRound(round: number): Promise<void> {
  for (const pair of rotate(PAIRS, round)) {
    const runs: number[] = [];
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      const t0 = process.hrtime.bigint();
      const code = await new Promise<number | null>((resolve) => spawn(process.execPath, ['bench/startup.mjs', pair[0], String(servers[pair[1]].port)], { stdio: 'inherit' }).on('exit', resolve));
      if (code !== 0) throw new Error(`start-up ${pairName(pair)} exited with ${code}`);
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    record('startup', 'start-up to the first call (compiled package; node alone ≈ 40 ms of it)', 'ms', pairName(pair), median(runs), {}, true);
  }
}

/** HPACK on the corpus, each library in its own process (bench/hpack.ts), the order alternating by round. */
function hpackRound(round: number): void {
  for (const lib of round % 2 ? ['hpack.js', 'h2grpc'] : ['h2grpc', 'hpack.js']) {
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/hpack.ts', '--json', `--only=${lib}`], { encoding: 'utf8', env: { ...process.env, BENCH_SECONDS: String(quick ? 1 : 2) } });
    const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`bench/hpack.ts --only=${lib} failed: ${out.stderr || out.stdout}`);
    const r = JSON.parse(line) as Record<string, number>;
    record('hpack-encode', 'HPACK encode, hpack-test-case raw-data stories', 'M fields/s', lib, r[`encode ${lib}`]!);
    record('hpack-decode', 'HPACK decode, hpack-test-case nghttp2 stories', 'M fields/s', lib, r[`decode ${lib}`]!);
  }
}

// ---- report ----
const med = (key: string, column: string) => {
  const cell = rows.get(key)?.cells[column];
  return cell ? median(cell.values) : NaN;
};
const OURS = 'h2grpc → h2grpc';
const THEIRS = 'grpc-js → grpc-js';
/** The columns a ratio sets against each other; in other rows, the first two. */
const VERSUS: Array<[string, string]> = [[OURS, THEIRS], [OURS_WEB, THEIRS_WEB]];
function ratio(row: Row | undefined): number {
  if (!row) return NaN;
  const [ours, theirs] = VERSUS.find(([column]) => row.cells[column]) ?? Object.keys(row.cells);
  const a = med(row.key, ours!);
  const b = med(row.key, theirs!);
  return row.lowerIsBetter ? b / a : a / b;
}
/** The lowest ratio of a protocol's web rows in this run: each row's target is h2grpc ≥ connect-node. */
const lowestWeb = (protocol: WebJob['protocol']) =>
  Math.min(...WEB_CASES.filter((c) => c.protocol === protocol).map((c) => ratio(rows.get(c.name))).filter(Number.isFinite));

const lines: string[] = [];
const summary: Record<string, unknown> = {};
for (const row of rows.values()) {
  lines.push(`\n${row.title} (${row.unit}${row.lowerIsBetter ? ', lower is better' : ''})`);
  const entry: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row.cells)) {
    const lat = cell.p50.length ? `  p50 ${figure(median(cell.p50))} ms, p99 ${figure(median(cell.p99))} ms` : '';
    lines.push(`  ${column.padEnd(26)} ${figure(median(cell.values)).padStart(12)} ±${(spread(cell.values) * 100).toFixed(0).padStart(2)}%${lat}`);
    entry[column] = { median: median(cell.values), spread: spread(cell.values), values: cell.values, ...(cell.p50.length ? { p50: median(cell.p50), p99: median(cell.p99) } : {}) };
  }
  const r = ratio(row);
  lines.push(`  ${'ratio h2grpc / other'.padEnd(26)} ${`${r.toFixed(2)}x`.padStart(12)}`);
  summary[row.key] = { title: row.title, unit: row.unit, lowerIsBetter: !!row.lowerIsBetter, ratio: r, cells: entry };
}
console.log(lines.join('\n'));

// the targets of issue 14 (docs/performance.md)
const targets: Array<[string, number, number]> = [
  ['bidi ping-pong vs grpc-js', ratio(rows.get('pingpong')), 1.5],
  ['bidi ping-pong vs raw node:net echo', med('pingpong', OURS) / med('pingpong', 'raw node:net echo'), 0.8],
  ['64 KiB server streaming vs grpc-js (MB/s)', ratio(rows.get('stream64k')), 1.5],
  ['4 MiB unary vs grpc-js (MB/s)', ratio(rows.get('unary4m')), 1.5],
  ['server under h2load vs nghttpd', med('h2load', 'h2grpc server') / med('h2load', 'nghttpd (C, static file)'), 0.25],
  ['server heap per idle connection vs grpc-js', ratio(rows.get('idle-server-heap')), 1],
  ['client heap per idle connection vs grpc-js', ratio(rows.get('idle-client-heap')), 1],
  ['HPACK decode (M fields/s)', med('hpack-decode', 'h2grpc'), 6],
  ['HPACK encode (M fields/s)', med('hpack-encode', 'h2grpc'), 4],
  ['start-up to the first call vs grpc-js', ratio(rows.get('startup')), 1],
  ['Connect unary vs connect-node (lowest row)', lowestWeb('connect'), 1],
  ['gRPC-Web unary vs connect-node (lowest row)', lowestWeb('grpc-web'), 1],
].filter(([, v]) => Number.isFinite(v)) as Array<[string, number, number]>;
console.log('\ntargets');
for (const [name, value, want] of targets) console.log(`  ${value >= want ? 'met ' : 'MISS'}  ${name.padEnd(44)} ${value.toFixed(2).padStart(7)}  (target ≥ ${want})`);

const result = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, quick, rows: summary, targets: Object.fromEntries(targets.map(([n, v, w]) => [n, { value: v, target: w }])) };
writeFileSync('bench/last-run.json', `${JSON.stringify(result, null, 2)}\n`);
const baselinePath = 'bench/baseline.json';
if (existsSync(baselinePath)) {
  const base = JSON.parse(readFileSync(baselinePath, 'utf8')) as typeof result;
  console.log(`\nagainst bench/baseline.json (${base.date.slice(0, 10)}, ${base.quick ? 'quick' : 'full'} run): ratios to grpc-js (connect-node in the web rows), then → now`);
  for (const [key, row] of Object.entries(summary) as Array<[string, { title: string; ratio: number }]>) {
    const then = (base.rows[key] as { ratio: number } | undefined)?.ratio;
    if (then === undefined) {
      console.log(`        ${row.title.slice(0, 60).padEnd(60)} no baseline → ${row.ratio.toFixed(2).padStart(6)}x`);
      continue;
    }
    const change = row.ratio / then;
    console.log(`  ${change < 0.85 ? 'WORSE' : '     '} ${row.title.slice(0, 60).padEnd(60)} ${then.toFixed(2).padStart(6)}x → ${row.ratio.toFixed(2).padStart(6)}x`);
  }
}
if (flags['save-baseline']) writeFileSync(baselinePath, `${JSON.stringify(result, null, 2)}\n`);
if (profileDir) {
  const roles = new Map<number, string>([
    [servers.ours.pid, 'h2grpc server'], [servers['grpc-js'].pid, 'grpc-js server'],
    [clients.ours.child.pid!, 'h2grpc client'], [clients['grpc-js'].child.pid!, 'grpc-js client'],
    ...(web ? [[web.ours.pid, 'h2grpc web server'], [web.connectNode['1.1'].pid, 'connect-node server (node:http)'],
      [web.connectNode['2'].pid, 'connect-node server (node:http2)'], [web.client.child.pid!, 'connect-node client']] as const : []),
  ]);
  console.log(`\nCPU profiles in ${profileDir}`);
  console.log(summariseProfiles(profileDir, roles));
}
console.log(`\nfigures written to bench/last-run.json; ${((Date.now() - began) / 1000).toFixed(0)} s in all`);
