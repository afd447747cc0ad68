// A pi server in its own process for the benchmarks: `tsx bench/pi-server-process.ts ours|grpc-js`.
// Prints "port N" once listening; on "count" from stdin prints how many calls ended OK.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createInterface } from 'node:readline';
import { Server } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';

const kind = process.argv[2];
let ok = 0;
let port: number;
if (kind === 'ours') {
  const server = new Server();
  server.addService(piService, {
    Calc: ({ n }: { n: number }) => {
      ok++;
      return { value: pi(n) };
    },
  });
  port = await server.listen(0, '127.0.0.1');
} else {
  const def = protoLoader.loadSync(PI_PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = grpc.loadPackageDefinition(def) as any;
  const server = new grpc.Server();
  server.addService(pkg.pi.PiCalculator.service, {
    Calc: (call: grpc.ServerUnaryCall<{ n: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      ok++;
      cb(null, { value: pi(call.request.n) });
    },
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
}
console.log(`port ${port}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'count') console.log(`count ${ok}`);
});
