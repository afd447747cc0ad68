// grpc-go as a real peer: Debian's golang-go and golang-google-grpc-dev (grpc-go 1.33), built offline in GOPATH
// mode from test/peers/grpc-go once per test file. A missing package is one line (havePeer), a failure under
// H2GRPC_REQUIRE_PEERS=1.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { type ClientOptions, createClient, loadService, Metadata, Server, type ServerCall, type ServerOptions, Status, StatusError } from '../src/grpc/index.js';
import { childEnv, commandWorks, havePeer, run } from './peers.js';
import { HANG_MS, until } from './wait.js';

/** Where Debian's golang-google-grpc-dev puts grpc-go's sources (GOPATH mode, no module proxy). */
export const GO_GRPC_SOURCES = '/usr/share/gocode/src/google.golang.org/grpc';
/** echo.proto: gogo.EchoService, which the Go programs serve and call as raw octets. */
export const ECHO_PROTO = fileURLToPath(new URL('./peers/grpc-go/echo.proto', import.meta.url));
export const ECHO_SERVICE = loadService(ECHO_PROTO, 'gogo.EchoService');
const PROGRAMS = fileURLToPath(new URL('./peers/grpc-go', import.meta.url));
// shared by test files and runs: a cold build compiles grpc-go and its dependencies (about 15 s here), a warm one
// only links; Go's cache is safe for concurrent builds
const GO_CACHE = join(tmpdir(), 'h2grpc-go-build-cache');
// a cold build takes 15-30 s on the 2-core machine; this only guards a hang
const BUILD_MS = 300_000;

export interface GoPrograms {
  server: string;
  client: string;
}

/** Builds test/peers/grpc-go's server and client into a temporary folder; undefined after a skip or a failure. */
export async function buildGoPeer(t: Test, what: string): Promise<GoPrograms | undefined> {
  const available = commandWorks('go', ['version']) && existsSync(join(GO_GRPC_SOURCES, 'channelz', 'service'));
  if (!havePeer(t, available, what, 'Debian packages golang-go and golang-google-grpc-dev')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-go-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // GOPATH mode: the programs import each other as h2grpc.test/…, grpc-go and its dependencies from /usr/share/gocode
  mkdirSync(join(dir, 'src'));
  symlinkSync(PROGRAMS, join(dir, 'src', 'h2grpc.test'));
  const env = { GO111MODULE: 'off', GOPATH: `${dir}:/usr/share/gocode`, GOCACHE: GO_CACHE, GOFLAGS: '', GOPROXY: 'off' };
  const built = await run('go', ['build', '-o', join(dir, 'bin') + '/', 'h2grpc.test/server', 'h2grpc.test/client'], { cwd: dir, timeout: BUILD_MS, env });
  if (built.status !== 0) {
    t.fail(`go build of test/peers/grpc-go failed (status ${built.status}): ${built.stderr}`);
    return undefined;
  }
  return { server: join(dir, 'bin', 'server'), client: join(dir, 'bin', 'client') };
}

export interface GoServer {
  port: number;
  child: ChildProcess;
  /** Binary log entries written so far (the server prints "binlog N" after each). */
  logged(): number;
  /** Resolves once `n` entries are in the file: grpc-go logs SERVER_TRAILER after the status went out. */
  waitLogged(n: number): Promise<void>;
}

/** Starts the grpc-go server on a port it picks, binary logging to `binlog` with `filter`; stopped by its PID. */
export async function startGoServer(t: Test, programs: GoPrograms, options: { binlog?: string; filter?: string } = {}): Promise<GoServer> {
  const env = { ...childEnv(), GRPC_BINARY_LOG_FILTER: options.filter ?? '' };
  const child = spawn(programs.server, ['0', ...(options.binlog ? [options.binlog] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let logged = 0;
  child.stdout!.on('data', (d) => {
    out += d;
    logged = [...out.matchAll(/^binlog (\d+)$/gm)].length;
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited;
  });
  await until(() => /listening on 127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, 'the grpc-go server ready');
  const ready = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
  if (!ready) throw new Error(`the grpc-go server did not start: ${err}`);
  return {
    port: Number(ready[1]),
    child,
    logged: () => logged,
    waitLogged: (n) => until(() => logged >= n, `${n} binary log entries from grpc-go (${logged} so far)`, HANG_MS),
  };
}

/** gogo.EchoService as the Go server serves it (test/peers/grpc-go/server/main.go), on our Server. */
export async function ourEchoServer(t: Test, options: ServerOptions = {}): Promise<{ server: Server; port: number }> {
  const server = new Server(options);
  server.addService(ECHO_SERVICE, {
    Unary: (request: unknown, call: ServerCall) => {
      call.sendMetadata(new Metadata({ 'x-served-by': 'echo' }));
      call.trailers.set('x-cost', '7');
      return request;
    },
    Fail: (_: unknown, call: ServerCall) => {
      call.trailers.set('x-reason', 'refused');
      throw new StatusError(Status.INVALID_ARGUMENT, 'no echo for you');
    },
    async *Chat(requests: AsyncIterable<unknown>, call: ServerCall) {
      call.sendMetadata(new Metadata({ 'x-served-by': 'echo' }));
      let n = 0;
      for await (const request of requests) {
        n++;
        yield request;
      }
      call.trailers.set('x-count', String(n));
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { server, port };
}

/** The Go client's calls (test/peers/grpc-go/client/main.go), made by our client: Unary, Fail, Chat. */
export async function echoCalls(t: Test, port: number, options: ClientOptions = {}): Promise<void> {
  const client = createClient<'Unary' | 'Fail' | 'Chat'>(`127.0.0.1:${port}`, ECHO_SERVICE, options);
  t.teardown(() => client.close());
  t.same(await client.Unary({ text: 'hello' }, { metadata: new Metadata({ 'x-user': 'alice' }), timeout: 5000 }), { text: 'hello' }, 'Unary: the request back');
  await t.rejects(client.Fail({ text: 'x' }), { code: Status.INVALID_ARGUMENT, details: 'no echo for you' }, 'Fail: INVALID_ARGUMENT');
  const answers: unknown[] = [];
  for await (const answer of client.Chat([{ text: 'a' }, { text: 'bb' }, { text: 'ccc' }])) answers.push(answer);
  t.same(answers, [{ text: 'a' }, { text: 'bb' }, { text: 'ccc' }], 'Chat: every request back');
}
