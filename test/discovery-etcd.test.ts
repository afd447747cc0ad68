// Service discovery against real etcd (Debian etcd-server): our etcd client used directly (with etcdctl as the
// other side), the registrar and the etcd:/// resolver, lease expiry after SIGKILL, etcd restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import t, { type Test } from 'tap';
import { EtcdClient, endpointEntry, etcdResolver, register, type WatchEvent } from '../src/discovery/index.js';
import { createClient, type ServiceConfig } from '../src/grpc/index.js';
import { installed, type LocalService, startEtcd } from '../examples/cache/local-services.js';
import { cacheService, SERVED_BY } from '../examples/cache/cache-service.js';
import { tally, whoServer, whoService } from './balancing-helpers.js';
import { childEnv, havePeer, run } from './peers.js';

const roundRobin: ServiceConfig = { loadBalancingConfig: [{ round_robin: {} }] };
// the bound only guards against a hang
const until = async (what: string, check: () => boolean | Promise<boolean>, timeout = 60_000): Promise<number> => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeout) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
};

let etcd: LocalService | undefined;
t.before(async () => {
  if (installed('etcd') && installed('etcdctl')) etcd = await startEtcd();
});
t.teardown(() => etcd?.close());
const etcdctl = (...args: string[]) => run('etcdctl', ['--endpoints', etcd!.url, ...args]);
function needEtcd(t: Test): boolean {
  return havePeer(t, etcd !== undefined, 'etcd', 'Debian packages etcd-server and etcd-client');
}

t.test('our etcd client against etcd, with etcdctl on the other side', async (t) => {
  if (!needEtcd(t)) return;
  const client = new EtcdClient(etcd!.url);
  t.teardown(() => client.close());
  const events: WatchEvent[] = [];
  // from revision 1: the watch sees every change however late its stream opens (a fresh etcd has none before)
  const watcher = client.watch('direct/', { prefix: true, startRevision: 1 }, (batch) => events.push(...batch));
  const revision = await client.put('direct/a', 'from h2grpc');
  t.ok(revision > 0, `Put: revision ${revision}`);
  const got = await etcdctl('get', 'direct/a', '--print-value-only');
  t.equal(got.stdout.trim(), 'from h2grpc', 'etcdctl reads what we put');
  t.equal((await etcdctl('put', 'direct/b', 'from etcdctl')).status, 0);
  const range = await client.range('direct/', { prefix: true });
  t.same(range.kvs.map((kv) => `${kv.key}=${kv.value}`), ['direct/a=from h2grpc', 'direct/b=from etcdctl'], 'Range with a prefix reads both');
  t.equal(await client.get('direct/nothing'), undefined);
  t.same((await client.range('direct/a')).kvs.map((kv) => kv.key), ['direct/a'], 'Range of one key: that key only, not the keys after it');
  t.equal(await client.delete('direct/a'), 1, 'DeleteRange of one key deletes that key only');
  t.equal((await client.get('direct/b'))?.toString(), 'from etcdctl', 'the key after it is still there');
  await until('the watch saw three changes', () => events.length >= 3);
  t.same(events.map((e) => `${e.type} ${e.key} ${e.value}`), ['PUT direct/a from h2grpc', 'PUT direct/b from etcdctl', 'DELETE direct/a '], 'Watch: every change, in order');
  watcher.cancel();
  await watcher.ended;
  const lease = await client.grant(2);
  t.equal(lease.ttl, 2, `LeaseGrant: lease ${lease.id}`);
  await client.put('direct/leased', 'x', { lease: lease.id });
  const keeper = client.keepAlive(lease.id, lease.ttl);
  await new Promise((r) => setTimeout(r, 2600)); // past the TTL: time itself is what is waited for
  t.equal((await client.get('direct/leased'))?.toString(), 'x', 'kept alive past its TTL');
  keeper.stop();
  const gone = await until('the lease expired', async () => (await client.get('direct/leased')) === undefined);
  t.pass(`without keep-alives the key went ${gone} ms later (TTL 2 s)`);
  const second = await client.grant(30);
  await client.put('direct/revoked', 'x', { lease: second.id });
  await client.revoke(second.id);
  t.equal(await client.get('direct/revoked'), undefined, 'LeaseRevoke deletes its keys at once');
  t.throws(() => new EtcdClient('ftp://x'), /etcd endpoint "ftp:\/\/x" is not http:\/\/host:port/);
});

t.test('registrar and etcd:/// resolver: round_robin over registered servers, live changes', async (t) => {
  if (!needEtcd(t)) return;
  const etcdClient = new EtcdClient(etcd!.url);
  t.teardown(() => etcdClient.close());
  const servers = [await whoServer(t, 'a'), await whoServer(t, 'b')];
  // awaiting register() means registered: the keys are in etcd at once
  const registrars = await Promise.all(servers.map((s) => register({ etcd: etcdClient, service: 'who', address: s.address, ttl: 5 })));
  t.teardown(() => Promise.all(registrars.map((r) => r.close())));
  const listed = await etcdctl('get', '--prefix', 'who/');
  t.equal(listed.stdout, servers.map((s) => s.address).sort().map((a) => `who/${a}\n${JSON.stringify({ Addr: a })}\n`).join(''), 'etcd naming layout: who/<addr> = {"Addr":"<addr>"}');
  t.same(endpointEntry('who', '127.0.0.1:1'), { key: 'who/127.0.0.1:1', value: '{"Addr":"127.0.0.1:1"}' });

  const client = createClient<'Name'>('etcd:///who', whoService, { serviceConfig: roundRobin, resolvers: { etcd: etcdResolver(etcdClient) } });
  t.teardown(() => client.close());
  t.equal(client.channel.authority, 'who');
  await client.Name({});
  await until('both subchannels READY', () => client.channel.subchannels.filter((s) => s.state === 'READY').length === 2);
  const names: string[] = [];
  for (let i = 0; i < 20; i++) names.push((await client.Name({})).name);
  t.same(tally(names), { a: 10, b: 10 }, 'both registered servers share the calls');

  // a key added by hand (as a Go service using etcd's naming package would) is picked up
  const c = await whoServer(t, 'c');
  await etcdctl('put', `who/${c.address}`, JSON.stringify({ Op: 0, Addr: c.address, Metadata: null }));
  const pickedUp = await until('c gets a call', async () => (await client.Name({})).name === 'c');
  t.pass(`etcdctl put: the new server got calls after ${pickedUp} ms`);
  await etcdctl('put', 'who/garbage', 'not json');
  t.equal((await client.Name({})).name.length, 1, 'an entry that is not an endpoint is skipped');

  // graceful leave: the key goes at once, the server stops getting calls
  await registrars[0]!.close();
  t.equal((await etcdctl('get', `who/${servers[0]!.address}`)).stdout, '', 'close() revoked the lease: the key is gone');
  await until('a is out of the list', () => !client.channel.subchannels.some((s) => s.address === servers[0]!.address));
  const after: string[] = [];
  for (let i = 0; i < 20; i++) after.push((await client.Name({})).name);
  t.equal(tally(after).a, undefined, 'a gets no calls after leaving');
  await etcdctl('del', '--prefix', 'who/');
});

/** examples/cache/server.ts registered in etcd, as a child process we can SIGKILL. */
async function cacheServer(t: Test, ttl: number): Promise<{ child: ChildProcess; address: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/cache/server.ts', '--port', '0', '--etcd', etcd!.url, '--service', 'kill-test', '--ttl', String(ttl)], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await until('the cache server registered', () => /registered in etcd/.test(out));
  return { child, address: /listening on (\S+)/.exec(out)![1]!, output: () => out };
}

t.test('a SIGKILLed server leaves etcd within its lease TTL; etcd restarted', async (t) => {
  if (!needEtcd(t)) return;
  const etcdClient = new EtcdClient(etcd!.url);
  t.teardown(() => etcdClient.close());
  const [one, two] = [await cacheServer(t, 2), await cacheServer(t, 2)];
  const client = createClient<'Get' | 'Set'>('etcd:///kill-test', cacheService, { serviceConfig: roundRobin, resolvers: { etcd: etcdResolver(etcdClient) } });
  t.teardown(() => client.close());
  await client.Set({ key: 'k', value: Buffer.from('v') }, { waitForReady: true, timeout: 30_000 });
  const registered = (await etcdClient.range(`kill-test/${one!.address}`)).kvs[0];
  const granted = await etcdctl('lease', 'timetolive', BigInt(registered!.lease).toString(16));
  t.match(granted.stdout, /granted with TTL\(2s\)/, 'registered under a lease of its --ttl (2 s): it expires by itself');
  one!.child.kill('SIGKILL');
  const killedAt = Date.now();
  await until('the dead server key expired', async () => (await etcdClient.range(`kill-test/${one!.address}`)).kvs.length === 0).catch(async (err) => {
    const kv = (await etcdClient.range(`kill-test/${one!.address}`)).kvs[0];
    const lease = kv ? await etcdctl('lease', 'timetolive', BigInt(kv.lease).toString(16)) : undefined;
    const other = (await etcdClient.range(`kill-test/${two!.address}`)).kvs[0];
    t.comment(`one: ${one!.output()} two: ${two!.output()} other lease ${other?.lease}`);
    t.comment(`key ${JSON.stringify(kv)} lease ${lease?.stdout} ${lease?.stderr} killed=${one!.child.killed} signal=${one!.child.signalCode}`);
    throw err;
  });
  const gone = Date.now() - killedAt;
  t.pass(`its key went ${gone} ms after SIGKILL (TTL 2 s)`);
  await until('the resolver dropped it', () => client.channel.subchannels.every((s) => s.address !== one!.address));
  const served = await client.unary('Set', { key: 'k2', value: Buffer.from('v') });
  t.equal(served.headers.get(SERVED_BY), two!.address, 'the survivor serves');

  // etcd restarted: the resolver keeps its list meanwhile; the registrar registers again once etcd is back
  await etcd!.stop('SIGKILL');
  t.equal((await client.unary('Set', { key: 'k3', value: Buffer.from('v') })).headers.get(SERVED_BY), two!.address, 'etcd down: calls still go to the last known server');
  await etcd!.restart();
  const back = await until('the registration is back', async () => (await etcdClient.range(`kill-test/${two!.address}`).catch(() => ({ kvs: [] }))).kvs.length === 1);
  t.pass(`after etcd restarted, the server's key is there (${back} ms)`);
  const three = await cacheServer(t, 2);
  await until('the resolver watches again: a new server is found', () => client.channel.subchannels.some((s) => s.address === three.address));
  t.pass('a server registered after the restart is found');
  two!.child.kill('SIGTERM');
  await until('SIGTERM: the server revoked its lease', async () => (await etcdClient.range(`kill-test/${two!.address}`)).kvs.length === 0)
    .catch((err) => (t.comment(two!.output()), Promise.reject(err)));
  t.pass('a gracefully stopped server removes its key at once');
});
