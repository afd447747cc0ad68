// TLS with ALPN h2, both ways with grpc-js, with a certificate made for the test; on a server that is HTTP/2 only,
// a client that does not negotiate h2 is refused in words.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import t from 'tap';
import { createClient, Server, Status } from '../src/grpc/index.js';
import { calcHandler, pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { commandWorks, havePeer, H2GRPC_CLI, run } from './peers.js';
import { certificate } from './tls-certificate.js';

t.test('TLS with ALPN h2', async (t) => {
  if (!havePeer(t, commandWorks('openssl', ['version']), 'TLS tests (a certificate is made with openssl)', 'Debian package openssl')) return;
  const { key, cert, dir } = certificate();
  const pkg = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi; // eslint-disable-line @typescript-eslint/no-explicit-any

  // HTTP/2 only: ALPN offers h2 alone (with HTTP/1.1 on, the default, test/server-http1.test.ts)
  const server = new Server({ tls: { key, cert }, http1: false });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());

  // grpc-js over TLS -> our server
  const jsClient = new pkg.PiCalculator(`localhost:${port}`, grpc.credentials.createSsl(cert));
  t.teardown(() => jsClient.close());
  const value = await new Promise<number>((resolve, reject) => jsClient.Calc({ n: 10 }, (e: Error | null, r: { value: number }) => (e ? reject(e) : resolve(r.value))));
  t.equal(value, pi(10), 'grpc-js calls our TLS server');

  // our client over TLS -> our server, and -> a grpc-js TLS server
  const ours = createClient<'Calc'>(`localhost:${port}`, piService, { tls: { ca: cert } });
  t.teardown(() => ours.close());
  t.equal((await ours.Calc({ n: 20 })).value, pi(20), 'our client calls our TLS server');
  const jsServer = new grpc.Server();
  jsServer.addService(pkg.PiCalculator.service, { Calc: (call: any, cb: any) => cb(null, { value: pi(call.request.n) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  const jsPort = await new Promise<number>((resolve, reject) => jsServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => jsServer.forceShutdown());
  const toJs = createClient<'Calc'>(`localhost:${jsPort}`, piService, { tls: { ca: cert } });
  t.teardown(() => toJs.close());
  t.equal((await toJs.Calc({ n: 30 })).value, pi(30), 'our client calls a grpc-js TLS server');

  // the CLI over TLS (its default, as grpcurl's)
  const certFile = join(dir, 'cert.pem');
  const cli = await run(process.execPath, [...H2GRPC_CLI, 'call', `localhost:${port}`, 'pi.PiCalculator/Calc', '--cacert', certFile, '--proto', PI_PROTO, '-d', '{"n": 3}']);
  t.same(JSON.parse(cli.stdout || '{}'), { value: pi(3) }, `npx h2grpc call over TLS ${cli.stderr}`);

  // a certificate we do not trust
  const untrusting = createClient<'Calc'>(`localhost:${port}`, piService, { tls: {} });
  t.teardown(() => untrusting.close());
  await t.rejects(untrusting.Calc({ n: 1 }), { code: Status.UNAVAILABLE, details: /certificate/ }, 'an untrusted certificate is UNAVAILABLE with the reason');

  // a client that does not negotiate h2
  const text = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
    let got = '';
    socket.on('data', (d) => (got += d));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
  t.match(text, /^HTTP\/1\.1 426 Upgrade Required/, 'a TLS client without ALPN gets HTTP 426');
  t.match(text, /negotiated with TLS ALPN "h2"/, 'and the reason in words');
  const refused = await new Promise<string>((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    socket.on('secureConnect', () => resolve(`connected with ${socket.alpnProtocol}`));
    socket.on('error', (e) => resolve(e.message));
  });
  t.match(refused, /no application protocol|ALPN/i, 'a client offering only http/1.1 fails the handshake');
});
