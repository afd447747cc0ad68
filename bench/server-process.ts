// A Bench server in its own process: `node --expose-gc --import tsx bench/server-process.ts ours|grpc-js|echo|echo-immediate`.
// Prints "port N" once listening. Commands on stdin, one per line, each answered with one JSON line:
//   count  calls answered         mem   heap and RSS after a full GC, and open file descriptors
//   quit   exit (writes the --cpu-prof profile, if any)
// `echo` is the raw node:net echo server the ping-pong scenario is bounded by: every octet straight back;
// `echo-immediate` writes them back one setImmediate later, as our frame writer batches (what that delay costs).
import * as grpc from '@grpc/grpc-js';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Server } from './h2grpc.js';
import { benchService, grpcJsBench, grpcJsHandlers, MESSAGE_LIMIT, ourHandlers } from './bench-service.js';
import { memory } from './memory.js';

const kind = process.argv[2];
const counter = { ok: 0 };
let port: number;
if (kind === 'ours') {
  const server = new Server({ maxReceiveMessageLength: MESSAGE_LIMIT });
  server.addService(benchService(), ourHandlers(counter));
  port = await server.listen(0, '127.0.0.1');
} else if (kind === 'grpc-js') {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MESSAGE_LIMIT, 'grpc.max_send_message_length': MESSAGE_LIMIT });
  server.addService(grpcJsBench().service, grpcJsHandlers(counter));
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
} else if (kind === 'echo' || kind === 'echo-immediate') {
  const later = kind === 'echo-immediate';
  const server = createServer({ noDelay: true }, (socket) => socket.on('data', (d) => (later ? setImmediate(() => socket.write(d)) : socket.write(d))));
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
} else {
  throw new Error(`usage: server-process.ts ours|grpc-js|echo, not ${kind}`);
}

console.log(`port ${port}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'count') console.log(JSON.stringify({ ok: counter.ok }));
  else if (line === 'mem') console.log(JSON.stringify(memory()));
  else if (line === 'quit') process.exit(0);
});
