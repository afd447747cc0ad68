// Targets, resolvers, subchannels and load balancing (gRPC naming.md, load-balancing.md, health-checking.md), over
// real local servers: every target kind, pick_first and round_robin, servers stopped, shut down and added.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import {
  Channel, type ConnectivityState, createClient, parseTarget, type ResolverListener, type ServiceConfig, Status, StatusError,
} from '../src/grpc/index.js';
import { builtInResolvers } from '../src/grpc/channel/built-in-resolvers.js';
import { tally, whoServer, whoService } from './balancing-helpers.js';
import { dnsServer } from './dns-server.js';
import { HANG_MS, until } from './wait.js';

const schemes = new Set(Object.keys(builtInResolvers()).concat('etcd'));
const roundRobin: ServiceConfig = { loadBalancingConfig: [{ round_robin: {} }] };
const fastBackoff = { initialBackoff: 50, maxBackoff: 200, jitter: 0 };

t.test('targets are taken apart as gRPC naming.md writes them', async (t) => {
  const rows: Array<[string, string, string, string]> = [
    ['127.0.0.1:50051', 'dns', '', '127.0.0.1:50051'],
    ['localhost:50051', 'dns', '', 'localhost:50051'],
    ['dns:localhost:50051', 'dns', '', 'localhost:50051'],
    ['dns:///localhost:50051', 'dns', '', 'localhost:50051'],
    ['dns://127.0.0.1:53/example.com', 'dns', '127.0.0.1:53', 'example.com'],
    ['ipv4:127.0.0.1:1,127.0.0.1:2', 'ipv4', '', '127.0.0.1:1,127.0.0.1:2'],
    ['ipv6:[::1]:50051', 'ipv6', '', '[::1]:50051'],
    ['unix:sock/s.sock', 'unix', '', 'sock/s.sock'],
    ['unix:///tmp/s.sock', 'unix', '', '/tmp/s.sock'],
    ['etcd:///cache', 'etcd', '', 'cache'],
    ['[::1]:50051', 'dns', '', '[::1]:50051'],
  ];
  for (const [text, scheme, authority, endpoint] of rows) {
    t.same(parseTarget(text, schemes), { scheme, authority, endpoint, text }, text);
  }
  const bad: Array<[string, RegExp]> = [
    ['', /target is empty/],
    ['consul:///cache', /unknown scheme "consul" \(known: dns, ipv4, ipv6, unix\)/],
    ['localhost:0', /port "0" is not a number from 1 to 65535/],
    ['localhost:65536', /port "65536"/],
    ['localhost:http', /port "http"/],
    [':50051', /has no host/],
    ['dns:', /has no host/],
    ['ipv4:', /lists no address/],
    ['ipv4:127.0.0.1:1,::1', /not host:port/],
    ['ipv4:localhost:1', /"localhost" is not an IPv4 address/],
    ['ipv6:127.0.0.1:5', /"127.0.0.1" is not an IPv6 address/],
    ['ipv6:[::1]:99999', /port "99999"/],
    ['unix:', /names no socket path/],
    ['unix://host/tmp/s', /unix targets have no authority/],
    ['dns://127.0.0.1:x/name', /DNS server "127.0.0.1:x": port "x"/],
    ['a:b:c', /is not host:port/],
  ];
  for (const [target, message] of bad) {
    t.throws(() => new Channel(target), { name: 'TypeError', message }, `refused at construction: ${JSON.stringify(target)}`);
  }
  t.equal(new Channel('ipv6:::1').authority, '[::1]:443', 'a bare IPv6 address takes port 443');
  t.equal(new Channel('dns:example.com').authority, 'example.com', 'the authority is the name as written');
  t.equal(new Channel('unix:/tmp/x').authority, 'localhost');
  t.equal(new Channel('ipv4:127.0.0.1:7,127.0.0.1:8', { authority: 'cache.local' }).authority, 'cache.local', 'the authority option wins');
});

t.test('every kind of target reaches its server', async (t) => {
  const a = await whoServer(t, 'a');
  const b = await whoServer(t, 'b');
  const v6 = await whoServer(t, 'v6', { host: '::1' });
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-unix-'));
  const unix = await whoServer(t, 'unix', { port: { path: join(dir, 'who.sock') } });
  t.equal(unix.address, `unix:${join(dir, 'who.sock')}`, 'the server tells its socket as a target');
  t.equal(v6.address, `[::1]:${v6.port}`);
  const rows: Array<[string, string[]]> = [
    [a.address, ['a']],
    [`localhost:${a.port}`, ['a']],
    [`dns:localhost:${a.port}`, ['a']],
    [`dns:///localhost:${a.port}`, ['a']],
    [`ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}`, ['a', 'b']],
    [`ipv6:[::1]:${v6.port}`, ['v6']],
    [`[::1]:${v6.port}`, ['v6']],
    [`unix:${relative(process.cwd(), join(dir, 'who.sock'))}`, ['unix']],
    [`unix://${join(dir, 'who.sock')}`, ['unix']],
  ];
  for (const [target, expected] of rows) {
    const client = createClient<'Name'>(target, whoService, { serviceConfig: roundRobin });
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) names.add((await client.Name({})).name);
    t.same([...names].sort(), expected, `${target} -> ${expected.join(', ')}`);
    client.close();
  }
});

t.test('dns with a DNS server named: every A and AAAA record is a subchannel', async (t) => {
  const v4 = await whoServer(t, 'v4');
  const v6 = await whoServer(t, 'v6', { host: '::1', port: v4.port });
  const server = await dnsServer('who.test', ['127.0.0.1', '::1']);
  t.teardown(() => server.close());
  const client = createClient<'Name'>(`dns://127.0.0.1:${server.port}/who.test:${v4.port}`, whoService, { serviceConfig: roundRobin });
  t.teardown(() => client.close());
  const names: string[] = [];
  for (let i = 0; i < 20; i++) names.push((await client.Name({})).name);
  t.same(tally(names), { v4: 10, v6: 10 }, 'round_robin over the A and the AAAA record');
  t.equal(client.channel.authority, `who.test:${v4.port}`);
  t.ok(server.queries >= 2, `the DNS server was asked (${server.queries} queries)`);
  const unknown = createClient<'Name'>(`dns://127.0.0.1:${server.port}/nowhere.test:1`, whoService);
  await t.rejects(unknown.Name({}), { code: Status.UNAVAILABLE, message: /cannot resolve "nowhere.test"/ }, 'a name without records fails the call');
  unknown.close();
});

t.test('pick_first: one server for every call, the next when it goes', async (t) => {
  const servers = [await whoServer(t, 'a'), await whoServer(t, 'b'), await whoServer(t, 'c')];
  const client = createClient<'Name'>(`ipv4:${servers.map((s) => s.address).join(',')}`, whoService, { backoff: fastBackoff });
  t.teardown(() => client.close());
  t.equal(client.channel.state, 'IDLE', 'IDLE until the first call');
  const names: string[] = [];
  for (let i = 0; i < 30; i++) names.push((await client.Name({})).name);
  t.same(tally(names), { a: 30 }, 'all on the first address');
  t.equal(client.channel.state, 'READY');
  t.same(client.channel.subchannels.map((s) => s.state), ['READY', 'IDLE', 'IDLE'], 'the others are not connected');
  servers[0]!.forceShutdown();
  await client.channel.watchState('READY', 2000);
  const after: string[] = [];
  for (let i = 0; i < 10; i++) after.push((await client.Name({})).name);
  t.same(tally(after), { b: 10 }, 'the first gone, the second takes every call');
});

t.test('round_robin: calls spread evenly over three servers', async (t) => {
  const servers = [await whoServer(t, 'a'), await whoServer(t, 'b'), await whoServer(t, 'c')];
  const client = createClient<'Name'>(`ipv4:${servers.map((s) => s.address).join(',')}`, whoService, { serviceConfig: roundRobin });
  t.teardown(() => client.close());
  await client.Name({});
  await until(() => client.channel.subchannels.every((s) => s.state === 'READY'), 'every subchannel READY');
  const names = await Promise.all(Array.from({ length: 300 }, () => client.Name({}).then((r: { name: string }) => r.name)));
  const counts = tally(names);
  for (const name of ['a', 'b', 'c']) t.ok(counts[name]! >= 90 && counts[name]! <= 110, `${name}: ${counts[name]} of 300 (100 ± 10%)`);
});

/** Calls in a loop (`inFlight` at a time) until `stop()`: the names that answered and the failures. */
function traffic(call: () => Promise<{ name: string }>, inFlight = 4) {
  const names: string[] = [];
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: inFlight }, async () => {
    const started = Date.now();
    while (running && Date.now() - started < 2 * HANG_MS) {
      try {
        names.push((await call()).name);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  return {
    names,
    failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const retryUnavailable: ServiceConfig = {
  ...roundRobin,
  methodConfig: [{ name: [{ service: 'who.Who' }], retryPolicy: { maxAttempts: 5, initialBackoff: '0.01s', maxBackoff: '0.1s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] } }],
};

t.test('a server stopped mid-traffic: retries absorb its calls, the others take the rest', async (t) => {
  const servers = [await whoServer(t, 'a'), await whoServer(t, 'b'), await whoServer(t, 'c')];
  const client = createClient<'Name'>(`ipv4:${servers.map((s) => s.address).join(',')}`, whoService, { serviceConfig: retryUnavailable, backoff: fastBackoff });
  t.teardown(() => client.close());
  const load = traffic(() => client.Name({ delayMs: 2 }));
  await until(() => Object.keys(tally(load.names)).length === 3, 'every server answered');
  servers[1]!.forceShutdown();
  const stoppedAt = load.names.length;
  const lateOnes = () => tally(load.names.slice(stoppedAt + 8));
  await until(() => lateOnes().a! > 10 && lateOnes().c! > 10, 'a and c took calls after the stop');
  await load.stop();
  t.same(load.failures, [], 'no call failed');
  const late = lateOnes();
  t.equal(late.b, undefined, `after the stop, b gets nothing (${JSON.stringify(late)})`);
  t.ok(late.a! > 10 && late.c! > 10, 'a and c share the load');
  t.equal(client.channel.state, 'READY');
});

t.test('a server shut down gracefully: zero failed calls, no retry policy needed', async (t) => {
  const servers = [await whoServer(t, 'a', { health: true }), await whoServer(t, 'b', { health: true }), await whoServer(t, 'c', { health: true })];
  const client = createClient<'Name'>(`ipv4:${servers.map((s) => s.address).join(',')}`, whoService, { serviceConfig: roundRobin });
  t.teardown(() => client.close());
  const load = traffic(() => client.Name({ delayMs: 5 }), 6);
  await until(() => load.names.length > 30, 'calls before the shutdown');
  const stoppedAt = load.names.length;
  await servers[2]!.shutdown({ graceMs: 5000 });
  const shutAt = load.names.length;
  await until(() => load.names.length > shutAt + 30, 'calls after the shutdown');
  await load.stop();
  t.same(load.failures, [], 'no call failed');
  t.ok(stoppedAt > 30, `calls ran before (${stoppedAt})`);
  t.equal(tally(load.names.slice(shutAt)).c, undefined, 'after its shutdown, c answers nothing');
});

t.test('a server added by the resolver gets calls; one removed gets none', async (t) => {
  const a = await whoServer(t, 'a');
  const b = await whoServer(t, 'b');
  let listener: ResolverListener | undefined;
  const client = createClient<'Name'>('static:///who', whoService, {
    serviceConfig: roundRobin,
    resolvers: {
      static: () => ({ authority: 'who', start: (l) => { listener = l; l.onAddresses([{ host: '127.0.0.1', port: a.port }]); }, refresh() {}, close() {} }),
    },
  });
  t.teardown(() => client.close());
  const first: string[] = [];
  for (let i = 0; i < 6; i++) first.push((await client.Name({})).name);
  t.same(tally(first), { a: 6 });
  listener!.onAddresses([{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }]);
  const started = Date.now();
  let firstB = -1;
  while (firstB < 0 && Date.now() - started < HANG_MS) if ((await client.Name({})).name === 'b') firstB = Date.now() - started;
  t.ok(firstB >= 0, `the new server answered after ${firstB} ms`);
  listener!.onAddresses([{ host: '127.0.0.1', port: b.port }]);
  const last: string[] = [];
  for (let i = 0; i < 6; i++) last.push((await client.Name({})).name);
  t.same(tally(last), { b: 6 }, 'the removed one gets nothing');
  t.same(client.channel.subchannels.map((s) => s.address), [b.address]);
});

t.test('health-checked round_robin skips a NOT_SERVING server and returns to it', async (t) => {
  const servers = [await whoServer(t, 'a', { health: true }), await whoServer(t, 'b', { health: true }), await whoServer(t, 'c', { health: true })];
  const config: ServiceConfig = { ...roundRobin, healthCheckConfig: { serviceName: 'who.Who' } };
  const client = createClient<'Name'>(`ipv4:${servers.map((s) => s.address).join(',')}`, whoService, { serviceConfig: config });
  t.teardown(() => client.close());
  await client.Name({});
  await until(() => client.channel.subchannels.every((s) => s.state === 'READY'), 'every subchannel READY');
  servers[1]!.health.set('who.Who', 'NOT_SERVING');
  await until(() => client.channel.subchannels[1]!.state !== 'READY', 'b leaves READY');
  t.equal(client.channel.subchannels[1]!.state, 'TRANSIENT_FAILURE', 'the NOT_SERVING server is out');
  const names: string[] = [];
  for (let i = 0; i < 30; i++) names.push((await client.Name({})).name);
  t.same(tally(names), { a: 15, c: 15 }, 'b gets no calls');
  servers[1]!.health.set('who.Who', 'SERVING');
  await until(() => (client.channel.subchannels[1]!.state as ConnectivityState) === 'READY', 'b READY again');
  const again: string[] = [];
  for (let i = 0; i < 30; i++) again.push((await client.Name({})).name);
  t.same(tally(again), { a: 10, b: 10, c: 10 }, 'back in the rotation');
  // a server without the health service counts as healthy (gRPC: UNIMPLEMENTED disables the check)
  const plain = await whoServer(t, 'plain');
  const other = createClient<'Name'>(plain.address, whoService, { serviceConfig: config });
  t.equal((await other.Name({})).name, 'plain');
  other.close();
});

t.test('channel states; fail fast or wait for ready', async (t) => {
  const probe = await whoServer(t, 'probe');
  const port = probe.port;
  await probe.shutdown();
  const client = createClient<'Name'>(`127.0.0.1:${port}`, whoService, { backoff: { initialBackoff: 100, maxBackoff: 100, jitter: 0 } });
  t.teardown(() => client.close());
  const states: ConnectivityState[] = [];
  client.channel.on('state', (s: ConnectivityState) => states.push(s));
  await t.rejects(client.Name({}), { code: Status.UNAVAILABLE, message: new RegExp(`cannot connect to 127.0.0.1:${port}`) }, 'no server: UNAVAILABLE naming the address');
  t.equal(client.channel.state, 'TRANSIENT_FAILURE');
  await t.rejects(client.Name({}), { code: Status.UNAVAILABLE }, 'during the backoff, calls fail fast');
  let settled = false;
  const waiting = client.Name({}, { waitForReady: true, timeout: 5000 }).finally(() => (settled = true));
  await whoServer(t, 'late', { port });
  t.notOk(settled, 'the waitForReady call is still waiting when the server comes up');
  t.equal((await waiting).name, 'late', 'a waitForReady call waited for the server');
  t.same(states.slice(0, 2), ['CONNECTING', 'TRANSIENT_FAILURE']);
  t.equal(states.at(-1), 'READY');
  client.close();
  t.equal(client.channel.state, 'SHUTDOWN');
  await t.rejects(client.Name({}), new StatusError(Status.UNAVAILABLE, 'the channel is closed'));
});
