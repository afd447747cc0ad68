// Large unary messages, each way: npm run bench:large  (BENCH_SECONDS=3 per pair by default)
// grpc.testing.TestService/UnaryCall with a request and a response of the same size, 1 MiB + 1 (above the stream
// window) and 4 MiB - 5 (just under the default limit), one call at a time on one connection; our client and
// server, grpc-js's, and the crossed pairs, each server in its own process. MB/s counts both directions.
import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createClient } from '../src/grpc/index.js';
import { testService } from '../examples/interop/service.js';
import { bodyFor, unaryRequest } from '../examples/interop/large-cases.js';
import { grpcJsInterop } from '../test/interop/grpc-js-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const LIMIT = 64 << 20;
const SIZES = [(1 << 20) + 1, (4 << 20) - 5];

async function startServer(kind: 'ours' | 'grpc-js') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/interop-server-process.ts', kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('port ') && resolve(Number(l.slice(5)))));
  return { port, stop: () => child.kill() };
}

type Call = (request: ReturnType<typeof unaryRequest>) => Promise<number>;

function ourClient(port: number): { call: Call; close(): void } {
  const client = createClient<'UnaryCall'>(`127.0.0.1:${port}`, testService, { maxReceiveMessageLength: LIMIT });
  return { call: async (r) => (await client.UnaryCall(r)).payload.body.length, close: () => client.close() };
}

function grpcJsClient(port: number): { call: Call; close(): void } {
  const client = new grpcJsInterop.TestService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': LIMIT, 'grpc.max_send_message_length': LIMIT });
  return {
    call: (r) => new Promise((resolve, reject) => client.UnaryCall(r, (e: Error | null, res: { payload: { body: Buffer } }) => (e ? reject(e) : resolve(res.payload.body.length)))),
    close: () => client.close(),
  };
}

async function measure(client: { call: Call }, size: number): Promise<number> {
  const request = unaryRequest(size);
  for (let i = 0; i < 3; i++) await client.call(request);
  let octets = 0;
  const start = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    if ((await client.call(request)) !== bodyFor(size)) throw new Error('wrong response size');
    octets += 2 * size;
  }
  return octets / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
}

console.log(`Large unary messages, node ${process.version}, ${SECONDS} s per measurement, one call at a time`);
const servers = { ours: await startServer('ours'), 'grpc-js': await startServer('grpc-js') };
try {
  for (const size of SIZES) {
    const rates: Record<string, number> = {};
    for (const [clientName, make] of [['h2grpc', ourClient], ['grpc-js', grpcJsClient]] as const) {
      for (const [serverName, server] of [['h2grpc', servers.ours], ['grpc-js', servers['grpc-js']]] as const) {
        const client = make(server.port);
        rates[`${clientName} -> ${serverName}`] = await measure(client, size);
        client.close();
      }
    }
    for (const [pair, rate] of Object.entries(rates)) console.log(`${size} octets each way, ${pair.padEnd(20)} ${rate.toFixed(0).padStart(5)} MB/s`);
    console.log(`${size} octets: ratio h2grpc/grpc-js (each to its own server) ${(rates['h2grpc -> h2grpc']! / rates['grpc-js -> grpc-js']!).toFixed(2)}x`);
  }
} finally {
  servers.ours.stop();
  servers['grpc-js'].stop();
}
