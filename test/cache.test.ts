// The tutorial's first exercise: the cache service, one test table run on both backends (memory, and real Redis
// from Debian's redis-server), and Redis stopped and started again under the service.
import t, { type Test } from 'tap';
import { type ClientCall, createClient, Server, Status } from '../src/grpc/index.js';
import { type CacheBackend, MemoryBackend } from '../examples/cache/backend.js';
import { cacheHandlers, cacheService, SERVED_BY } from '../examples/cache/cache-service.js';
import { installed, type LocalService, startRedis } from '../examples/cache/local-services.js';
import { RedisBackend } from '../examples/cache/redis-backend.js';
import { havePeer } from './peers.js';

type CacheClient = ReturnType<typeof cacheClient>;
const cacheClient = (address: string) => createClient<'Get' | 'Set' | 'Delete' | 'Scan' | 'Watch'>(address, cacheService);

async function serve(t: Test, backend: CacheBackend): Promise<CacheClient> {
  const server = new Server({ health: true, reflection: true });
  server.addService(cacheService, cacheHandlers(backend, () => server.address));
  await server.listen(0);
  const client = cacheClient(server.address);
  t.teardown(async () => {
    client.close();
    server.forceShutdown();
    await backend.close();
  });
  return client;
}

const value = (s: string) => Buffer.from(s);

async function table(t: Test, client: CacheClient, address: () => string) {
  const run = `${Date.now()}:`; // keys of this run only (a Redis may be shared)
  t.same(await client.Set({ key: `${run}a`, value: value('1') }), {}, 'Set');
  const got = await client.unary('Get', { key: `${run}a` });
  t.same((got.message as { value: Buffer }).value, value('1'), 'Get returns what was Set');
  t.equal(got.headers.get(SERVED_BY), address(), 'the response names the server');
  await client.Set({ key: `${run}a`, value: value('2') });
  t.same((await client.Get({ key: `${run}a` })).value, value('2'), 'Set again replaces');
  const empty = await client.Set({ key: `${run}empty`, value: Buffer.alloc(0) }).then(() => client.Get({ key: `${run}empty` }));
  t.same(empty.value, Buffer.alloc(0), 'an empty value is a value');
  const big = Buffer.alloc(1024 * 1024, 7);
  await client.Set({ key: `${run}big`, value: big });
  t.ok((await client.Get({ key: `${run}big` })).value.equals(big), '1 MiB value round trip');
  await t.rejects(client.Get({ key: `${run}missing` }), { code: Status.NOT_FOUND, details: `no key "${run}missing"` }, 'missing key: NOT_FOUND');
  await t.rejects(client.Get({ key: '' }), { code: Status.INVALID_ARGUMENT, details: 'key is empty' });
  await t.rejects(client.Set({ key: '', value: value('x') }), { code: Status.INVALID_ARGUMENT, details: 'key is empty' });
  await t.rejects(client.Set({ key: `${run}n`, value: value('x'), ttl_seconds: -1 }), { code: Status.INVALID_ARGUMENT, details: 'ttl_seconds is negative (-1)' });
  await client.Set({ key: `${run}ttl`, value: value('soon gone'), ttl_seconds: 1 });
  t.same((await client.Get({ key: `${run}ttl` })).value, value('soon gone'), 'there before its TTL');
  await client.Set({ key: `${run}zero`, value: value('kept'), ttl_seconds: 0 });
  await client.Delete({ key: `${run}a` });
  await t.rejects(client.Get({ key: `${run}a` }), { code: Status.NOT_FOUND }, 'deleted');
  await t.rejects(client.Delete({ key: `${run}a` }), { code: Status.NOT_FOUND }, 'deleting a missing key: NOT_FOUND');
  for (const k of ['s:1', 's:2', 's:3', 'sx', 's*[?']) await client.Set({ key: `${run}${k}`, value: value(k) });
  const scanned: string[] = [];
  for await (const e of client.Scan({ prefix: `${run}s:` }) as ClientCall<{ key: string; value: Buffer }>) scanned.push(`${e.key.slice(run.length)}=${e.value}`);
  t.same(scanned.sort(), ['s:1=s:1', 's:2=s:2', 's:3=s:3'], 'Scan: exactly the keys with the prefix');
  const glob: string[] = [];
  for await (const e of client.Scan({ prefix: `${run}s*[` }) as ClientCall<{ key: string }>) glob.push(e.key.slice(run.length));
  t.same(glob, ['s*[?'], 'a prefix with glob characters is taken literally');
  // Watch: the changes under a prefix, as they happen
  const watch = client.Watch({ prefix: `${run}w:` }) as ClientCall<{ kind: string; key: string; value: Buffer }>;
  await watch.headers; // the backend's subscription is in place
  await client.Set({ key: `${run}w:1`, value: value('one') });
  await client.Set({ key: `${run}other`, value: value('not watched') });
  await client.Delete({ key: `${run}w:1` });
  await client.Set({ key: `${run}w:2`, value: value('two'), ttl_seconds: 1 });
  const changes: string[] = [];
  for await (const c of watch) {
    changes.push(`${c.kind} ${c.key.slice(run.length)} ${c.value}`);
    if (changes.length === 4) break;
  }
  t.same(changes, ['SET w:1 one', 'DELETE w:1 ', 'SET w:2 two', 'EXPIRE w:2 '], 'Watch: set, delete, set, expire');
  await t.rejects(client.Get({ key: `${run}ttl` }), { code: Status.NOT_FOUND }, 'expired after its TTL');
  t.same((await client.Get({ key: `${run}zero` })).value, value('kept'), 'TTL 0: no expiry');
}

t.test('memory backend', async (t) => {
  const server = new Server();
  const backend = new MemoryBackend(3);
  const client = await serve(t, new MemoryBackend());
  await table(t, client, () => client.channel.target);
  // the key limit: RESOURCE_EXHAUSTED naming it
  server.addService(cacheService, cacheHandlers(backend, () => server.address));
  await server.listen(0);
  const small = cacheClient(server.address);
  t.teardown(() => (small.close(), server.forceShutdown()));
  for (const k of ['a', 'b', 'c']) await small.Set({ key: k, value: value(k) });
  await small.Set({ key: 'a', value: value('again') });
  await t.rejects(small.Set({ key: 'd', value: value('d') }), { code: Status.RESOURCE_EXHAUSTED, details: 'the cache holds its maximum of 3 keys' });
});

t.test('Redis backend (redis-server)', async (t) => {
  if (!havePeer(t, installed('redis-server'), 'Redis', 'Debian package redis-server')) return;
  const redis: LocalService = await startRedis();
  t.teardown(() => redis.close());
  const backend = new RedisBackend(redis.url);
  t.ok(await backend.connect(), 'connected');
  const client = await serve(t, backend);
  await table(t, client, () => client.channel.target);

  // Redis goes away: UNAVAILABLE, naming it; back: serving again by itself, nothing acknowledged lost
  await client.Set({ key: 'kept', value: value('acknowledged before the stop') });
  await redis.stop('SIGKILL');
  await t.rejects(client.Get({ key: 'kept' }), { code: Status.UNAVAILABLE, details: new RegExp(`Redis at ${redis.url} is unavailable`) }, 'Redis down: UNAVAILABLE');
  await t.rejects(client.Set({ key: 'lost', value: value('x') }), { code: Status.UNAVAILABLE }, 'a Set while down is refused, not queued');
  await redis.restart();
  let back = -1;
  const started = Date.now();
  while (Date.now() - started < 60_000) { // only against a hang: it takes well under a second
    try {
      back = (await client.Get({ key: 'kept' })).value.toString() === 'acknowledged before the stop' ? Date.now() - started : -1;
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  t.ok(back >= 0, `serving again ${back} ms after Redis restarted, the acknowledged key intact (append-only file, fsync always)`);
  await t.rejects(client.Get({ key: 'lost' }), { code: Status.NOT_FOUND }, 'the refused Set did not happen');
});
