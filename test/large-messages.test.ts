// Messages of any allowed size, every kind of call, both directions: 1 KiB, 1 MiB + 1 (above the 1 MiB stream
// window), 4 MiB - 5 (just under the default limit), limit + 1 (RESOURCE_EXHAUSTED) and 16 MiB with the limits
// raised; our client and server against each other, against grpc-js both ways, and Python grpcio both ways.
import * as grpc from '@grpc/grpc-js';
import t, { type Test } from 'tap';
import { Server } from '../src/grpc/index.js';
import { bodyFor, duplexRequest, LARGE_CASE_NAMES, LARGE_SIZES, runLargeCases, unaryRequest } from '../examples/interop/large-cases.js';
import { INTEROP_PROTO, testHandlers, testService } from '../examples/interop/service.js';
import { grpcJsInterop, startGrpcJsInteropServer } from './interop/grpc-js-server.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv, DEBIAN_PYTHON, pythonInteropDir, run } from './peers.js';

const MiB = 1 << 20;
const RAISED = 32 * MiB;

async function ourServer(t: Test, maxReceiveMessageLength?: number) {
  const server = new Server({ maxReceiveMessageLength });
  server.addService(testService, testHandlers);
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return port;
}

function expectNoFailures(t: Test, failures: Record<string, string>, names: string[]) {
  for (const name of names) t.notOk(failures[name], `${name}${failures[name] ? `: ${failures[name]}` : ''}`);
}

t.test('our client -> our server', async (t) => {
  const port = await ourServer(t);
  expectNoFailures(t, await runLargeCases(`127.0.0.1:${port}`), LARGE_CASE_NAMES);
});

t.test('our client -> our server, 16 MiB messages with the limits raised', async (t) => {
  const port = await ourServer(t, RAISED);
  expectNoFailures(t, await runLargeCases(`127.0.0.1:${port}`, [16 * MiB], RAISED), LARGE_CASE_NAMES);
});

t.test('our client -> grpc-js server', async (t) => {
  const { port, server } = await startGrpcJsInteropServer();
  t.teardown(() => server.forceShutdown());
  expectNoFailures(t, await runLargeCases(`127.0.0.1:${port}`), LARGE_CASE_NAMES);
});

t.test('our client -> grpc-js server, 16 MiB', async (t) => {
  const { port, server } = await startGrpcJsInteropServer({ 'grpc.max_receive_message_length': RAISED, 'grpc.max_send_message_length': RAISED });
  t.teardown(() => server.forceShutdown());
  expectNoFailures(t, await runLargeCases(`127.0.0.1:${port}`, [16 * MiB], RAISED), LARGE_CASE_NAMES);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** The same cases driven by the grpc-js client. */
async function grpcJsCases(t: Test, port: number, sizes: number[], limit: number) {
  const client: Any = new grpcJsInterop.TestService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': limit,
    'grpc.max_send_message_length': limit,
  });
  t.teardown(() => client.close());
  const zeros = (n: number) => ({ body: Buffer.alloc(n) });
  const unary = (request: Any) => new Promise<Any>((resolve, reject) => client.UnaryCall(request, (e: Error | null, r: Any) => (e ? reject(e) : resolve(r))));
  for (const size of sizes) {
    const response = await unary(unaryRequest(size));
    t.equal(response.payload.body.length, bodyFor(size), `unary: a response message of ${size} octets`);
  }
  const streamed: number[] = await new Promise((resolve, reject) => {
    const got: number[] = [];
    const call = client.StreamingOutputCall({ response_parameters: sizes.map((s) => ({ size: bodyFor(s) })) });
    call.on('data', (m: Any) => got.push(m.payload.body.length));
    call.on('error', reject);
    call.on('end', () => resolve(got));
  });
  t.same(streamed, sizes.map((s) => bodyFor(s)), 'server streaming');
  const aggregated = await new Promise<Any>((resolve, reject) => {
    const call = client.StreamingInputCall((e: Error | null, r: Any) => (e ? reject(e) : resolve(r)));
    for (const s of sizes) call.write({ payload: zeros(bodyFor(s)) });
    call.end();
  });
  t.equal(Number(aggregated.aggregated_payload_size), sizes.reduce((a, s) => a + bodyFor(s), 0), 'client streaming');
  const echoed: number[] = await new Promise((resolve, reject) => {
    const got: number[] = [];
    const call = client.FullDuplexCall();
    call.on('data', (m: Any) => got.push(m.payload.body.length));
    call.on('error', reject);
    call.on('end', () => resolve(got));
    for (const s of sizes) call.write(duplexRequest(s));
    call.end();
  });
  t.same(echoed, sizes.map((s) => bodyFor(s)), 'bidi');
  const over = await unary({ response_size: bodyFor(limit + 1) }).then(() => undefined, (e: grpc.ServiceError) => e);
  t.equal(over?.code, grpc.status.RESOURCE_EXHAUSTED, 'a response of limit + 1 octets: RESOURCE_EXHAUSTED at grpc-js');
  const overRequest = await unary({ response_size: 1, payload: zeros(bodyFor(limit + 1, 2)) }).then(() => undefined, (e: grpc.ServiceError) => e);
  t.equal(overRequest?.code, grpc.status.RESOURCE_EXHAUSTED, 'a request of limit + 1 octets: RESOURCE_EXHAUSTED from our server');
}

t.test('grpc-js client -> our server', async (t) => {
  await grpcJsCases(t, await ourServer(t), LARGE_SIZES, 4 * MiB);
});

t.test('grpc-js client -> our server, 16 MiB', async (t) => {
  await grpcJsCases(t, await ourServer(t, RAISED), [16 * MiB], RAISED);
});

t.test('Python grpcio client -> our server', async (t) => {
  const dir = await pythonInteropDir(t, 'large_client.py', 'Python grpcio large messages', INTEROP_PROTO);
  if (!dir) return;
  for (const [limit, sizes] of [[4 * MiB, LARGE_SIZES], [RAISED, [16 * MiB]]] as const) {
    const port = await ourServer(t, limit);
    const result = await run(DEBIAN_PYTHON, ['large_client.py', String(port), String(limit), ...sizes.map(String)], { cwd: dir, timeout: 120_000 });
    t.equal(result.status, 0, result.stderr.slice(0, 2000));
    const lines = result.stdout.trim().split('\n');
    t.equal(lines.length, 5, `all 5 cases ran (limit ${limit})`);
    for (const line of lines) t.match(line, /: passed$/, `${line} (limit ${limit})`);
  }
});

t.test('our client -> Python grpcio server', async (t) => {
  const dir = await pythonInteropDir(t, 'large_server.py', 'Python grpcio large messages', INTEROP_PROTO);
  if (!dir) return;
  for (const [limit, sizes] of [[4 * MiB, LARGE_SIZES], [RAISED, [16 * MiB]]] as const) {
    const server = spawn(DEBIAN_PYTHON, ['large_server.py', String(limit)], { cwd: dir, env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    t.teardown(() => server.kill('SIGKILL'));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the Python server exited (${code})`)));
      createInterface({ input: server.stdout }).on('line', (l) => l.startsWith('port ') && resolve(Number(l.slice(5))));
    });
    const failures = await runLargeCases(`127.0.0.1:${port}`, [...sizes], limit);
    for (const name of LARGE_CASE_NAMES) t.notOk(failures[name], `${name} (limit ${limit})${failures[name] ? `: ${failures[name]}` : ''}`);
    server.kill('SIGKILL');
  }
});
