// The interop suite (../shared/specs/grpc-interop.md), every case in each direction: our client -> our server,
// grpc-js client -> our server, our client -> a grpc-js server, the Python grpcio client -> our server.
import { spawn } from 'node:child_process';
import t, { type Test } from 'tap';
import { Server } from '../src/grpc/index.js';
import { CASE_NAMES, runCases } from '../examples/interop/cases.js';
import { testHandlers, testService } from '../examples/interop/service.js';
import { grpcJsCases } from './interop/grpc-js-client.js';
import { startGrpcJsInteropServer } from './interop/grpc-js-server.js';
import { childEnv, run } from './peers.js';

async function ourServer(t: Test) {
  const server = new Server();
  server.addService(testService, testHandlers);
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

t.test('our client -> our server: every case', async (t) => {
  const address = await ourServer(t);
  const failures = await runCases(address);
  for (const name of CASE_NAMES) t.notOk(failures[name], `${name}${failures[name] ? `: ${failures[name]}` : ''}`);
});

t.test('grpc-js client -> our server: every case', async (t) => {
  const address = await ourServer(t);
  t.same(Object.keys(grpcJsCases).sort(), [...CASE_NAMES].sort(), 'grpc-js runs all the cases');
  for (const [name, run] of Object.entries(grpcJsCases)) {
    const error = await run(address).then(() => '', (e: Error) => e.message);
    t.equal(error, '', name);
  }
});

/** Against grpc-js, whose server can neither compress a response nor tell a compressed request. */
const NOT_EXPRESSIBLE_BY_GRPC_JS_SERVER = ['client_compressed_unary', 'server_compressed_unary', 'client_compressed_streaming', 'server_compressed_streaming'];

t.test('our client -> grpc-js server: every case it can express', async (t) => {
  const { port, server } = await startGrpcJsInteropServer();
  t.teardown(() => server.forceShutdown());
  const names = CASE_NAMES.filter((n) => !NOT_EXPRESSIBLE_BY_GRPC_JS_SERVER.includes(n));
  t.equal(names.length, 14);
  const failures = await runCases(`127.0.0.1:${port}`, names);
  for (const name of names) t.notOk(failures[name], `${name}${failures[name] ? `: ${failures[name]}` : ''}`);
});

t.test('our interop binaries, as separate processes with the standard flags', async (t) => {
  const server = spawn(process.execPath, ['--import', 'tsx', 'examples/interop/server.ts', '--port=0'], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) => server.stdout.on('data', (d: Buffer) => {
    const m = /listening on port (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
  }));
  const client = await run(process.execPath, ['--import', 'tsx', 'examples/interop/client.ts', '--server_host=127.0.0.1', `--server_port=${port}`, '--test_case=all', '--use_tls=false']);
  t.equal(client.status, 0, client.stderr);
  t.match(client.stdout, /^18 passed, 0 failed$/m);
  const large = await run(process.execPath, ['--import', 'tsx', 'examples/interop/client.ts', `--server_port=${port}`, '--test_case=large']);
  t.equal(large.status, 0, large.stdout + large.stderr);
  t.match(large.stdout, /^6 passed, 0 failed$/m, 'the "large" variant: every kind around the windows and the 4 MiB limit');
  const one = await run(process.execPath, ['--import', 'tsx', 'examples/interop/client.ts', `--server_port=${port}`, '--test_case=ping_pong']);
  t.equal(one.stdout.trim().split('\n')[0], 'ping_pong: passed');
});

t.test('the Python grpcio client -> our server: every case, as far as grpcio can express it', async (t) => {
  const { DEBIAN_PYTHON, pythonInteropDir } = await import('./peers.js');
  const { INTEROP_PROTO } = await import('../examples/interop/service.js');
  const dir = await pythonInteropDir(t, 'interop_client.py', 'Python grpcio interop', INTEROP_PROTO);
  if (!dir) return;
  const address = await ourServer(t);
  const result = await run(DEBIAN_PYTHON, ['interop_client.py', address.split(':')[1]!], { cwd: dir });
  t.equal(result.status, 0, result.stderr.slice(0, 2000));
  const lines = result.stdout.trim().split('\n');
  t.equal(lines.length, 18, 'all 18 cases ran');
  for (const line of lines) t.match(line, /: passed$/, line);
});
