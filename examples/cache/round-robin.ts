// round_robin made visible: three in-memory cache servers in this process, one client spreading six calls over
// them, and (with --trace) every frame of every connection. docs/distributed.md shows its output.
//   npx tsx examples/cache/round-robin.ts [--trace=frames|hpack|messages|all]
import { createClient, Server } from '../../src/grpc/index.js';
import { tracing } from '../pi-service.js';
import { MemoryBackend } from './backend.js';
import { cacheHandlers, cacheService, SERVED_BY } from './cache-service.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const servers: Server[] = [];
for (let i = 0; i < 3; i++) {
  const server = new Server();
  server.addService(cacheService, cacheHandlers(new MemoryBackend(), () => server.address));
  await server.listen(0);
  servers.push(server);
}
const target = `ipv4:${servers.map((s) => s.address).join(',')}`;
const client = createClient(target, cacheService, {
  serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] },
  observer: tracing('client', [cacheService]),
});
client.channel.on('state', (state: string) => console.log(`channel: ${state}`));
console.log(`target: ${target}`);
for (let i = 1; i <= 6; i++) {
  const { headers } = await client.unary('Set', { key: `k${i}`, value: Buffer.from(`v${i}`) });
  console.log(`Set k${i} -> served by ${headers.get(SERVED_BY)}`);
}
console.log(`subchannels: ${client.channel.subchannels.map((s) => `${s.address} ${s.state}`).join(', ')}`);
client.close();
await Promise.all(servers.map((s) => s.shutdown()));
