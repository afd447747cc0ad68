// The server under attack, in its own process so its memory is its own: `tsx test/attacks/target.ts
// ours|grpc-js|connect-node [JSON server options]` (connect-node: connectNodeAdapter on node:http, HTTP/1.1 only,
// node:http's default limits and timeouts). Serves pi.PiCalculator on 127.0.0.1 and prints "port N". On "stats" from stdin it prints
// "stats {rss, heapUsed, cpu, connections}" (memory in octets, CPU in ms, connections open: ours only; "stats gc" collects garbage first); for our server it prints "closed REASON" whenever a
// connection ends with an error, and "error REASON" for each connection or stream error it detects.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { descriptorsOfRoots, registryOf } from '../../src/codegen/index.js';
import { loadProto, Server, type ServerOptions } from '../../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../../examples/pi-service.js';

const kind = process.argv[2];
const options = JSON.parse(process.argv[3] ?? '{}') as ServerOptions;
const say = (line: string) => process.stdout.write(`${line}\n`);
let port: number;
let connections = 0;
if (kind === 'ours') {
  const server = new Server({
    ...options,
    observer: () => (connections++, {
      error: (err: Error) => say(`error ${err.message.replace(/\n/g, ' ')}`),
      closed: (err?: Error) => (connections--, err && say(`closed ${err.message.replace(/\n/g, ' ')}`)),
    }),
  });
  server.addService(piService, { Calc: ({ n }: { n: number }) => ({ value: pi(n) }) });
  port = await server.listen(0, '127.0.0.1');
} else if (kind === 'connect-node') {
  const PiCalculator = registryOf(descriptorsOfRoots([loadProto([PI_PROTO])])).getService('pi.PiCalculator')!;
  const server = http.createServer(connectNodeAdapter({
    routes: (router) => router.service(PiCalculator, { calc: (request: { n: number }) => ({ value: pi(request.n) }) } as never),
  }));
  // no 'clientError' listener: node:http's own answers bad input (400, 413, 431, 408) and closes
  server.on('connection', (socket) => (connections++, socket.once('close', () => connections--)));
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
} else {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as unknown as { pi: { PiCalculator: { service: grpc.ServiceDefinition } } };
  const server = new grpc.Server();
  server.addService(pkg.pi.PiCalculator.service, {
    Calc: (call: grpc.ServerUnaryCall<{ n: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { value: pi(call.request.n) }),
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
}
say(`port ${port}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'stats' && line !== 'stats gc') return;
  if (line === 'stats gc') (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  say(`stats ${JSON.stringify({ rss, heapUsed, cpu: (user + system) / 1000, connections })}`);
});
process.stdin.on('end', () => process.exit(0));
