// The tutorial's thread-pool client (multithread_client.py): the same 999 Calc calls, with several in flight at
// once on one HTTP/2 connection, timed against the sequential run.
//   npx tsx examples/pi-server.ts --sleep 10        # a server that sleeps 10 ms in each call, as the tutorial does
//   npx tsx examples/pi-concurrent-client.ts [--concurrency 8] [--port 8080] [--quiet]
import { createClient } from '../src/grpc/index.js';
import { exampleArgs, PI_PROTO, piService, tracing } from './pi-service.js';
import { explainFailures, PI_SERVER } from './run.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const { port, host, rest } = exampleArgs();
explainFailures(`${host}:${port}`, PI_SERVER);
const at = rest.indexOf('--concurrency');
const concurrency = at >= 0 ? Number(rest[at + 1]) : 8;
const quiet = rest.includes('--quiet');
const client = createClient(`${host}:${port}`, piService, { observer: tracing('client', [piService], [PI_PROTO]) });

async function sequential(): Promise<number[]> {
  const values: number[] = [];
  for (let i = 1; i < 1000; i++) values.push((await client.Calc({ n: i })).value);
  return values;
}

/** A pool of `concurrency` workers taking the next n from a shared counter, like the tutorial's ThreadPoolExecutor. */
async function concurrent(): Promise<number[]> {
  const values: number[] = new Array(999);
  let next = 1;
  const worker = async () => {
    while (next < 1000) {
      const i = next++;
      values[i - 1] = (await client.Calc({ n: i })).value;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return values;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await f();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

await client.Calc({ n: 1 }); // connect first, so neither run pays for it
const [seq, seqMs] = await timed(sequential);
const [par, parMs] = await timed(concurrent);
if (!quiet) par.forEach((v, i) => console.log(i + 1, Number(v.toPrecision(12))));
const same = seq.every((v, i) => v === par[i]);
console.log(`sequential: 999 calls in ${seqMs.toFixed(0)} ms`);
console.log(`concurrent (${concurrency} in flight): 999 calls in ${parMs.toFixed(0)} ms`);
console.log(`speed-up: ${(seqMs / parMs).toFixed(1)}x; results identical: ${same}`);
client.close();
