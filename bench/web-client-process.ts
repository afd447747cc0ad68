// The client of the suite's gRPC-Web and Connect rows (bench/web-scenarios.ts), connect-node's transports: the same
// client for every server, so only the server differs. `node --import tsx bench/web-client-process.ts` reads one JSON
// job a line, { protocol: 'connect' | 'grpc-web', http: '1.1' | '2', port, seconds, inFlight }, makes unary pi calls
// (n = 10, proto encoding) in `inFlight` closed loops for the job's seconds after a warm-up, checks every answer, and
// prints { value: calls/s, p50, p99 } (ms). Transports are kept per server, protocol and HTTP version: their
// connections stay warm, so a later job against the same server warms up with fewer calls.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { descriptorsOfRoots, registryOf } from '../src/codegen/index.js';
import { loadProto } from '../src/grpc/index.js';
import { closedLoops, type Outcome } from './scenarios.js';

export interface WebJob { protocol: 'connect' | 'grpc-web'; http: '1.1' | '2'; port: number; seconds: number; inFlight: number }

const PI_PROTO = fileURLToPath(new URL('../examples/pi.proto', import.meta.url));
const PiCalculator = registryOf(descriptorsOfRoots([loadProto([PI_PROTO])])).getService('pi.PiCalculator')!;
/** pi from 10 terms, as the servers compute it (examples/pi-service.ts). */
const PI_10 = Math.sqrt(8 * Array.from({ length: 10 }, (_, i) => 1 / (2 * i + 1) / (2 * i + 1)).reduce((a, b) => a + b, 0));
type Calc = { calc(request: { n: number }): Promise<{ value: number }> };
const clients = new Map<string, Calc>();

function run(job: WebJob): Promise<Outcome> {
  const key = `${job.protocol} ${job.http} ${job.port}`;
  let client = clients.get(key);
  // a new transport warms up with 200 calls; one already used (an earlier row or round) with 20
  const warmups = client ? 20 : 200;
  if (!client) {
    const options = { baseUrl: `http://127.0.0.1:${job.port}`, httpVersion: job.http } as const;
    const transport = job.protocol === 'connect' ? createConnectTransport(options) : createGrpcWebTransport(options);
    client = createClient(PiCalculator, transport) as unknown as Calc;
    clients.set(key, client);
  }
  const calc = client;
  return closedLoops(job.seconds, job.inFlight, async () => {
    const { value } = await calc.calc({ n: 10 });
    if (value !== PI_10) throw new Error(`wrong answer ${value}`);
  }, warmups);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'quit') process.exit(0);
  const job = JSON.parse(line) as WebJob;
  run(job).then(
    (outcome) => console.log(JSON.stringify(outcome)),
    (err: Error) => {
      console.error(`web client, ${line}: ${err.stack ?? err}`);
      process.exit(1);
    },
  );
});
console.log('ready');
