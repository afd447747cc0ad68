// The tutorial's second exercise: service discovery for the cache. etcd and Redis (started here on loopback
// ports with temporary data dirs, unless --etcd / --redis name running ones), three cache servers sharing the
// Redis, each registering itself in etcd; a client on etcd:///cache spreading calls with round_robin. Mid-traffic
// one server is killed with SIGKILL and a fourth one starts. Without etcd installed (or with --static) the same runs
// on a static ipv4: list over in-memory servers, and says so.
// --channelz: the client counts into a channelz registry (gRFC A14), served on a port for `npx h2grpc channelz
// --plaintext ADDRESS --watch` in another terminal, and at the end prints each subchannel's trace: the killed
// server's goes READY → IDLE → CONNECTING → TRANSIENT_FAILURE (or is deleted when etcd drops it).
// --metrics PORT: the client records gRFC A66 metrics and A94 connection metrics (OpenTelemetry SDK), served as Prometheus text on
// http://127.0.0.1:PORT/metrics while it runs (0: a free port); each server serves its own on a port it prints. At
// the end the demo reads them back: calls and attempts by status (the retries the SIGKILL caused), connections and
// why they ended, and each surviving server's own count of OK calls beside the client's.
//   npx tsx examples/cache/cluster.ts [--etcd URL] [--redis URL] [--static] [--seconds 6] [--channelz] [--metrics PORT]
import { type ChildProcess, spawn } from 'node:child_process';
import { EtcdClient, etcdResolver } from '../../src/discovery/index.js';
import { type ChannelNode, ChannelzRegistry, createClient, openTelemetry, Server, type ServiceConfig, type StatusError } from '../../src/grpc/index.js';
import { parseMetricsPort, parsePrometheusText, type Sample, servePrometheus } from '../prometheus-metrics.js';
import { die } from '../run.js';
import { cacheService, SERVED_BY } from './cache-service.js';
import { freePort, installed, type LocalService, startEtcd, startRedis } from './local-services.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1] ?? die(`--${name} needs a value`, 2);
};
const seconds = Number(flag('seconds') ?? '6');
if (!(seconds >= 2 && seconds <= 600)) die('--seconds takes a number from 2 to 600', 2);
const forceStatic = argv.includes('--static');
const metricsPort = parseMetricsPort(flag('metrics'));

const started: LocalService[] = [];
const children = new Map<string, ChildProcess>();
const cleanup = async () => {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const service of started) await service.close();
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

// etcd and Redis: given, started here, or (without them installed) the static, in-memory variant
let etcdUrl = flag('etcd');
let redisUrl = flag('redis');
const useEtcd = !forceStatic && (etcdUrl !== undefined || installed('etcd'));
if (useEtcd && !etcdUrl) {
  const etcd = await startEtcd();
  started.push(etcd);
  etcdUrl = etcd.url;
}
if (!forceStatic && !redisUrl && installed('redis-server')) {
  const redis = await startRedis();
  started.push(redis);
  redisUrl = redis.url;
}
console.log(useEtcd ? `discovery: etcd at ${etcdUrl}${started.some((s) => s.url === etcdUrl) ? ' (started here)' : ''}` : `discovery: none, a static ipv4: list${forceStatic ? ' (--static)' : ' (etcd is not installed: apt-get install etcd-server)'}`);
console.log(redisUrl ? `storage: one Redis shared by the servers, ${redisUrl}` : `storage: each server its own memory, so the client only Sets${forceStatic ? ' (--static)' : ' (Redis is not installed: apt-get install redis-server)'}`);

const metrics = metricsPort === undefined ? undefined : await servePrometheus(metricsPort).catch((err: Error) => die(`cannot serve metrics on 127.0.0.1:${metricsPort}: ${err.message}`));
const clientMetricsUrl = metrics && `http://127.0.0.1:${metrics.port}/metrics`;

/** Starts examples/cache/server.ts; resolves with its address once it listens (and, with etcd, is registered). */
async function startServer(name: string, port = 0): Promise<string> {
  const args = ['--import', 'tsx', new URL('./server.ts', import.meta.url).pathname, '--port', String(port), '--ttl', '3'];
  if (redisUrl) args.push('--redis', redisUrl);
  if (useEtcd) args.push('--etcd', etcdUrl!);
  if (metrics) args.push('--metrics', '0');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const ready = useEtcd ? /registered in etcd/ : /listening on/;
  const deadline = Date.now() + 20_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) die(`cache server ${name} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const address = /listening on (\S+)/.exec(out)![1]!;
  children.set(address, child);
  names.set(address, name);
  const serverMetrics = /metrics on (\S+)/.exec(out)?.[1];
  if (serverMetrics) metricsUrls.set(address, serverMetrics);
  return address;
}

const names = new Map<string, string>();
const metricsUrls = new Map<string, string>(); // each server's own /metrics, with --metrics
const CONNECTION_METRICS = ['grpc.subchannel.connection_attempts_succeeded', 'grpc.subchannel.connection_attempts_failed', 'grpc.subchannel.open_connections', 'grpc.subchannel.disconnections'];
const first = [await startServer('s1'), await startServer('s2'), await startServer('s3')];
// the static list names the fourth server's address before it exists: its subchannel waits in backoff until then
const fourthPort = useEtcd ? 0 : await freePort();
console.log(`servers: ${first.map((a) => `${names.get(a)} ${a}`).join(', ')}`);
for (const a of first) if (metricsUrls.has(a)) console.log(`  ${names.get(a)} metrics on ${metricsUrls.get(a)}`);

const config: ServiceConfig = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [{ name: [{ service: 'cache.Cache' }], retryPolicy: { maxAttempts: 5, initialBackoff: '0.05s', maxBackoff: '0.5s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] } }],
};
const etcd = useEtcd ? new EtcdClient(etcdUrl!) : undefined;
const channelz = argv.includes('--channelz') ? new ChannelzRegistry({ maxTraceEvents: 1000 }) : undefined;
const channelzServer = channelz && new Server({ channelz });
if (channelzServer) console.log(`channelz: npx h2grpc channelz --plaintext 127.0.0.1:${await channelzServer.listen(0)} --watch`);
const target = useEtcd ? 'etcd:///cache' : `ipv4:${[...first, `127.0.0.1:${fourthPort}`].join(',')}`;
const client = createClient<'Get' | 'Set'>(target, cacheService, {
  serviceConfig: config,
  resolvers: etcd ? { etcd: etcdResolver(etcd) } : undefined,
  backoff: { initialBackoff: 100, maxBackoff: 500 },
  channelz,
  // gRFC A79: besides A66's per-call instruments, the experimental ones of the subchannels' connections (A94)
  telemetry: metrics && (await openTelemetry({ meterProvider: metrics.meterProvider, enableMetrics: CONNECTION_METRICS, optionalLabels: ['grpc.disconnect_error'] })),
});
console.log(`client: ${target}, round_robin, retries on UNAVAILABLE (up to 5 attempts)`);
if (clientMetricsUrl) console.log(`client metrics on ${clientMetricsUrl}`);

// traffic: 4 loops of Set then Get, each call's server counted from its response header
const served: Array<{ at: number; by: string }> = [];
const failures: string[] = [];
const acknowledged: string[] = [];
const made = { Set: 0, Get: 0 }; // every call the client made, what its metrics must count
let running = true;
const loop = async (id: number) => {
  for (let i = 0; running; i++) {
    const key = `demo:${id}:${i}`;
    try {
      made.Set++;
      const set = await client.unary('Set', { key, value: Buffer.from(`value ${i}`) }, { timeout: 5000 });
      served.push({ at: Date.now(), by: String(set.headers.get(SERVED_BY)) });
      acknowledged.push(key);
      if (!redisUrl) continue; // each server has its own memory: a Get may reach one that never saw the Set
      made.Get++;
      const get = await client.unary('Get', { key }, { timeout: 5000 });
      served.push({ at: Date.now(), by: String(get.headers.get(SERVED_BY)) });
    } catch (err) {
      failures.push(`${(err as StatusError).codeName ?? ''} ${(err as Error).message}`);
    }
  }
};
const t0 = Date.now();
const loops = [0, 1, 2, 3].map(loop);
const phase = (seconds * 1000) / 3;
await new Promise((r) => setTimeout(r, phase));

const victim = first[1]!;
children.get(victim)!.kill('SIGKILL');
const killedAt = Date.now();
console.log(`${((killedAt - t0) / 1000).toFixed(1)} s: SIGKILL ${names.get(victim)} (${victim})`);
await new Promise((r) => setTimeout(r, phase / 2));
const fourthStart = Date.now();
const fourth = await startServer('s4', fourthPort);
console.log(`${((fourthStart - t0) / 1000).toFixed(1)} s: started s4 (${fourth})${useEtcd ? ', registered in etcd' : ', already in the static list'}`);
if (metricsUrls.has(fourth)) console.log(`  s4 metrics on ${metricsUrls.get(fourth)}`);
await new Promise((r) => setTimeout(r, phase * 1.5));
running = false;
await Promise.all(loops);

// what happened
const counts = new Map<string, number>();
for (const s of served) counts.set(s.by, (counts.get(s.by) ?? 0) + 1);
console.log(`\ncalls per server (${served.length} answered in ${((Date.now() - t0) / 1000).toFixed(1)} s):`);
for (const address of [...first, fourth]) console.log(`  ${names.get(address)} ${address}: ${counts.get(address) ?? 0}${address === victim ? ' (killed)' : ''}`);
console.log(`failed calls: ${failures.length}${failures.length ? ` (${[...new Set(failures)].slice(0, 3).join('; ')})` : ''}`);
const lastToVictim = Math.max(...served.filter((s) => s.by === victim).map((s) => s.at));
console.log(`the killed server's last answer: ${Math.max(0, lastToVictim - killedAt)} ms after SIGKILL (calls in flight on it were retried elsewhere)`);
const firstToFourth = served.find((s) => s.by === fourth && s.at >= fourthStart)?.at;
console.log(firstToFourth ? `s4's first call: ${firstToFourth - fourthStart} ms after it was started` : 's4 got no calls');
if (redisUrl) {
  let found = 0;
  for (const key of acknowledged) {
    made.Get++;
    const get = await client.unary('Get', { key }).catch(() => undefined);
    if (!get) continue;
    found++;
    served.push({ at: Date.now(), by: String(get.headers.get(SERVED_BY)) }); // counted beside the servers' metrics
  }
  console.log(`acknowledged Sets: ${acknowledged.length}, readable afterwards: ${found}`);
}
if (clientMetricsUrl) await printMetrics(clientMetricsUrl);
if (channelz) printChannelz(channelz);
client.close();
etcd?.close();
channelzServer?.forceShutdown();
await metrics?.close();
await cleanup();
process.exit(failures.length === 0 && firstToFourth ? 0 : 1);

/** The A66 series read back as a scraper reads them: the client's calls and attempts by status, then each server's. */
async function printMetrics(url: string): Promise<void> {
  const scrape = async (from: string) => parsePrometheusText(await (await fetch(from, { signal: AbortSignal.timeout(10_000) })).text());
  const samples = await scrape(url);
  const byStatus = (name: string, method: string, from: Sample[] = samples) => {
    const counts = new Map<string, number>();
    for (const s of from) if (s.name === name && s.labels.grpc_method === method) counts.set(s.labels.grpc_status!, (counts.get(s.labels.grpc_status!) ?? 0) + s.value);
    return counts;
  };
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
  const list = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1]).map(([status, n]) => `${n} ${status}`).join(', ');
  const ok = served.length;
  console.log(`\nmetrics (gRFC A66), the client's, scraped from ${url}:`);
  console.log(`  the demo made ${made.Set} Set and ${made.Get} Get calls, ${ok} answered OK`);
  for (const method of ['cache.Cache/Set', 'cache.Cache/Get']) {
    const started = samples.filter((s) => s.name === 'grpc_client_attempt_started_total' && s.labels.grpc_method === method).reduce((n, s) => n + s.value, 0);
    if (!started) continue;
    const calls = byStatus('grpc_client_call_duration_seconds_count', method);
    const seconds = total(byStatus('grpc_client_call_duration_seconds_sum', method));
    console.log(`  ${method}: ${total(calls)} calls (${list(calls)}), ${((seconds / total(calls)) * 1000).toFixed(2)} ms each on average; ${started} attempts (${list(byStatus('grpc_client_attempt_duration_seconds_count', method))})`);
  }
  const targets = new Set(samples.filter((s) => s.name === 'grpc_client_attempt_started_total').map((s) => s.labels.grpc_target));
  console.log(`  grpc_target: ${[...targets].join(', ')}`);
  const sum = (name: string) => samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
  const reasons = samples.filter((s) => s.name === 'grpc_subchannel_disconnections_total').map((s) => `${s.value} ${s.labels.grpc_disconnect_error}`);
  console.log(`  connections (gRFC A94): ${sum('grpc_subchannel_connection_attempts_succeeded_total')} attempts succeeded, ${sum('grpc_subchannel_connection_attempts_failed_total')} failed; ${sum('grpc_subchannel_open_connections')} open; disconnections: ${reasons.join(', ') || 'none'}`);
  console.log('OK calls by each server\'s own metrics (grpc_server_call_duration_seconds_count), and by the client:');
  const okCalls = (s: Sample[]) => s.filter((x) => x.name === 'grpc_server_call_duration_seconds_count' && x.labels.grpc_status === 'OK').reduce((n, x) => n + x.value, 0);
  for (const [address, from] of metricsUrls) {
    const own = address === victim ? undefined : okCalls(await scrape(from));
    console.log(`  ${names.get(address)} ${address}: ${own ?? 'gone with its process (SIGKILL)'}, the client's ${served.filter((s) => s.by === address).length}`);
  }
}

/** The client's channel as channelz saw it: its calls, and each subchannel's connectivity changes, time from t0. */
function printChannelz(registry: ChannelzRegistry): void {
  const when = (ms: number) => `${((ms - t0) / 1000).toFixed(2).padStart(6)} s`;
  const calls = (n: ChannelNode) => `calls ${n.calls.callsStarted} started, ${n.calls.callsSucceeded} ok, ${n.calls.callsFailed} failed`;
  console.log('\nchannelz:');
  for (const channel of registry.topChannels(0, 100).items) {
    console.log(`  channel ${channel.id} ${channel.state}, ${calls(channel)}`);
    for (const sub of channel.subchannels.values()) {
      console.log(`    subchannel ${sub.id} ${sub.name} (${names.get(sub.name) ?? '?'}) ${sub.state}, ${calls(sub)}`);
      // reconnecting in backoff repeats IDLE, CONNECTING, TRANSIENT_FAILURE: the repeats are counted, not printed
      if (sub.trace.logged > sub.trace.events.length) console.log(`      (${sub.trace.logged - sub.trace.events.length} earlier events not kept)`);
      const events = sub.trace.events.map((e) => ({ at: e.timestamp, text: e.description.replace(/ \(.*\)$/, '') }));
      const firstFailure = events.findIndex((e) => e.text.endsWith('TRANSIENT_FAILURE'));
      let repeats = 0;
      events.forEach((e, i) => {
        if (firstFailure >= 0 && i - 3 > firstFailure && i < events.length - 3 && e.text === events[i - 3]!.text) return void repeats++;
        if (repeats > 0) console.log(`               … ${repeats} more changes, reconnecting in backoff`);
        repeats = 0;
        console.log(`      ${when(e.at)} ${e.text}`);
      });
    }
    const deleted = channel.trace.events.filter((e) => e.description.endsWith('deleted'));
    for (const e of deleted) console.log(`    ${when(e.timestamp)} ${e.description} (${e.child?.name}, ${names.get(e.child?.name ?? '') ?? '?'})`);
  }
}
