// Deadlines: npx tsx examples/pi-timeout.ts
// A pi server whose Calc takes n milliseconds, and a client that gives each call 100 ms. The client sends the
// deadline as grpc-timeout; both sides enforce it. Prints each call's outcome, and what the server saw: the
// deadline it was given and whether its handler was told the call ended (call.signal).
import { createClient, Server, type ServerCall, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService, tracing } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const seen: string[] = [];
let allSeen!: () => void;
const everySeen = new Promise<void>((resolve) => (allSeen = resolve));
const server = new Server();
server.addService(piService, {
  Calc: async ({ n }: { n: number }, call: ServerCall) => {
    const budget = call.deadline === undefined ? 'none' : `${call.deadline - Date.now()} ms`;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, n);
      call.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    seen.push(`server: Calc(${n}) had ${budget} left at the start; ${call.cancelled ? `aborted (${(call.signal.reason as StatusError).codeName})` : 'finished'}`);
    if (seen.length === 3) allSeen();
    return { value: pi(n) };
  },
});
const port = await server.listen(0, '127.0.0.1');
const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { observer: tracing('client', [piService], [PI_PROTO]) });

await client.channel.getConnection(); // connected first: each deadline is the call's own
for (const n of [10, 50, 300]) {
  const started = Date.now();
  try {
    const { value } = await client.Calc({ n }, { timeout: 100 });
    console.log(`client: Calc(${n}) with a 100 ms deadline = ${value} after ${Date.now() - started} ms`);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    console.log(`client: Calc(${n}) with a 100 ms deadline failed: ${err.codeName} (${err.details}) after ${Date.now() - started} ms`);
  }
}
await everySeen; // the server's side of the three calls has ended too
for (const line of seen) console.log(line);
client.close();
await server.shutdown();
