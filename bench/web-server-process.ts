// A pi server (pi.PiCalculator, examples/pi.proto) in its own process for the suite's gRPC-Web and Connect rows:
// `node --import tsx bench/web-server-process.ts ours|connect-node-h1|connect-node-h2`. Ours runs from the compiled
// package (bench/h2grpc.ts) and speaks all protocols over HTTP/2 and HTTP/1.1 on its one port; connect-node is
// connectNodeAdapter on node:http (HTTP/1.1) or on node:http2's h2c server (HTTP/2), as its documentation sets it up.
// Prints "port N"; on "count" prints {"ok": calls answered}; on "quit" exits.
import { connectNodeAdapter } from '@connectrpc/connect-node';
import http from 'node:http';
import http2 from 'node:http2';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadService, Server } from './h2grpc.js';

const PI_PROTO = fileURLToPath(new URL('../examples/pi.proto', import.meta.url));
const kind = process.argv[2];
const counter = { ok: 0 };
/** The pi service's work: pi from the first n terms (examples/pi-service.ts). */
function calc(n: number): { value: number } {
  let s = 0;
  for (let i = 0; i < n; i++) s += 1 / (2 * i + 1) / (2 * i + 1);
  counter.ok++;
  return { value: Math.sqrt(8 * s) };
}

let port: number;
if (kind === 'ours') {
  const server = new Server();
  server.addService(loadService(PI_PROTO, 'pi.PiCalculator'), { Calc: ({ n }: { n: number }) => calc(n) });
  port = await server.listen(0, '127.0.0.1');
} else if (kind === 'connect-node-h1' || kind === 'connect-node-h2') {
  // connect-es takes the service's descriptor from a registry; ours builds one from the .proto (src/codegen)
  const { descriptorsOfRoots, registryOf } = await import('../src/codegen/index.js');
  const { loadProto } = await import('../src/grpc/index.js');
  const PiCalculator = registryOf(descriptorsOfRoots([loadProto([PI_PROTO])])).getService('pi.PiCalculator')!;
  const handler = connectNodeAdapter({ routes: (router) => router.service(PiCalculator, { calc: (request: { n: number }) => calc(request.n) } as never) });
  const server = kind === 'connect-node-h1' ? http.createServer(handler) : http2.createServer(handler);
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
} else {
  throw new Error(`usage: web-server-process.ts ours|connect-node-h1|connect-node-h2, not ${kind}`);
}
console.log(`port ${port}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'count') console.log(JSON.stringify({ ok: counter.ok }));
  else if (line === 'quit') process.exit(0);
});
