// The cache service (the tutorial's first exercise): Get/Set/Delete/Scan/Watch over an in-memory store, or Redis
// with --redis; with --etcd it registers itself for discovery (the second exercise).
//   npx tsx examples/cache/server.ts [--port N] [--redis redis://127.0.0.1:6379] [--etcd http://127.0.0.1:2379]
//                                    [--service cache] [--ttl 10] [--metrics PORT]
// --metrics PORT serves the server's gRFC A66 metrics as Prometheus text on http://HOST:PORT/metrics (0: a free
// port, printed before `listening on`), as examples/pi-server.ts does.
import { EtcdClient, Registrar } from '../../src/discovery/index.js';
import { openTelemetry, Server } from '../../src/grpc/index.js';
import { parseMetricsPort, servePrometheus } from '../prometheus-metrics.js';
import { die, listenOrExplain } from '../run.js';
import { type CacheBackend, MemoryBackend } from './backend.js';
import { cacheHandlers, cacheService } from './cache-service.js';
import { RedisBackend } from './redis-backend.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const USAGE = 'usage: server.ts [--port N] [--host 127.0.0.1] [--redis URL] [--etcd URL[,URL…]] [--service NAME] [--ttl SECONDS] [--metrics PORT]';

function flags(argv: string[]) {
  const values: Record<string, string> = { port: process.env.PORT ?? '50051', host: '127.0.0.1', service: 'cache', ttl: '10' };
  if (process.env.REDIS_URL) values.redis = process.env.REDIS_URL;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    const name = flag!.replace(/^--/, '');
    if (!flag!.startsWith('--') || !['port', 'host', 'redis', 'etcd', 'service', 'ttl', 'metrics'].includes(name)) die(`unknown argument ${argv[i]}\n${USAGE}`, 2);
    const value = inline ?? argv[++i];
    if (value === undefined) die(`${flag} needs a value\n${USAGE}`, 2);
    values[name] = value;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port!) || port > 65535) die(`--port takes a number from 0 to 65535, not "${values.port}"`, 2);
  const ttl = Number(values.ttl);
  if (!/^\d+$/.test(values.ttl!) || ttl < 1) die(`--ttl takes a whole number of seconds >= 1, not "${values.ttl}"`, 2);
  if (values.redis && !/^rediss?:\/\//.test(values.redis)) die(`--redis takes a URL like redis://127.0.0.1:6379, not "${values.redis}"`, 2);
  const metrics = parseMetricsPort(values.metrics);
  return { port, host: values.host!, redis: values.redis, etcd: values.etcd, service: values.service!, ttl, metrics };
}

const options = flags(process.argv.slice(2));
let backend: CacheBackend;
if (options.redis) {
  const redis = new RedisBackend(options.redis);
  if (!(await redis.connect())) console.log(`Redis at ${options.redis} is not answering yet: calls get UNAVAILABLE until it does`);
  backend = redis;
} else {
  backend = new MemoryBackend();
}

const metrics = options.metrics === undefined ? undefined : await servePrometheus(options.metrics, options.host).catch((err: Error) => die(`cannot serve metrics on ${options.host}:${options.metrics}: ${err.message}`));
if (metrics) console.log(`metrics on http://${options.host}:${metrics.port}/metrics`);
const telemetry = metrics && (await openTelemetry({ meterProvider: metrics.meterProvider }));
const server = new Server({ health: true, reflection: true, telemetry });
server.addService(cacheService, cacheHandlers(backend, () => server.address));
await listenOrExplain(server, options.port, options.host);
console.log(`listening on ${server.address}`);
console.log(`backend: ${backend.name}`);

let etcd: EtcdClient | undefined;
let registrar: Registrar | undefined;
if (options.etcd) {
  etcd = new EtcdClient(options.etcd);
  // new Registrar starts registering at once; `await register(...)` would also wait until it is registered
  registrar = new Registrar({ etcd, service: options.service, address: server.address, ttl: options.ttl });
  registrar.on('registered', (lease: string) => console.log(`registered in etcd as ${registrar!.key} (lease ${lease}, ttl ${options.ttl} s)`));
  registrar.on('lost', (err: Error) => console.log(`etcd registration lost (${err.message}); registering again`));
}

// graceful: leave etcd first (no new clients find us), then NOT_SERVING + GOAWAY, calls in flight finish
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`${signal}: ${registrar ? 'leaving etcd, ' : ''}shutting down`);
  await registrar?.close();
  etcd?.close();
  await server.shutdown({ graceMs: 5000 });
  await backend.close();
  await metrics?.close();
  console.log('bye');
};
process.on('SIGINT', (s) => void stop(s));
process.on('SIGTERM', (s) => void stop(s));
