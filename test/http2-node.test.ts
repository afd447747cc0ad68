// Our HTTP/2 layer against Node's own node:http2 (nghttp2 inside), in both roles: 10 MiB each way through flow
// control, 500 concurrent streams, and a GOAWAY in the middle of traffic with nothing lost.
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import t, { type Test } from 'tap';
import { ErrorCode } from '../src/frames/index.js';
import { Connection, type HeaderList, type Http2Stream, type StreamHandler } from '../src/http2/index.js';
import { until } from './wait.js';

const MiB = 1 << 20;
const sha = (chunks: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

interface Response {
  headers: HeaderList;
  body: Buffer;
  trailers?: HeaderList;
}

/** Collects a response on one of our client streams. */
function collector(onDone: (r: Response) => void, onFail: (code: number, retryable: boolean) => void): StreamHandler {
  let headers: HeaderList = [];
  let trailers: HeaderList | undefined;
  const chunks: Buffer[] = [];
  return {
    onHeaders(_s, h, end) {
      if (headers.length === 0) headers = h;
      else trailers = h;
      if (end) onDone({ headers, body: Buffer.concat(chunks), trailers });
    },
    onData(s, d, end) {
      chunks.push(Buffer.from(d));
      s.consume(d.length);
      if (end) onDone({ headers, body: Buffer.concat(chunks), trailers });
    },
    onReset(_s, code, _reason, retryable) {
      onFail(code, retryable);
    },
  };
}

async function nodeServer(t: Test, onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void) {
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1000 } });
  server.on('stream', onStream);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => sessions.add(s));
  t.teardown(() => {
    for (const s of sessions) s.destroy();
    server.close();
  });
  return { server, port, sessions };
}

async function ourClient(port: number): Promise<Connection> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  return new Connection(socket, 'client');
}

const request = (path: string): HeaderList => [[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', 'localhost']];

t.test('our client -> node:http2 server: 10 MiB each way', async (t) => {
  const down = pattern(10 * MiB, 7);
  const { port } = await nodeServer(t, (stream) => {
    const hash = createHash('sha256');
    let n = 0;
    stream.on('data', (d: Buffer) => {
      hash.update(d);
      n += d.length;
    });
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'x-received': String(n), 'x-sha': hash.digest('hex') }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-done': 'yes' }));
      stream.end(down);
    });
  });
  const conn = await ourClient(port);
  t.teardown(() => conn.destroy());
  const up = pattern(10 * MiB, 3);
  const res = await new Promise<Response>((resolve, reject) => {
    const stream = conn.request(request('/big'), collector(resolve, (c) => reject(new Error(`reset ${c}`))));
    for (let at = 0; at < up.length; at += MiB) stream.write(up.subarray(at, at + MiB));
    stream.end();
  });
  const h = Object.fromEntries(res.headers);
  t.equal(h['x-received'], String(10 * MiB), 'node received 10 MiB');
  t.equal(h['x-sha'], sha([up]), 'and every octet of it');
  t.equal(res.body.length, 10 * MiB, 'we received 10 MiB');
  t.equal(sha([res.body]), sha([down]), 'and every octet of it');
  t.same(res.trailers, [['x-done', 'yes']], 'trailers after the body');
});

t.test('node:http2 client -> our server: 10 MiB each way, 500 concurrent streams', async (t) => {
  const down = pattern(10 * MiB, 11);
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, 'server');
    conn.on('stream', (stream: Http2Stream, headers: HeaderList) => {
      const path = Object.fromEntries(headers)[':path'];
      const chunks: Uint8Array[] = [];
      let n = 0;
      stream.handler = {
        onHeaders() {},
        onData(s, d, end) {
          chunks.push(Buffer.from(d));
          n += d.length;
          s.consume(d.length);
          if (!end) return;
          s.sendHeaders([[':status', '200'], ['x-received', String(n)], ['x-sha', sha(chunks)]]);
          s.write(path === '/big' ? down : Buffer.from(path!));
          s.end([['x-done', path!]]);
        },
        onReset() {},
      };
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = http2.connect(`http://127.0.0.1:${port}`);
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  const call = (path: string, body: Buffer) =>
    new Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers: http2.IncomingHttpHeaders }>((resolve, reject) => {
      const req = client.request({ ':method': 'POST', ':path': path });
      const chunks: Buffer[] = [];
      let headers: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => (headers = h));
      req.on('trailers', (h) => (trailers = h));
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => resolve({ headers, body: Buffer.concat(chunks), trailers }));
      req.on('error', reject);
      req.end(body);
    });
  const up = pattern(10 * MiB, 5);
  const big = await call('/big', up);
  t.equal(big.headers['x-received'], String(10 * MiB), 'we received 10 MiB');
  t.equal(big.headers['x-sha'], sha([up]), 'and every octet of it');
  t.equal(sha([big.body]), sha([down]), 'node received our 10 MiB intact');
  t.equal(big.trailers['x-done'], '/big');

  const many = await Promise.all(Array.from({ length: 500 }, (_, i) => call(`/s${i}`, pattern(1000 + i, i))));
  t.ok(many.every((r, i) => r.body.toString() === `/s${i}` && r.trailers['x-done'] === `/s${i}` && r.headers['x-sha'] === sha([pattern(1000 + i, i)])), '500 concurrent streams, each answered with its own body and trailers');
});

t.test('our client: 500 concurrent streams to node:http2', async (t) => {
  const { port } = await nodeServer(t, (stream, headers) => {
    stream.respond({ ':status': 200 });
    stream.end(String(headers[':path']));
  });
  const conn = await ourClient(port);
  t.teardown(() => conn.destroy());
  const bodies = await Promise.all(Array.from({ length: 500 }, (_, i) => new Promise<string>((resolve, reject) => {
    conn.request(request(`/s${i}`), collector((r) => resolve(r.body.toString()), (c) => reject(new Error(`reset ${c}`))), true);
  })));
  t.same(bodies, Array.from({ length: 500 }, (_, i) => `/s${i}`));
});

t.test('node:http2 server sends GOAWAY mid-traffic: streams below complete, those above are retryable, none lost', async (t) => {
  let seen = 0;
  const { port, sessions } = await nodeServer(t, (stream, headers) => {
    stream.on('error', () => {}); // nghttp2 refuses the streams above last-stream-id
    seen++;
    if (seen === 50) for (const s of sessions) s.goaway(0, 99); // streams 1..99 (50 of ours) are processed
    setTimeout(() => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200 });
      stream.end(String(headers[':path']));
    }, 20);
  });
  let conn = await ourClient(port);
  const results = new Map<number, string>();
  const retry: number[] = [];
  await Promise.all(Array.from({ length: 300 }, (_, i) => new Promise<void>((resolve) => {
    conn.request(request(`/r${i}`), collector((r) => {
      results.set(i, r.body.toString());
      resolve();
    }, (code, retryable) => {
      if (retryable) retry.push(i);
      else t.fail(`request ${i} failed with ${code}, not retryable`);
      resolve();
    }), true);
  })));
  t.equal(results.size, 50, 'the 50 streams at or below last-stream-id completed');
  t.equal(retry.length, 250, 'the other 250 were reported retryable');
  t.notOk(conn.acceptingStreams, 'the connection takes no new streams after GOAWAY');
  conn = await ourClient(port);
  t.teardown(() => conn.destroy());
  await Promise.all(retry.map((i) => new Promise<void>((resolve, reject) => {
    conn.request(request(`/r${i}`), collector((r) => {
      results.set(i, r.body.toString());
      resolve();
    }, (c) => reject(new Error(`reset ${c}`))), true);
  })));
  t.equal(results.size, 300, 'after retrying on a new connection every request completed');
  t.ok([...results].every(([i, body]) => body === `/r${i}`), 'each with its own response');
});

t.test('our server sends GOAWAY mid-traffic to node:http2: in-flight streams finish, then the connection closes', async (t) => {
  let connection: Connection | undefined;
  let count = 0;
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, 'server');
    connection = conn;
    conn.on('stream', (stream: Http2Stream, headers: HeaderList) => {
      const path = Object.fromEntries(headers)[':path']!;
      if (++count === 100) conn.goaway(ErrorCode.NO_ERROR, 'draining');
      stream.handler = { onHeaders() {}, onData: (s, d) => s.consume(d.length), onReset() {} };
      setTimeout(() => {
        stream.sendHeaders([[':status', '200']]);
        stream.write(Buffer.from(path), true);
      }, 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  t.teardown(() => server.close());
  const client = http2.connect(`http://127.0.0.1:${port}`);
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise<string>((resolve) => {
    const req = client.request({ ':path': `/g${i}` }, { endStream: true });
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
  })));
  t.same(outcomes, Array.from({ length: 100 }, (_, i) => `/g${i}`), 'the 100 streams in flight when GOAWAY went out all completed');
  await until(() => connection!.closed, 'the connection closed');
  t.ok(connection!.closed, 'our server closed the connection once the last stream was done');
  client.destroy();
});

t.test('PING round trips both ways', async (t) => {
  const { port } = await nodeServer(t, () => {});
  const conn = await ourClient(port);
  t.teardown(() => conn.destroy());
  const rtts = await Promise.all([conn.ping(), conn.ping()]);
  t.ok(rtts.every((ms) => typeof ms === 'number' && ms >= 0), 'our PINGs are acknowledged by nghttp2, each matched by its data');
  const pending = conn.ping();
  conn.destroy();
  await t.rejects(pending, /connection closed/, 'a PING outstanding when the connection closes fails');

  const server = net.createServer((socket) => void new Connection(socket, 'server'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const client = http2.connect(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  t.teardown(() => client.destroy());
  const ok = await new Promise<boolean>((resolve) => client.once('connect', () => client.ping(Buffer.from('12345678'), (err, _d, payload) => resolve(!err && payload.toString() === '12345678'))));
  t.ok(ok, 'node:http2 PINGs our server and gets its data back');
});
