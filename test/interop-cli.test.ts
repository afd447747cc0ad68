// Interop with command-line HTTP/2 and gRPC peers: buf curl (npm @bufbuild/buf) and nghttp (Debian nghttp2-client).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Server, type ServerCall } from '../src/grpc/index.js';
import { calcHandler, pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { BUF, commandWorks, havePeer, run } from './peers.js';

const buf = BUF;
const hasBuf = buf !== '' && commandWorks(buf, ['--version']);
const hasNghttp = commandWorks('nghttp', ['--version']);

async function piServer(t: Test) {
  const server = new Server();
  const calc = calcHandler();
  server.addService(piService, {
    Calc: (req: { n: number }, call: ServerCall) => {
      const who = call.metadata.get('x-who');
      if (who !== undefined) call.trailers.set('x-hello', `hello ${who}`);
      return calc(req, call);
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return port;
}

t.test('buf curl --protocol grpc against our server', async (t) => {
  if (!havePeer(t, hasBuf, 'buf curl', 'npm package @bufbuild/buf')) return;
  const port = await piServer(t);
  const curl = (body: string, ...extra: string[]) =>
    run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--schema', PI_PROTO, '-d', body, ...extra, `http://127.0.0.1:${port}/pi.PiCalculator/Calc`]);
  const ok = await curl('{"n": 100}');
  t.equal(ok.status, 0, `exit 0 ${ok.stderr}`);
  t.same(JSON.parse(ok.stdout), { value: pi(100) }, 'the value as JSON');
  const bad = await curl('{"n": 0}');
  t.not(bad.status, 0, 'an error exits non-zero');
  t.same(JSON.parse(bad.stdout || bad.stderr), { code: 'invalid_argument', message: 'request number should be positive' });
  const verbose = await curl('{"n": 5}', '-H', 'x-who: buf', '-v');
  t.equal(verbose.status, 0);
  t.match(verbose.stderr, /x-hello: hello buf/i, 'metadata both ways, in its verbose trace');
});

t.test('nghttp posts a gRPC request: :status 200 and grpc-status 0', async (t) => {
  if (!havePeer(t, hasNghttp, 'nghttp', 'Debian package nghttp2-client')) return;
  const port = await piServer(t);
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-nghttp-'));
  const body = join(dir, 'request.bin');
  // the 5-octet gRPC prefix, then PiRequest { n: 100 } (field 1, varint 100)
  writeFileSync(body, Buffer.from('00000000020864', 'hex'));
  const post = (path: string, contentType = 'application/grpc') =>
    run('nghttp', ['-v', '-H', ':method: POST', '-H', `content-type: ${contentType}`, '-H', 'te: trailers', '-d', body, `http://127.0.0.1:${port}${path}`]);
  const ok = await post('/pi.PiCalculator/Calc');
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /recv \(stream_id=\d+\) :status: 200/, ':status 200');
  t.match(ok.stdout, /recv \(stream_id=\d+\) grpc-status: 0/, 'grpc-status 0 in the trailers');
  t.match(ok.stdout, /recv DATA frame <length=14/, 'one DATA frame: 5-octet prefix and a 9-octet PiResponse');
  const wrongType = await post('/pi.PiCalculator/Calc', 'text/plain');
  t.match(wrongType.stdout, /:status: 415/, 'a request in none of the three protocols gets HTTP 415');
  // application/json is Connect's unary JSON: a Connect answer; the octets are no PiRequest in JSON, and a request
  // that does not parse is INTERNAL (HTTP 500), as in connect-es and grpc-js
  const connect = await post('/pi.PiCalculator/Calc', 'application/json');
  t.match(connect.stdout, /:status: 500[\s\S]*"code":"internal","message":"request message does not parse as pi.PiRequest/, 'application/json is a Connect call: its JSON error');
  const unknown = await post('/pi.Nope/Calc');
  t.match(unknown.stdout, /grpc-status: 12/, 'an unknown service gets UNIMPLEMENTED');
});
