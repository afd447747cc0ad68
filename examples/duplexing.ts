// Duplexing, shown: npx tsx examples/duplexing.ts
// The tutorial contrasts HTTP/2 with HTTP/1.1: on one HTTP/2 connection many requests are in flight at once and the
// responses come back in whatever order they are ready, their frames interleaved; HTTP/1.1 answers one request at a
// time, in order, per connection. Here 10 Calc calls whose handlers take different times (call n sleeps
// (11 - n) x 20 ms, so the last one sent is ready first) go three ways: all at once on one HTTP/2 connection, one at
// a time (HTTP/1.1's way on one connection), and one connection per call (HTTP/1.1's way around it).
// docs/walkthrough.md ("Duplexing") shows the interleaved frames.
import { createClient, Server } from '../src/grpc/index.js';
import { PiCalculator } from './gen/pi.js';
import { pi } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

export const CALLS = 10;
export const STEP_MS = 20;
/** How long the handler of call n takes. */
export const delayOf = (n: number) => (CALLS + 1 - n) * STEP_MS;

const server = new Server().addService(PiCalculator, {
  Calc: async ({ n }) => {
    await new Promise((r) => setTimeout(r, delayOf(n)));
    return { value: pi(n) };
  },
});
const port = await server.listen(0, '127.0.0.1');
const address = `127.0.0.1:${port}`;
const ns = Array.from({ length: CALLS }, (_, i) => i + 1);
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

// HTTP/2: every call at once, one connection, one stream each
const client = createClient(address, PiCalculator);
await client.Calc({ n: CALLS }); // connect first, so the timings below are the calls' alone
let started = process.hrtime.bigint();
const arrived: string[] = [];
const sent: string[] = [];
await Promise.all(ns.map((n) => {
  const call = client.call('Calc', [{ n }]);
  sent.push(`n=${n}`);
  return call.unary().then(() => arrived.push(`n=${n} (${ms(started).toFixed(0)} ms)`));
}));
const together = ms(started);
console.log(`HTTP/2, ${CALLS} calls at once on one connection (streams 3, 5, … ${2 * CALLS + 1}):`);
console.log(`  requests left in this order:  ${sent.join(', ')}`);
console.log(`  responses came in this order: ${arrived.join(', ')}`);
console.log(`  all done in ${together.toFixed(0)} ms: the slowest handler's time, not the sum`);

// HTTP/1.1's way on one connection: the next request waits for the previous response
started = process.hrtime.bigint();
for (const n of ns) await client.Calc({ n });
const oneAtATime = ms(started);
console.log(`One at a time (HTTP/1.1 on one connection): ${oneAtATime.toFixed(0)} ms, ${(oneAtATime / together).toFixed(1)}x as long; responses in request order`);
client.close();

// HTTP/1.1's way around it: a connection per request in flight (browsers open six per host)
started = process.hrtime.bigint();
const clients = ns.map(() => createClient(address, PiCalculator));
await Promise.all(ns.map((n, i) => clients[i]!.Calc({ n })));
const perConnection = ms(started);
for (const c of clients) c.close();
console.log(`One connection per call (${CALLS} connections, each with its own handshake): ${perConnection.toFixed(0)} ms`);
await server.shutdown();
