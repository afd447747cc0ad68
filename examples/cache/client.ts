// A client of the cache service: set, get, scan and delete a few keys, and show the errors.
//   npx tsx examples/cache/client.ts [--target 127.0.0.1:50051 | etcd:///cache --etcd http://127.0.0.1:2379]
import { EtcdClient, etcdResolver } from '../../src/discovery/index.js';
import { createClient, StatusError } from '../../src/grpc/index.js';
import { die } from '../run.js';
import { cacheService } from './cache-service.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1] ?? die(`--${name} needs a value`, 2);
};
const target = flag('target') ?? '127.0.0.1:50051';
const etcdUrl = flag('etcd');
if (target.startsWith('etcd:') && !etcdUrl) die('an etcd:/// target needs --etcd http://127.0.0.1:2379', 2);
const etcd = etcdUrl ? new EtcdClient(etcdUrl) : undefined;
const client = createClient<'Get' | 'Set' | 'Delete' | 'Scan'>(target, cacheService, {
  resolvers: etcd ? { etcd: etcdResolver(etcd) } : undefined,
  serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] },
});

try {
  await client.Set({ key: 'greeting', value: Buffer.from('hello, world') });
  await client.Set({ key: 'session:1', value: Buffer.from('alice'), ttl_seconds: 60 });
  await client.Set({ key: 'session:2', value: Buffer.from('bob'), ttl_seconds: 60 });
  console.log('Get greeting ->', (await client.Get({ key: 'greeting' })).value.toString());
  for await (const { key, value } of client.Scan({ prefix: 'session:' })) console.log('Scan session: ->', key, '=', value.toString());
  await client.Delete({ key: 'greeting' });
  await client.Get({ key: 'greeting' }).catch((err: StatusError) => console.log('Get greeting after Delete ->', err.codeName, err.details));
  await client.Set({ key: '', value: Buffer.from('x') }).catch((err: StatusError) => console.log('Set with an empty key ->', err.codeName, err.details));
  await client.Set({ key: 'k', value: Buffer.from('x'), ttl_seconds: -1 }).catch((err: StatusError) => console.log('Set with a negative TTL ->', err.codeName, err.details));
} catch (err) {
  if (err instanceof StatusError) die(`${target}: ${err.codeName} ${err.details}${/connect/.test(err.details) ? '\nstart the server with: npx tsx examples/cache/server.ts' : ''}`);
  throw err;
} finally {
  client.close();
  etcd?.close();
}
