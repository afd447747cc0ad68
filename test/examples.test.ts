// The examples run as documented: as separate processes, with the output their header comments promise.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { Server } from '../src/grpc/index.js';
import { pi, piService } from '../examples/pi-service.js';
import { childEnv, freePort, H2GRPC_CLI, run } from './peers.js';
import { RawPeer } from './raw-peer.js';

const tsx = (file: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', `examples/${file}`, ...args]] as const;


/** examples/pi-server.ts in its own process on a free port; `seen` collects what it prints. */
async function startPiServer(t: Test) {
  const port = await freePort();
  const [node, args] = tsx('pi-server.ts', '--port', String(port));
  const server = spawn(node, [...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  const lines = createInterface({ input: server.stdout });
  const seen: string[] = [];
  lines.on('line', (l) => seen.push(l));
  await new Promise<void>((resolve) => lines.on('line', (l) => l.startsWith('pi server listening') && resolve()));
  return { port, server, seen };
}

t.test('pi-server.ts and pi-client.ts, as the tutorial runs them', async (t) => {
  const { port, server, seen } = await startPiServer(t);
  t.equal(seen[0], `pi server listening on 127.0.0.1:${port}`);
  const [cnode, cargs] = tsx('pi-client.ts', '--port', String(port));
  const client = await run(cnode, [...cargs]);
  t.equal(client.status, 0, client.stderr);
  const out = client.stdout.trim().split('\n');
  t.equal(out.length, 1001, '999 values, the error, and pi(1)');
  t.equal(out[0], 'pi(1) = 2.82842712475');
  t.equal(out[998], 'pi(999) = 3.14127400894', 'pi(999) as in the tutorial');
  t.equal(out[999], 'pi(0) failed: INVALID_ARGUMENT (code 3) request number should be positive');
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGINT');
  await exited;
  t.same(seen.slice(1), ['SIGINT: shutting down, GOAWAY sent; calls in flight get up to 5 s (again to stop now)', 'bye'], 'Ctrl-C shuts down gracefully');
});

t.test('npm start: server and client in one process on a free port', async (t) => {
  const [node, args] = tsx('start.ts');
  const result = await run(node, [...args]);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /^pi server listening on 127\.0\.0\.1:\d+/);
  t.match(result.stdout, /\npi\(999\) = 3\.14127400894\n/);
  t.match(result.stdout, /pi\(0\) failed: INVALID_ARGUMENT \(code 3\) request number should be positive/);
});

t.test('pi-concurrent-client.ts keeps several calls in flight on one connection', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  let connections = 0;
  const server = new Server();
  server.addService(piService, {
    Calc: async ({ n }: { n: number }) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0);
  const originalHandle = server.handle.bind(server);
  server.handle = (socket) => {
    connections++;
    return originalHandle(socket);
  };
  t.teardown(() => server.forceShutdown());
  const [node, args] = tsx('pi-concurrent-client.ts', '--port', String(port), '--concurrency', '8', '--quiet');
  const result = await run(node, [...args]);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /sequential: 999 calls in \d+ ms/);
  t.match(result.stdout, /concurrent \(8 in flight\): 999 calls in \d+ ms/);
  t.match(result.stdout, /results identical: true/);
  t.equal(maxInFlight, 8, 'the server saw 8 calls at once');
  t.equal(connections, 1, 'all on one connection');
});

t.test('pi-compression.ts and pi-timeout.ts print what their headers promise', async (t) => {
  const compression = await run(process.execPath, ['--import', 'tsx', 'examples/pi-compression.ts']);
  t.equal(compression.status, 0, compression.stderr);
  t.match(compression.stdout, /identity: Summarize took 999 requests, Approximations gave 999 responses/);
  t.match(compression.stdout, /client -> server: grpc-encoding gzip, 1000 messages compressed/);
  t.match(compression.stdout, /server -> client: grpc-encoding gzip, 1000 messages compressed/);
  const timeout = await run(process.execPath, ['--import', 'tsx', 'examples/pi-timeout.ts']);
  t.equal(timeout.status, 0, timeout.stderr);
  t.match(timeout.stdout, /client: Calc\(10\) with a 100 ms deadline = 3\.1096254579886478/);
  t.match(timeout.stdout, /client: Calc\(300\) with a 100 ms deadline failed: DEADLINE_EXCEEDED/);
  t.match(timeout.stdout, /server: Calc\(300\) had \d+ ms left at the start; aborted \((DEADLINE_EXCEEDED|CANCELLED)\)/, "the server saw the end (its own deadline, or the client's RST_STREAM if that came first)");
});

t.test('the streaming examples: pi-stream-server.ts with its three clients', async (t) => {
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-stream-server.ts', '--port', String(port)], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  await new Promise<void>((resolve) => createInterface({ input: server.stdout }).on('line', (l) => l.startsWith('pi streaming server listening') && resolve()));
  const bidi = await run(process.execPath, ['--import', 'tsx', 'examples/pi-stream-client.ts', '--port', String(port)]);
  t.equal(bidi.status, 0, bidi.stderr);
  const lines = bidi.stdout.trim().split('\n');
  const answered = Number(/^(\d+) of 999 requests answered$/.exec(lines.at(-1)!)?.[1]);
  t.ok(answered > 300 && answered < 700, `about half answered (${answered})`);
  t.equal(lines.length - 1, answered, 'one line per answer');
  t.ok(lines.slice(0, -1).every((l) => {
    const [, n, v] = /^pi\((\d+)\) = ([\d.]+)$/.exec(l) ?? [];
    return n !== undefined && Number(v) === Number(pi(Number(n)).toPrecision(12));
  }), 'each answer carries its n and pi(n)');
  const approximations = await run(process.execPath, ['--import', 'tsx', 'examples/pi-approximations-client.ts', '--port', String(port), '5']);
  t.equal(approximations.stdout.trim().split('\n').slice(0, 5).join('\n'), 'pi(1) = 2.82842712475\npi(2) = 2.98142397\npi(3) = 3.0346151138\npi(4) = 3.0613974252\npi(5) = 3.07748592639');
  const summarize = await run(process.execPath, ['--import', 'tsx', 'examples/pi-summarize-client.ts', '--port', String(port)]);
  t.match(summarize.stdout, /^999 requests; closest: pi\(999\) = 3\.141274008942 \(off by 3\.186e-4\)$/m);
});

t.test('tracing the examples: H2GRPC_TRACE, --trace-file, and the CLI reading the file', async (t) => {
  const port = await freePort();
  const [node, args] = tsx('pi-server.ts', '--port', String(port));
  const server = spawn(node, [...args], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  await new Promise<void>((resolve) => createInterface({ input: server.stdout }).on('line', (l) => l.startsWith('pi server listening') && resolve()));
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(mkdtempSync(join(tmpdir(), 'h2grpc-example-trace-')), 'client.trace');
  const traced = await new Promise<{ stderr: string; status: number | null }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-client.ts', '--port', String(port), '--trace-file', file], { env: { ...childEnv(), H2GRPC_TRACE: 'messages' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ stderr, status }));
  });
  t.equal(traced.status, 0);
  t.match(traced.stderr, /send message on stream 1 \(\/pi\.PiCalculator\/Calc\): pi\.PiRequest \{"n":1\}/, 'H2GRPC_TRACE=messages prints each message');
  t.match(traced.stderr, /recv message on stream 1997 \(\/pi\.PiCalculator\/Calc\): pi\.PiResponse \{"value":3\.141274008942\d*\}/, 'up to pi(999)');
  t.notMatch(traced.stderr, /SETTINGS frame/, 'and no frames at that level');
  const shown = await run(process.execPath, [...H2GRPC_CLI, 'trace', 'show', file, '--levels', 'frames']);
  t.equal(shown.status, 0, shown.stderr);
  t.match(shown.stdout, /send HEADERS frame <length=\d+, flags=0x04, stream_id=1>/, 'npx h2grpc trace show reads the recorded file');
  t.match(shown.stdout, /recv GOAWAY|send GOAWAY/);
});

t.test('pi-server.ts stops on SIGTERM, and a call that never sends its request cannot hold it past the 5 s grace', async (t) => {
  const { port, server, seen } = await startPiServer(t);
  // a client that opens a Calc call and never sends the request message
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers']]);
  t.ok(await peer.alive(), 'the call is open'); // a PING sent after its HEADERS was answered
  const started = Date.now();
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  const took = Date.now() - started;
  // at least the grace; the upper bound only tells it from the 30 s requestTimeout that would end the call otherwise
  t.ok(took >= 4500 && took < 25_000, `exited after the grace period (${took} ms)`);
  t.same(seen.slice(1), ['SIGTERM: shutting down, GOAWAY sent; calls in flight get up to 5 s (again to stop now)', 'bye']);
});

t.test('examples explain what is wrong in one line, without a stack trace', async (t) => {
  const busy = new Server().addService(piService, { Calc: ({ n }) => ({ value: pi(n) }) });
  const port = await busy.listen(0);
  t.teardown(() => busy.forceShutdown());
  const closed = await freePort();
  const cases: Array<[string, string[], number, string]> = [
    ['pi-server.ts', ['--port', String(port)], 1, `port ${port} is in use; try --port 0 or another port`],
    ['pi-server.ts', ['--port', '80a'], 2, '--port takes a number from 0 to 65535, not "80a"'],
    ['pi-client.ts', ['--port', String(closed)], 1, `no pi server on 127.0.0.1:${closed}; start it with: npx tsx examples/pi-server.ts --port ${closed}`],
    ['pi-summarize-client.ts', ['--port', String(closed)], 1, `no pi streaming server on 127.0.0.1:${closed}; start it with: npx tsx examples/pi-stream-server.ts --port ${closed}`],
    ['pi-approximations-client.ts', ['--port', String(port)], 1, `127.0.0.1:${port} does not serve this method (unknown service pi_streaming.PiStreams): is it the pi streaming server?`],
  ];
  for (const [file, args, status, message] of cases) {
    const [node, a] = tsx(file, ...args);
    const r = await run(node, [...a]);
    t.equal(r.status, status, `${file} ${args.join(' ')}: exit ${status}`);
    t.match(r.stderr, message, `${file} ${args.join(' ')}: says what to do`);
    t.notMatch(r.stderr, /\n\s+at /, `${file} ${args.join(' ')}: no stack trace`);
  }
});

t.test('duplexing.ts: ten calls on one HTTP/2 connection answered out of order, against real HTTP/1.1', async (t) => {
  const [node, args] = tsx('duplexing.ts');
  const r = await run(node, [...args]);
  t.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  t.match(out, 'gRPC over HTTP/2: 10 calls at once on one connection (streams 3, 5, … 21)');
  // call n=1's frames, headers exact: HEADERS (HPACK-indexed fields), DATA with the 7-octet message, then the answer
  t.match(out, 'send 00 00 08 01 04 00 00 00 03  HEADERS stream 3,  8 octets, END_HEADERS\n    send 00 00 07 00 01 00 00 00 03  DATA    stream 3,  7 octets, END_STREAM');
  t.match(out, 'recv 00 00 0e 00 00 00 00 00 03  DATA    stream 3, 14 octets');
  t.match(out, 'frames sent, in order (H HEADERS, D DATA; the stream): H3 H5 H7 H9 H11 H13 H15 H17 H19 H21 D3 D5 D7 D9 D11 D13 D15 D17 D19 D21');
  const received = /frames received, in order: +(.*)/.exec(out)?.[1]?.split(' ') ?? [];
  t.equal(received.length, 30, 'three frames a call');
  t.not(received.filter((f) => f.startsWith('D')).join(' '), 'D3 D5 D7 D9 D11 D13 D15 D17 D19 D21', 'answers not in request order: each as its handler finished');
  const order = /responses came in this order: (.*)/.exec(out)?.[1]?.match(/n=\d+/g) ?? [];
  t.equal(order.length, 10, 'every response arrived');
  t.not(order.join(','), 'n=1,n=2,n=3,n=4,n=5,n=6,n=7,n=8,n=9,n=10');
  // real HTTP/1.1: the request and response heads as they crossed the wire
  t.match(out, 'Connect over HTTP/1.1: one keep-alive connection, one call after another');
  t.match(out, /send 1\d\d octets: "POST \/pi\.PiCalculator\/Calc HTTP\/1\.1" \+ 4 field lines \+ CRLF\n {4}send {3}7 octets: content \{"n":1\}\n {4}recv 111 octets: "HTTP\/1\.1 200 OK" \+ 3 field lines \+ CRLF\n {4}recv {2}28 octets: content \{"value":2\.8284271247461903\}/);
  t.match(out, 'responses came in request order: n=1 (');
  const inOrder = /responses came in request order: (.*)/.exec(out)?.[1]?.match(/n=\d+/g) ?? [];
  t.same(inOrder, ['n=1', 'n=2', 'n=3', 'n=4', 'n=5', 'n=6', 'n=7', 'n=8', 'n=9', 'n=10'], 'HTTP/1.1 answers in order');
  const h2 = Number(/all done in (\d+) ms: about the slowest/.exec(out)?.[1]);
  const h1 = Number(/all done in (\d+) ms: the sum of the handlers' times/.exec(out)?.[1]);
  t.ok(h1 >= 1100, `one at a time over HTTP/1.1 takes at least the sum of the handlers (1100 ms): ${h1} ms`);
  t.ok(h1 > h2, `HTTP/2 (${h2} ms) beat HTTP/1.1 one at a time (${h1} ms)`);
  t.match(out, /Connect over HTTP\/1\.1: a connection per call, 10 connections at once\n {2}all done in \d+ ms/);
});

t.test('oneway.ts: a stream fed without waiting, unary calls whose errors still come back', async (t) => {
  const [node, args] = tsx('oneway.ts');
  const r = await run(node, [...args]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /the stream ended with one Empty after \d+ ms; the server has 5 entries/);
  t.match(r.stdout, 'the server refused {"level":"loud","text":"this level does not exist"}: INVALID_ARGUMENT: no log level "loud"');
  t.match(r.stdout, 'the server has 7 entries');
});

/** The modules under examples/ that other examples import; every other file is a program. */
const LIBRARIES = new Set(['run.ts', 'pi-service.ts', 'prometheus-metrics.ts', 'pi-streaming-service.ts', 'cache/backend.ts', 'cache/cache-service.ts', 'cache/local-services.ts', 'cache/redis-backend.ts', 'interop/cases.ts', 'interop/large-cases.ts', 'interop/service.ts']);

t.test('every example program answers --help with its opening comment, starting nothing', async (t) => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const files = (readdirSync('examples', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.includes('gen/') && !LIBRARIES.has(f)).sort();
  t.ok(files.length >= 20, `${files.length} example programs`);
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(files.slice(i, i + 4).map(async (file) => {
      const [node, args] = tsx(file, '--help');
      const r = await run(node, [...args], { timeout: 120_000 });
      const first = readFileSync(`examples/${file}`, 'utf8').split('\n')[0]!.replace(/^\/\/ ?/, '');
      t.equal(r.status, 0, `${file} --help: exit 0`);
      t.equal(r.stdout.split('\n')[0], first, `${file} --help: its opening comment`);
    }));
  }
});
