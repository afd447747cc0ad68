// npm start: the tutorial's first program in one process: the pi server on a free loopback port, and the
// sequential client calling Calc for n = 1 … 999 over our own HTTP/2, then catching INVALID_ARGUMENT.
import { createClient, Server, StatusError } from '../src/grpc/index.js';
import { calcHandler, piService } from './pi-service.js';

const server = new Server();
server.addService(piService, { Calc: calcHandler() });
const port = await server.listen(0, '127.0.0.1');
console.log(`pi server listening on 127.0.0.1:${port}; the client calls Calc 999 times over one HTTP/2 connection\n`);

const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
const started = process.hrtime.bigint();
for (let i = 1; i < 1000; i++) {
  const { value } = await client.Calc({ n: i });
  console.log(`pi(${i}) = ${Number(value.toPrecision(12))}`);
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
try {
  await client.Calc({ n: 0 });
} catch (err) {
  if (!(err instanceof StatusError)) throw err;
  console.log(`pi(0) failed: ${err.codeName} (code ${err.code}) ${err.details}`);
}
console.log(`\n999 calls in ${ms.toFixed(0)} ms. Run the server and client apart: npx tsx examples/pi-server.ts, npx tsx examples/pi-client.ts`);
client.close();
await server.shutdown();
