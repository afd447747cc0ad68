// The cache examples as a user runs them: server.ts and client.ts, `h2grpc call` against the server, and the
// cluster demo (real etcd and Redis; and the static ipv4: variant) surviving a SIGKILLed server; with --metrics, its
// gRFC A66 series scraped over HTTP while it runs and its summary checked against the calls it made.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { installed } from '../examples/cache/local-services.js';
import { childEnv, freePort, H2GRPC_CLI, havePeer, run } from './peers.js';

const tsx = (file: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', file, ...args], { timeout: 120_000 });

t.test('server.ts, client.ts and h2grpc call', async (t) => {
  const server = spawn(process.execPath, ['--import', 'tsx', 'examples/cache/server.ts', '--port', '0'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => server.exitCode === null && server.kill('SIGKILL'));
  let out = '';
  server.stdout!.on('data', (d) => (out += d));
  const started = Date.now();
  while (!/backend: \S+/.test(out) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
  // server.ts prints 'listening on' and then 'backend:'; wait for both
  const address = /listening on (\S+)/.exec(out)![1]!;
  t.match(out, 'backend: memory', 'the embedded backend by default: nothing to install');
  const client = await tsx('examples/cache/client.ts', '--target', address);
  t.equal(client.status, 0, client.stderr);
  t.equal(client.stdout, [
    'Get greeting -> hello, world',
    'Scan session: -> session:1 = alice',
    'Scan session: -> session:2 = bob',
    'Get greeting after Delete -> NOT_FOUND no key "greeting"',
    'Set with an empty key -> INVALID_ARGUMENT key is empty',
    'Set with a negative TTL -> INVALID_ARGUMENT ttl_seconds is negative (-1)',
    '',
  ].join('\n'));
  const call = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', address, 'cache.Cache/Get', '-d', '{"key":"session:1"}']);
  t.equal(call.status, 0, call.stderr);
  t.same(JSON.parse(call.stdout), { value: Buffer.from('alice').toString('base64') }, 'h2grpc call through reflection');
  const missing = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', address, 'cache.Cache/Get', '-d', '{"key":"nope"}']);
  t.equal(missing.status, 64 + 5, 'NOT_FOUND: exit 64 + 5');
  t.match(missing.stderr, 'no key "nope"');
  const bad = await tsx('examples/cache/server.ts', '--port', 'x');
  t.equal(bad.status, 2);
  t.match(bad.stderr, '--port takes a number from 0 to 65535, not "x"');
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  t.match(out, /SIGTERM: shutting down\nbye/, "no etcd: nothing to leave");
});

t.test('the cluster demo on etcd and Redis: a SIGKILLed server, a new one, zero failed calls', async (t) => {
  if (!havePeer(t, installed('etcd') && installed('redis-server'), 'the cluster demo', 'Debian packages etcd-server and redis-server')) return;
  const r = await tsx('examples/cache/cluster.ts', '--seconds', '6', '--metrics', '0');
  t.comment(r.stdout);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /discovery: etcd at http:\/\/127\.0\.0\.1:\d+ \(started here\)/);
  t.match(r.stdout, /storage: one Redis shared by the servers/);
  t.match(r.stdout, /\n {2}s4 127\.0\.0\.1:\d+: [1-9]\d*\n/, 's4 got calls');
  t.match(r.stdout, '\nfailed calls: 0\n');
  const [, acknowledged, readable] = /acknowledged Sets: (\d+), readable afterwards: (\d+)/.exec(r.stdout) ?? [];
  t.ok(Number(acknowledged) > 50 && acknowledged === readable, `every acknowledged Set is readable (${acknowledged})`);
  const { made } = checkMetricsSummary(t, r.stdout);
  const answered = Number(/calls per server \((\d+) answered/.exec(r.stdout)?.[1]);
  t.equal(made.Set + made.Get, answered + Number(readable), 'the demo made a Set and a Get per key, then read every key back');
  t.match(r.stdout, /\n {2}grpc_target: etcd:\/\/\/cache\n/, 'grpc_target is the channel\'s target');
});

t.test('the cluster demo without etcd: a static ipv4: list', async (t) => {
  const r = await tsx('examples/cache/cluster.ts', '--static', '--seconds', '3');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, 'discovery: none, a static ipv4: list (--static)');
  t.match(r.stdout, '\nfailed calls: 0\n');
  t.match(r.stdout, /s4's first call: \d+ ms after it was started/);
});

t.test('the cluster demo with --channelz: the killed server\'s subchannel leaves READY', async (t) => {
  const r = await tsx('examples/cache/cluster.ts', '--static', '--seconds', '3', '--channelz');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /channelz: npx h2grpc channelz --plaintext 127\.0\.0\.1:\d+ --watch/, 'where to watch it');
  t.match(r.stdout, '\nfailed calls: 0\n', 'the same run, the same result');
  const victim = /SIGKILL (s\d) \(([\d.:]+)\)/.exec(r.stdout)!;
  const block = new RegExp(`subchannel \\d+ ${victim[2]!.replace(/\./g, '\\.')} \\(${victim[1]}\\) \\w+, calls \\d+ started, \\d+ ok, \\d+ failed\\n((?: {6}.*\\n| {15}….*\\n)+)`).exec(r.stdout);
  t.ok(block, 'the killed server\'s subchannel, with its calls (attempts in flight when it died failed there, and were retried)');
  const changes = [...(block?.[1] ?? '').matchAll(/change to (\w+)/g)].map((m) => m[1]);
  t.same(changes.slice(0, 4), ['CONNECTING', 'READY', 'IDLE', 'CONNECTING'], 'READY, then IDLE when its connection broke, then reconnecting');
  t.ok(changes.includes('TRANSIENT_FAILURE'), 'and failing to: TRANSIENT_FAILURE');
});

/** A sample line's value in a text exposition, or undefined: `name{labels} value`, the labels written out whole. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** `12 OK, 3 UNAVAILABLE` as { OK: 12, UNAVAILABLE: 3 }. */
const statuses = (list: string) => Object.fromEntries(list.split(', ').map((p) => p.split(' ')).map(([n, status]) => [status!, Number(n)]));
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The demo's --metrics summary against its own count of its calls, exact: what the A66 series must say of them. */
function checkMetricsSummary(t: Test, out: string): { made: { Set: number; Get: number }; attempts: number; calls: number } {
  const [, set, get, ok] = (/the demo made (\d+) Set and (\d+) Get calls, (\d+) answered OK\n/.exec(out) ?? []).map(Number);
  t.ok(set! > 0, `the summary says what the demo made: ${set} Set, ${get} Get, ${ok} answered OK`);
  let okCalls = 0;
  let allAttempts = 0;
  let allCalls = 0;
  for (const [method, made] of [['Set', set!], ['Get', get!]] as const) {
    const line = new RegExp(`\\n {2}cache\\.Cache/${method}: (\\d+) calls \\(([^)]*)\\), [\\d.]+ ms each on average; (\\d+) attempts \\(([^)]*)\\)\\n`).exec(out);
    if (made === 0) {
      t.notOk(line, `no ${method} calls made, none counted`);
      continue;
    }
    if (!t.ok(line, `cache.Cache/${method} in the summary`)) continue;
    const calls = Number(line![1]);
    const callStatuses = statuses(line![2]!);
    const attempts = Number(line![3]);
    const attemptStatuses = statuses(line![4]!);
    t.equal(calls, made, `grpc_client_call_duration_seconds_count: the ${made} ${method} calls the demo made`);
    t.same(callStatuses, { OK: made }, `every ${method} call OK (failed calls: 0)`);
    t.equal(sum(attemptStatuses), attempts, 'grpc_client_attempt_started_total: each attempt ended with a status (attempt_duration_count)');
    t.equal(attemptStatuses.OK, calls, 'one OK attempt per OK call; the others failed and were retried');
    t.comment(`${method}: ${attempts - calls} attempts beyond the calls (${line![4]})`);
    okCalls += callStatuses.OK!;
    allAttempts += attempts;
    allCalls += calls;
  }
  t.equal(okCalls, ok, 'the OK calls counted are the answers the demo got');
  const victim = /SIGKILL (s\d) \(([\d.:]+)\)/.exec(out)!;
  t.match(out, `\n  ${victim[1]} ${victim[2]}: gone with its process (SIGKILL), the client's `, 'the killed server\'s metrics died with it');
  const servers = [...out.matchAll(/\n {2}(s\d) [\d.:]+: (\d+), the client's (\d+)(?=\n)/g)];
  t.equal(servers.length, 3, 'three servers alive at the end, each scraped');
  for (const [, name, own, clients] of servers) t.equal(Number(own), Number(clients), `${name}: grpc_server_call_duration_seconds_count{grpc_status="OK"} == the answers the client got from it`);
  t.equal(servers.reduce((n, [, , own]) => n + Number(own), 0) + Number(/: gone with its process \(SIGKILL\), the client's (\d+)/.exec(out)?.[1]), ok, 'the answers, server by server, add up');
  return { made: { Set: set!, Get: get! }, attempts: allAttempts, calls: allCalls };
}

t.test('the cluster demo with --metrics PORT: the A66 series scraped while it runs, its summary exact at the end', async (t) => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/cache/cluster.ts', '--static', '--seconds', '3', '--metrics', String(port), '--channelz'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  // SIGINT: the demo kills its cache servers before it goes
  t.teardown(() => child.exitCode === null && child.signalCode === null && child.kill('SIGINT'));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let scraped: Promise<{ status: number; type: string | null; text: string }> | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    out += `${line}\n`;
    // after the SIGKILL and s4's start, while the loops still run
    if (/^\d+\.\d s: started s4/.test(line)) {
      scraped = fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(30_000) }).then(async (res) => ({ status: res.status, type: res.headers.get('content-type'), text: await res.text() }));
    }
  });
  const guard = setTimeout(() => child.kill('SIGINT'), 150_000); // only a hang's bound: a run takes 5-15 s
  const status = await exited;
  clearTimeout(guard);
  t.comment(out);
  t.equal(status, 0, err);
  t.match(out, `\nclient metrics on http://127.0.0.1:${port}/metrics\n`, 'the port asked for');
  t.match(out, /\n {2}s\d metrics on http:\/\/127\.0\.0\.1:\d+\/metrics\n/, 'each server\'s own, printed');
  if (!t.ok(scraped, 'scraped while it ran')) return;
  const mid = await scraped!;
  t.equal(mid.status, 200);
  t.equal(mid.type, 'text/plain; version=0.0.4; charset=utf-8');
  const target = /\nclient: (\S+), round_robin/.exec(out)![1]!;
  const labels = (status?: string) => `{grpc_method="cache.Cache/Set",grpc_target="${target}"${status ? `,grpc_status="${status}"` : ''}}`;
  const started = sample(mid.text, `grpc_client_attempt_started_total${labels()}`);
  const attemptsOk = sample(mid.text, `grpc_client_attempt_duration_seconds_count${labels('OK')}`);
  const callsOk = sample(mid.text, `grpc_client_call_duration_seconds_count${labels('OK')}`);
  t.ok(started! > 0 && attemptsOk! > 0 && callsOk! > 0, `mid-run: ${started} attempts started, ${attemptsOk} OK, ${callsOk} calls OK`);
  t.equal(sample(mid.text, `grpc_client_call_duration_seconds_bucket${labels('OK').replace('}', ',le="+Inf"}')}`), callsOk, 'the +Inf bucket holds every call');
  t.ok(attemptsOk! - callsOk! >= 0 && attemptsOk! - callsOk! <= 4, `mid-run: OK attempts ${attemptsOk}, OK calls ${callsOk} (a call ends just after its attempt)`);
  const endedAttempts = [...mid.text.matchAll(/^grpc_client_attempt_duration_seconds_count\{grpc_method="cache\.Cache\/Set",[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  // the 4 loops each have at most one attempt in flight as the scrape collects
  t.ok(endedAttempts <= started! && started! - endedAttempts <= 4, `attempts started ${started}, ended ${endedAttempts}: the rest in flight`);
  t.notOk(/^grpc_server_/m.test(mid.text), 'the client\'s endpoint: client series only');

  const end = checkMetricsSummary(t, out);
  t.ok(end.attempts >= started! && end.calls >= callsOk!, 'the end counts what the mid-run scrape counted, and more');
  t.equal(end.made.Get, 0, 'static: each server its own memory, Sets only');
  t.equal(end.made.Set, Number(/calls per server \((\d+) answered/.exec(out)?.[1]), 'every Set answered');
  t.match(out, `\n  grpc_target: ${target}\n`);
  // two observers of one run: A66's failed attempts are the attempts channelz saw fail on a subchannel
  const failedOnSubchannels = [...out.matchAll(/\n {4}subchannel \d+ \S+ \(s\d\) \w+, calls \d+ started, \d+ ok, (\d+) failed\n/g)].reduce((n, m) => n + Number(m[1]), 0);
  t.equal(end.attempts - end.calls, failedOnSubchannels, `non-OK attempts (A66) == attempts failed on subchannels (channelz): ${failedOnSubchannels}`);
  // gRFC A94, which the demo enables: s1-s3 connected at the start and s4 once it listened, each once; only the
  // SIGKILLed server's connection ended; s4's refusals before it listened and s2's after it died are failed attempts
  const connections = /\n {2}connections \(gRFC A94\): (\d+) attempts succeeded, (\d+) failed; (\d+) open; disconnections: (\d+) ([a-zA-Z_ ]+)\n/.exec(out);
  if (t.ok(connections, 'the A94 line')) {
    t.same([connections![1], connections![3], connections![4]].map(Number), [4, 3, 1], '4 attempts succeeded, 3 open, 1 disconnection');
    t.ok(Number(connections![2]) >= 2, `failed attempts: ${connections![2]} (at least s4's first and s2's first after the SIGKILL), the disconnection's reason: ${connections![5]}`);
  }
});

t.test('the cluster demo and cache server refuse a bad --metrics', async (t) => {
  const demo = await tsx('examples/cache/cluster.ts', '--static', '--metrics', 'x');
  t.equal(demo.status, 2);
  t.match(demo.stderr, '--metrics takes a port from 0 to 65535, not "x"');
  const server = await tsx('examples/cache/server.ts', '--port', '0', '--metrics', '70000');
  t.equal(server.status, 2);
  t.match(server.stderr, '--metrics takes a port from 0 to 65535, not "70000"');
});
