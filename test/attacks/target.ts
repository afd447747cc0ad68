// The server under attack, in its own process so its memory is its own: `tsx test/attacks/target.ts ours|grpc-js
// [JSON server options]`. Serves pi.PiCalculator on 127.0.0.1 and prints "port N". On "stats" from stdin it prints
// "stats {rss, heapUsed, cpu, connections}" (memory in octets, CPU in ms, connections open: ours only; "stats gc" collects garbage first); for our server it prints "closed REASON" whenever a
// connection ends with an error, and "error REASON" for each connection or stream error it detects.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createInterface } from 'node:readline';
import { Server, type ServerOptions } from '../../src/grpc/index.js';
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
