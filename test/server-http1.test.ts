// HTTP/1.1 on the server's one port: told from HTTP/2 by the first octets (or TLS ALPN), each request routed like an
// HTTP/2 stream (gRPC-Web, Connect, CORS), gRPC itself refused with 505. Checked with curl as a user types it against
// examples/pi-server.ts, and octet by octet over raw sockets: keep-alive, pipelining, a refused smuggling form, a
// peer that says nothing, a peer that leaves mid-call, shutdown, and http1: false.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import { createClient, Server, type ServerCall, type ServerOptions } from '../src/grpc/index.js';
import { calcHandler, pi, piService } from '../examples/pi-service.js';
import { childEnv, commandWorks, freePort, havePeer, run } from './peers.js';
import { certificate } from './tls-certificate.js';
import { signal, until } from './wait.js';

const hasCurl = commandWorks('curl', ['--version']);

/** A PiRequest { n } framed for gRPC-Web (5-octet prefix, field 1 varint). */
const framed = (n: number) => Buffer.from([0, 0, 0, 0, 2, 0x08, n]);

async function piServer(t: Test, options: ServerOptions = {}, calc = calcHandler()) {
  const server = new Server(options);
  server.addService(piService, { Calc: calc });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { server, port };
}

/** Writes `request` on a new connection and reads until the server closes it (or `until` holds of what came). */
function exchange(port: number, request: string | Buffer, done: (got: string) => boolean = () => false): Promise<{ got: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (done(got)) {
        socket.destroy();
        resolve({ got, closed: false });
      }
    });
    socket.on('close', () => resolve({ got, closed: true }));
    socket.on('error', reject);
  });
}

const post = (path: string, contentType: string, body: Buffer | string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

t.test('curl over HTTP/1.1 calls examples/pi-server.ts: Connect JSON, a refused Connect GET, gRPC-Web text', async (t) => {
  if (!havePeer(t, hasCurl, 'curl', 'Debian package curl')) return;
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-server.ts', '--port', String(port)], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  await new Promise<void>((resolve) => createInterface({ input: server.stdout! }).on('line', (l) => l.startsWith('pi server listening') && resolve()));
  const url = `http://127.0.0.1:${port}/pi.PiCalculator/Calc`;
  // the README's line, as a user types it
  const json = await run('curl', ['-sS', '-H', 'content-type: application/json', '-d', '{"n": 100}', url]);
  t.equal(json.status, 0, json.stderr);
  t.same(JSON.parse(json.stdout), { value: pi(100) }, 'the pi value as JSON');
  const verbose = await run('curl', ['-sS', '-v', '-H', 'content-type: application/json', '-d', '{"n": 0}', url]);
  t.match(verbose.stderr, /< HTTP\/1\.1 400 Bad Request/, 'an error is its Connect HTTP status');
  t.same(JSON.parse(verbose.stdout), { code: 'invalid_argument', message: 'request number should be positive' });
  // Connect GET only for a method without side effects (test/protocols.test.ts calls one); Calc is POST only
  const get = await run('curl', ['-sS', '-i', `${url}?encoding=json&message=${encodeURIComponent('{"n":5}')}&connect=v1`]);
  t.match(get.stdout, /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*allow: POST\r\n[\s\S]*call it with POST/, 'a Connect GET of Calc: 405');
  // gRPC-Web text: base64 both ways; the body ends with the trailer frame (flag 0x80) holding grpc-status: 0
  const web = await run('curl', ['-sS', '-H', 'content-type: application/grpc-web-text', '--data-binary', framed(100).toString('base64'), url]);
  const body = Buffer.concat(web.stdout.match(/[A-Za-z0-9+/]+=*/g)!.map((g) => Buffer.from(g, 'base64')));
  const length = body.readUInt32BE(1);
  t.equal(body[0], 0, 'a message frame');
  t.equal(body.subarray(5, 5 + length).readDoubleLE(1), pi(100), 'the PiResponse: field 1, a double');
  t.equal(body[5 + length], 0x80, 'then the trailer frame');
  t.equal(body.subarray(10 + length).toString(), 'grpc-status: 0\r\n', 'grpc-status: 0');
  const grpc = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'content-type: application/grpc', '--data-binary', '@-', url]);
  t.equal(grpc.stdout, '505', 'gRPC itself over HTTP/1.1: 505 HTTP Version Not Supported');
});

t.test('keep-alive and pipelining: requests answered in order on one connection', async (t) => {
  const { port } = await piServer(t);
  const one = post('/pi.PiCalculator/Calc', 'application/json', '{"n": 1}');
  const two = post('/pi.PiCalculator/Calc', 'application/json', '{"n": 2}', 'connection: close\r\n');
  const { got, closed } = await exchange(port, one + two);
  t.ok(closed, 'the server closes after the response to "connection: close"');
  const bodies = got.split('\r\n\r\n').slice(1).map((part) => part.split('HTTP/1.1')[0]);
  t.same(bodies.map((b) => JSON.parse(b!)), [{ value: pi(1) }, { value: pi(2) }], 'both answers, in order');
  t.equal(got.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 2, 'two responses');
  t.match(got, /connection: close\r\n/, 'the last one says it closes');
});

t.test('what is refused: a smuggling form, gRPC, a path or content-type none of the protocols serves', async (t) => {
  const { port } = await piServer(t);
  // RFC 9112 §6.1: Content-Length with Transfer-Encoding is a smuggling form: 400 and the connection closed
  const smuggle = await exchange(port, 'POST /pi.PiCalculator/Calc HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n');
  t.match(smuggle.got, /^HTTP\/1\.1 400 Bad Request\r\n/);
  t.ok(smuggle.closed, 'closed after');
  const grpc = await exchange(port, post('/pi.PiCalculator/Calc', 'application/grpc', framed(1)), (g) => /gRPC needs HTTP\/2[^]*\n$/.test(g));
  t.match(grpc.got, /^HTTP\/1\.1 505 HTTP Version Not Supported\r\n[\s\S]*gRPC needs HTTP\/2/);
  const text = await exchange(port, post('/pi.PiCalculator/Calc', 'text/plain', 'hi'), (g) => g.endsWith('\n') && g.includes('served.'));
  t.match(text.got, /^HTTP\/1\.1 415 Unsupported Media Type\r\n/);
  const unknown = await exchange(port, post('/pi.PiCalculator/Nope', 'application/json', '{}'), (g) => g.includes('no such method'));
  t.match(unknown.got, /^HTTP\/1\.1 404 Not Found\r\n/, 'Connect: an unknown method is a 404');
});

t.test('a request line past maxStartLineOctets is answered 414 in words, not taken for a bad HTTP/2 preface', async (t) => {
  const { port } = await piServer(t);
  const long = await exchange(port, `POST /${'a'.repeat(9000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
  t.match(long.got, /^HTTP\/1\.1 414 URI Too Long\r\n[^]*limit maxStartLineOctets/);
  t.ok(long.closed, 'then closed');
});

t.test('a peer that sends nothing is closed after headersTimeoutMs; one that leaves mid-call cancels the call', async (t) => {
  const started = signal<ServerCall>();
  const { port } = await piServer(t, { http1: { headersTimeoutMs: 200 } }, async (request: { n: number }, call: ServerCall) => {
    started.resolve(call);
    await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
    return { value: request.n };
  });
  const silent = await exchange(port, '');
  t.ok(silent.closed, 'closed without a word');
  const socket = net.connect(port, '127.0.0.1', () => socket.write(post('/pi.PiCalculator/Calc', 'application/json', '{"n": 3}')));
  socket.on('error', () => {});
  const call = await started.promise;
  socket.destroy();
  await until(() => call.signal.aborted, 'the call is cancelled when its connection goes');
  t.ok(call.signal.aborted, 'the handler sees its signal abort');
});

t.test('shutdown ends a kept-alive HTTP/1.1 connection and resolves', async (t) => {
  const { server, port } = await piServer(t);
  const socket = net.connect(port, '127.0.0.1');
  let got = '';
  socket.on('data', (d) => (got += d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(post('/pi.PiCalculator/Calc', 'application/json', '{"n": 4}'));
  await until(() => got.includes('"value"'), 'the answer');
  await server.shutdown({ graceMs: 5000 });
  await closed;
  t.match(got, /^HTTP\/1\.1 200 OK\r\n/, 'answered, then closed by shutdown');
});

t.test('http1: false: HTTP/2 only, and an HTTP/1.x request is told so', async (t) => {
  const { port } = await piServer(t, { http1: false });
  const { got, closed } = await exchange(port, post('/pi.PiCalculator/Calc', 'application/json', '{"n": 1}'));
  t.match(got, /^HTTP\/1\.1 505 HTTP Version Not Supported\r\n[\s\S]*speaks HTTP\/2 only/);
  t.ok(closed);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  t.equal((await client.Calc({ n: 3 })).value, pi(3), 'gRPC as before');
});

t.test('TLS: ALPN h2 is HTTP/2, ALPN http/1.1 and no ALPN are HTTP/1.1, any other the alert no_application_protocol, on one port', async (t) => {
  if (!havePeer(t, commandWorks('openssl', ['version']), 'TLS (a certificate is made with openssl)', 'Debian package openssl')) return;
  const { key, cert, dir } = certificate();
  const server = new Server({ tls: { key, cert } });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  const client = createClient<'Calc'>(`localhost:${port}`, piService, { tls: { ca: cert } });
  t.teardown(() => client.close());
  t.equal((await client.Calc({ n: 6 })).value, pi(6), 'gRPC over h2');
  for (const alpn of [['http/1.1'], undefined]) {
    const got = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost', ALPNProtocols: alpn }, () => {
        socket.write(post('/pi.PiCalculator/Calc', 'application/json', '{"n": 7}', 'connection: close\r\n'));
      });
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    t.match(got, /^HTTP\/1\.1 200 OK\r\n/, `ALPN ${alpn ? alpn[0] : 'none'}: served over HTTP/1.1`);
    t.same(JSON.parse(got.split('\r\n\r\n')[1]!), { value: pi(7) });
  }
  // RFC 7301 §3.2: a client offering neither h2 nor http/1.1 gets the no_application_protocol alert
  const refused = await new Promise<NodeJS.ErrnoException | string>((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost', ALPNProtocols: ['foo'] });
    socket.on('secureConnect', () => {
      resolve(`connected with ALPN ${String(socket.alpnProtocol)}`);
      socket.destroy();
    });
    socket.on('error', resolve);
  });
  t.match(refused, { code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' }, 'ALPN foo alone: the TLS alert no_application_protocol');
  if (hasCurl) {
    const curl = await run('curl', ['-sS', '--http1.1', '--cacert', join(dir, 'cert.pem'), '-H', 'content-type: application/json', '-d', '{"n": 8}', `https://127.0.0.1:${port}/pi.PiCalculator/Calc`]);
    t.same(JSON.parse(curl.stdout || '{}'), { value: pi(8) }, `curl --http1.1 over TLS ${curl.stderr}`);
  }
});
