// The cache examples as a user runs them: server.ts and client.ts, `h2grpc call` against the server, and the
// cluster demo (real etcd and Redis; and the static ipv4: variant) surviving a SIGKILLed server.
import { spawn } from 'node:child_process';
import t from 'tap';
import { installed } from '../examples/cache/local-services.js';
import { childEnv, H2GRPC_CLI, havePeer, run } from './peers.js';

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
  const r = await tsx('examples/cache/cluster.ts', '--seconds', '6');
  t.comment(r.stdout);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /discovery: etcd at http:\/\/127\.0\.0\.1:\d+ \(started here\)/);
  t.match(r.stdout, /storage: one Redis shared by the servers/);
  t.match(r.stdout, /\n {2}s4 127\.0\.0\.1:\d+: [1-9]\d*\n/, 's4 got calls');
  t.match(r.stdout, '\nfailed calls: 0\n');
  const [, acknowledged, readable] = /acknowledged Sets: (\d+), readable afterwards: (\d+)/.exec(r.stdout) ?? [];
  t.ok(Number(acknowledged) > 50 && acknowledged === readable, `every acknowledged Set is readable (${acknowledged})`);
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
