// HTTP/1.1 over real sockets (src/http1-connection), differential against node's own llhttp (node:http):
// node:http client → our Http1ServerConnection, our Http1ClientConnection → node:http server, keep-alive over
// several requests, chunked content with trailers both ways; raw-socket pipelining, refusals and timeouts; curl.
import http from 'node:http';
import net from 'node:net';
import t, { type Test } from 'tap';
import { Http1ClientConnection, Http1ServerConnection, type Http1Handler, type Http1ServerOptions } from '../src/http1-connection/index.js';
import { commandWorks, havePeer, run } from './peers.js';
import { signal, until } from './wait.js';

/** An echo server on our transport: answers with the method, target, body and trailers it read, chunked, with trailers. */
const echo: Http1Handler = async (request, response) => {
  const body = await request.body.bytes();
  response.writeHead(200, [['content-type', 'text/plain']]);
  response.write(Buffer.from(`${request.method} ${request.target} `));
  response.write(body);
  response.end([['x-request-trailers', JSON.stringify(request.body.trailers)], ['grpc-status', '0']]);
};

async function ourServer(t: Test, handler: Http1Handler, options: Http1ServerOptions = {}) {
  const connections: Http1ServerConnection[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => connections.push(new Http1ServerConnection(socket, handler, options)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const c of connections) c.socket.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, connections };
}

function raw(port: number, input: string, halfClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => (halfClose ? socket.end(input) : socket.write(input)));
    const parts: Buffer[] = [];
    socket.on('data', (d) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
  });
}

t.test('node:http client → our server: keep-alive, chunked with trailers both ways', async (t) => {
  const { port, connections } = await ourServer(t, echo);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  for (let i = 0; i < 3; i++) {
    const { status, body, trailers } = await new Promise<{ status: number; body: string; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/echo/${i}`, agent, headers: { trailer: 'x-sum' } }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, trailers: res.trailers }));
      });
      req.on('error', reject);
      req.write(`part-${i}-a `);
      req.write(`part-${i}-b`);
      req.addTrailers({ 'x-sum': String(i) });
      req.end();
    });
    t.equal(status, 200);
    t.equal(body, `POST /echo/${i} part-${i}-a part-${i}-b`);
    t.same(trailers, { 'x-request-trailers': JSON.stringify([['x-sum', String(i)]]), 'grpc-status': '0' });
  }
  t.equal(connections.length, 1, 'three requests on one kept-alive connection');
  const get = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/g', agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  t.equal(get, 'GET /g ');
});

t.test('our client → node:http server: keep-alive, chunked with trailers both ways', async (t) => {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    res.setHeader('trailer', 'grpc-status');
    res.write(`${req.method} ${req.url} ${body}|${JSON.stringify(req.trailers)}`);
    res.addTrailers({ 'grpc-status': '7' });
    res.end();
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = new Http1ClientConnection(socket);
  t.teardown(() => client.close());
  async function* parts() {
    yield Buffer.from('one ');
    yield Buffer.from('two');
  }
  for (let i = 0; i < 3; i++) {
    const r = await client.request('POST', `/p/${i}`, [['host', 'localhost']], parts(), [['x-t', String(i)]]);
    t.equal(r.status, 200);
    t.equal(r.body.toString(), `POST /p/${i} one two|{"x-t":"${i}"}`);
    t.same(r.trailers, [['grpc-status', '7']]);
    t.equal(r.keepAlive, true);
  }
  const r = await client.request('PUT', '/bytes', [['host', 'localhost']], Buffer.from('exact'));
  t.equal(r.body.toString(), 'PUT /bytes exact|{}');
  t.equal(sockets.size, 1, 'four requests on one kept-alive connection');
});

t.test('pipelined requests are answered in order, byte-exact; Connection: close ends the connection', async (t) => {
  const { port: p2 } = await ourServer(t, async (request, response) => {
    const body = await request.body.bytes();
    response.writeHead(200, [['content-length', String(body.length)]]);
    response.write(body);
    response.end();
  });
  const out = await raw(p2, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nabPOST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n');
  t.equal(out,
    'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nab' +
    'HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nc' +
    'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  t.equal(await raw(p2, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab', true),
    'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nab', 'a client that half-closes after its request gets the response, then the connection ends');
});

t.test('pipelining without reading: the next request waits until the last answer drains; unread for idleTimeoutMs closes', async (t) => {
  let answered = 0;
  const answer = Buffer.alloc(64 * 1024, 0x61);
  const { port, connections } = await ourServer(t, async (request, response) => {
    await request.body.bytes();
    answered++;
    response.writeHead(200, [['content-length', String(answer.length)]]);
    response.write(answer);
    response.end();
  }, { idleTimeoutMs: 300 });
  const socket = net.connect(port, '127.0.0.1');
  socket.pause(); // never reads: 2000 answers of 64 KiB would be 128 MiB held by the server
  socket.on('error', () => {});
  t.teardown(() => socket.destroy());
  socket.write('GET /x HTTP/1.1\r\nhost: a\r\n\r\n'.repeat(2000));
  await until(() => connections[0]?.socket.writableNeedDrain === true && answered > 0, 'the server waits for the client to read');
  const atStall = answered;
  const held = connections[0]!.socket.writableLength;
  await connections[0]!.closed; // the server's side: a paused client socket would not see the reset
  t.ok(answered < 2000, `answers stop once the client stops reading (${answered} of 2000, the rest in kernel buffers)`);
  t.equal(answered, atStall, 'no request taken while answers sat unread');
  t.ok(held <= 2 * answer.length, `the server holds at most about one answer (${held} octets)`);
});

t.test('a peer that never closes its side: cut off lingerTimeoutMs after our close; a trickled body answered early, after headersTimeoutMs', async (t) => {
  const { port, connections } = await ourServer(t, (_request, response) => {
    response.writeHead(200, [['content-length', '2']]);
    response.write(Buffer.from('ok'));
    response.end(); // answered without reading the body
  }, { lingerTimeoutMs: 200, headersTimeoutMs: 300 });
  const gone = async (i: number) => {
    await until(() => connections[i] !== undefined, 'a connection');
    let closed = false;
    void connections[i]!.closed.then(() => (closed = true));
    await until(() => closed, `the server closes connection ${i}`, 10_000);
  };
  // a refused request: 400 and our FIN; the peer (allowHalfOpen) never answers the FIN and keeps its side open
  const refused = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => refused.write('GET / HTTP/1.1\nHost: x\n\n'));
  refused.on('error', () => {});
  t.teardown(() => refused.destroy());
  let got = '';
  refused.on('data', (d) => (got += d));
  await gone(0);
  t.match(got, /^HTTP\/1\.1 400 /, 'refused with 400');
  t.notOk(refused.destroyed, 'the peer never closed: the server cut it off itself');
  // a body of 1000 octets announced, one octet every 50 ms: the rest of a request answered early gets
  // headersTimeoutMs in all, however often an octet comes
  const slow = net.connect(port, '127.0.0.1', () => slow.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n'));
  slow.on('error', () => {});
  const trickle = setInterval(() => slow.write('a'), 50);
  t.teardown(() => {
    clearInterval(trickle);
    slow.destroy();
  });
  const started = Date.now();
  await gone(1);
  t.ok(Date.now() - started < 5000, `closed ${Date.now() - started} ms after the answer, though octets kept coming`);
});

t.test('a refused peer that keeps sending is cut off once maxBodyOctets more came, before lingerTimeoutMs', async (t) => {
  const { port, connections } = await ourServer(t, echo, { lingerTimeoutMs: 60_000, maxBodyOctets: 10_000 });
  const peer = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => peer.write('GET / HTTP/1.1\nHost: x\n\n'));
  peer.on('error', () => {});
  t.teardown(() => peer.destroy());
  await until(() => connections.length === 1, 'a connection');
  let closed = false;
  void connections[0]!.closed.then(() => (closed = true));
  for (let i = 0; i < 100 && !closed; i++) {
    peer.write(Buffer.alloc(1000, 0x61));
    await new Promise((r) => setTimeout(r, 10));
  }
  await until(() => closed, 'the server cuts the peer off', 10_000);
  t.ok(closed, 'cut off after 10 KB, not 60 s later');
});

t.test('refused input: a minimal error response with its status, then close', async (t) => {
  const { port } = await ourServer(t, echo, { maxHeaderCount: 3 });
  const cases: Array<[string, number]> = [
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', 431],
    [`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
    ['GET / HTTP/1.1\nHost: x\n\n', 400],
  ];
  for (const [input, status] of cases) {
    const out = await raw(port, input);
    t.match(out, new RegExp(`^HTTP/1\\.1 ${status} [^\\r]*\\r\\ncontent-type: text/plain\\r\\ncontent-length: \\d+\\r\\nconnection: close\\r\\n\\r\\n${status}: `), `${status}`);
  }
  const { port: big } = await ourServer(t, echo, { maxBodyOctets: 4 });
  t.match(await raw(big, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde'), /^HTTP\/1\.1 413 Content Too Large\r\n[^]*limit maxBodyOctets/);
});

t.test('slow headers get 408 and close; an idle connection is closed', async (t) => {
  const { port } = await ourServer(t, echo, { headersTimeoutMs: 100, idleTimeoutMs: 100 });
  const started = Date.now();
  t.match(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n'), /^HTTP\/1\.1 408 Request Timeout\r\n[^]*limit headersTimeoutMs/);
  t.equal(await raw(port, ''), '', 'idle: closed without a word');
  t.ok(Date.now() - started < 10_000);
});

t.test('a handler that throws gets 500 and close', async (t) => {
  const { port } = await ourServer(t, () => {
    throw new Error('boom');
  });
  t.equal(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
});

t.test('curl --http1.1 against a server on our transport', async (t) => {
  if (!havePeer(t, commandWorks('curl', ['--version']), 'curl', 'curl')) return;
  const { port, connections } = await ourServer(t, echo);
  const url = `http://127.0.0.1:${port}/c`;
  const r = await run('curl', ['--http1.1', '-sS', '-d', 'hello', url, '--next', '--http1.1', '-sS', '-d', 'again', url.replace('/c', '/d')]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'POST /c helloPOST /d again');
  t.equal(connections.length, 1, 'curl reused the connection');
});

t.test('a response cannot write more than its content-length; ending short closes the connection', async (t) => {
  const seen: string[] = [];
  const { port } = await ourServer(t, (request, response) => {
    response.writeHead(200, [['content-length', '3']]);
    try {
      response.write(Buffer.from('four'));
    } catch (error) {
      seen.push((error as Error).message);
    }
    response.write(Buffer.from('ab'));
    response.end();
  });
  t.equal(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nab');
  t.same(seen, ['write: 4 octets over the content-length left (3)']);
});

t.test('backpressure: a handler that does not read stops the socket being read', async (t) => {
  const release = signal();
  const { port, connections } = await ourServer(t, async (request, response) => {
    await release.promise;
    const body = await request.body.bytes();
    const text = String(body.length);
    response.writeHead(200, [['content-length', String(text.length)]]);
    response.write(Buffer.from(text));
    response.end();
  }, { bodyHighWaterMark: 16 * 1024 });
  const total = 2 * 1024 * 1024; // under maxBodyOctets (4 MiB), far over bodyHighWaterMark and the socket buffers
  const socket = net.connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
  const block = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += block.length;
      if (!socket.write(block)) return socket.once('drain', pump);
    }
  };
  pump();
  await until(() => connections.length === 1 && connections[0]!.socket.isPaused() && (sent >= total || socket.writableLength > 0), 'server paused, client sent all or blocked');
  t.ok(connections[0]!.socket.bytesRead < total, `server read ${connections[0]!.socket.bytesRead} of ${total} octets while the handler waited`);
  release.resolve();
  const reply: Buffer[] = [];
  socket.on('data', (d) => reply.push(d));
  await until(() => Buffer.concat(reply).toString().endsWith(String(total)), 'the response');
  t.equal(Buffer.concat(reply).toString(), `HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n${total}`, 'every octet arrived');
});

t.test('live fuzz: mutated requests over sockets always get an HTTP/1.1 answer or a close (seeded, bounded)', async (t) => {
  const { port } = await ourServer(t, echo, { headersTimeoutMs: 2_000 });
  let x = 0x1b873593;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const seeds = [
    'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nt: 1\r\n\r\n',
    'PUT /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nxyz',
  ];
  const deadline = Date.now() + 5_000;
  let rounds = 0;
  for (; rounds < 150 && Date.now() < deadline; rounds++) {
    const input = Buffer.from(seeds[next() % seeds.length]!, 'latin1');
    for (let k = (next() % 3) + 1; k > 0; k--) input[next() % input.length] = next() & 0xff;
    const out = await raw(port, input.toString('latin1'), true);
    if (out !== '' && !out.startsWith('HTTP/1.1 ')) t.fail(`round ${rounds}: ${JSON.stringify(out.slice(0, 40))}`);
  }
  t.ok(rounds >= 10, `${rounds} rounds, every answer an HTTP/1.1 response or a close`);
});
