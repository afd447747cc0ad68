// The interop suite over TLS, as the official programs run it: a test CA, a server certificate for *.test.google.fr,
// and clients that trust the CA and override the host name (foo.test.google.fr). Ours and grpc-js, both ways.
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Server } from '../src/grpc/index.js';
import { CASE_NAMES, runCases } from '../examples/interop/cases.js';
import { testHandlers, testService } from '../examples/interop/service.js';
import { makeTestCerts } from '../examples/interop/test-certs.js';
import { grpcJsCases } from './interop/grpc-js-client.js';
import { startGrpcJsInteropServer } from './interop/grpc-js-server.js';
import { childEnv, commandWorks, havePeer, run } from './peers.js';
import { spawn } from 'node:child_process';

const HOST = 'foo.test.google.fr';

t.test('the interop suite over TLS', async (t) => {
  if (!havePeer(t, commandWorks('openssl', ['version']), 'interop over TLS (the test certificates are made with openssl)', 'Debian package openssl')) return;
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-interop-tls-'));
  makeTestCerts(dir);
  const ca = readFileSync(join(dir, 'ca.pem'));
  const cert = readFileSync(join(dir, 'server1.pem'));
  const key = readFileSync(join(dir, 'server1.key'));
  const ourTls = { tls: { ca, servername: HOST } };

  const server = new Server({ tls: { key, cert } });
  server.addService(testService, testHandlers);
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const address = `127.0.0.1:${port}`;

  t.test('our client -> our server', async (t) => {
    const failures = await runCases(address, CASE_NAMES, ourTls);
    for (const name of CASE_NAMES) t.notOk(failures[name], `${name}${failures[name] ? `: ${failures[name]}` : ''}`);
  });

  t.test('grpc-js client -> our server', async (t) => {
    const transport = { credentials: () => grpc.credentials.createSsl(ca), options: { 'grpc.ssl_target_name_override': HOST, 'grpc.default_authority': HOST } };
    for (const [name, run] of Object.entries(grpcJsCases)) {
      const error = await run(address, transport).then(() => '', (e: Error) => e.message);
      t.equal(error, '', name);
    }
  });

  t.test('our client -> grpc-js server', async (t) => {
    const js = await startGrpcJsInteropServer({}, grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]));
    t.teardown(() => js.server.forceShutdown());
    const names = CASE_NAMES.filter((n) => !/compressed/.test(n)); // grpc-js cannot express those (see interop-suite.test.ts)
    const failures = await runCases(`127.0.0.1:${js.port}`, names, ourTls);
    for (const name of names) t.notOk(failures[name], `${name}${failures[name] ? `: ${failures[name]}` : ''}`);
  });

  t.test('the wrong host name is refused', async (t) => {
    const failures = await runCases(address, ['empty_unary'], { tls: { ca, servername: 'foo.example.com' } });
    t.match(failures.empty_unary, /UNAVAILABLE|certificate|altnames/i);
  });

  t.test('our interop programs with the official flags', async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/interop/server.ts', '--port=0', '--use_tls=true',
      `--tls_cert_file=${join(dir, 'server1.pem')}`, `--tls_key_file=${join(dir, 'server1.key')}`], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    t.teardown(() => child.kill('SIGKILL'));
    const childPort = await new Promise<number>((resolve) => child.stdout.on('data', (d: Buffer) => {
      const m = /listening on port (\d+) \(TLS\)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    }));
    const client = await run(process.execPath, ['--import', 'tsx', 'examples/interop/client.ts', '--server_host=127.0.0.1', `--server_port=${childPort}`,
      '--test_case=all', '--use_tls=true', '--use_test_ca=true', `--ca_file=${join(dir, 'ca.pem')}`, `--server_host_override=${HOST}`]);
    t.equal(client.status, 0, client.stdout + client.stderr);
    t.match(client.stdout, /^18 passed, 0 failed$/m);
    const missing = await run(process.execPath, ['--import', 'tsx', 'examples/interop/client.ts', `--server_port=${childPort}`, '--use_tls=true', '--use_test_ca=true', '--ca_file=/nonexistent/ca.pem']);
    t.equal(missing.status, 1);
    t.match(missing.stderr, '/nonexistent/ca.pem does not exist: make the interop test certificates with: npx tsx examples/interop/test-certs.ts');
  });
});
