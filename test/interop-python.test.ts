// Interop with Debian's python3-grpcio: the tutorial's Python client (ported to Python 3) against our pi server,
// and our client against the tutorial's Python server. pi_pb2 is generated with Debian's python3-grpc-tools.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { createClient, Metadata, Server, Status, StatusError, type ServerCall } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { commandWorks, DEBIAN_PYTHON, freePort, havePeer, run } from './peers.js';

const FIXTURES = new URL('./fixtures/python/', import.meta.url).pathname;

const hasGrpcio = commandWorks(DEBIAN_PYTHON, ['-c', 'import grpc, grpc_tools.protoc']);

if (havePeer(t, hasGrpcio, 'Python grpcio interop', 'Debian packages python3-grpcio and python3-grpc-tools')) {
  // generate pi_pb2.py and pi_pb2_grpc.py as the tutorial does, next to copies of the client and server
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-py-'));
  copyFileSync(PI_PROTO, join(dir, 'pi.proto'));
  for (const f of ['pi_client.py', 'pi_server.py']) copyFileSync(join(FIXTURES, f), join(dir, f));
  const gen = spawnSync(DEBIAN_PYTHON, ['-m', 'grpc_tools.protoc', '-I.', '--python_out=.', '--grpc_python_out=.', 'pi.proto'], { cwd: dir, encoding: 'utf8' });
  t.equal(gen.status, 0, `grpc_tools.protoc generated the stubs ${gen.stderr}`);

  t.test('the tutorial Python client -> our server', async (t) => {
    const server = new Server();
    server.addService(piService, {
      Calc: async ({ n }: { n: number }, call: ServerCall) => {
        const echo = call.metadata.get('x-echo');
        if (echo !== undefined) call.trailers.set('x-echo-trailing', String(echo));
        if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
        if (n >= 10000) await new Promise((r) => setTimeout(r, 500));
        return { value: pi(n) };
      },
    });
    const port = await server.listen(0, '127.0.0.1');
    t.teardown(() => server.forceShutdown());
    const out = await run(DEBIAN_PYTHON, ['pi_client.py', String(port)], { cwd: dir });
    t.equal(out.status, 0, `the client exits cleanly ${out.stderr.slice(0, 500)}`);
    const lines = out.stdout.trim().split('\n');
    const values = lines.filter((l) => /^pi\(\d+\) = /.test(l)).map((l) => {
      const [, n, v] = /^pi\((\d+)\) = (.*)$/.exec(l)!;
      return [Number(n), Number(v)] as const;
    });
    t.equal(values.length, 1000, '999 values and pi(1) again after the error');
    t.ok(values.every(([n, v]) => v === pi(n)), 'every value equals ours to the last bit');
    t.ok(lines.includes('pi(999) = 3.141274008942'), 'pi(999) = 3.14127400894…');
    t.ok(lines.includes('StatusCode.INVALID_ARGUMENT request number should be positive'), 'INVALID_ARGUMENT with its details');
    t.ok(lines.includes('deadline StatusCode.DEADLINE_EXCEEDED'), 'DEADLINE_EXCEEDED');
    t.ok(lines.includes('trailing py'), 'metadata both ways');
  });

  t.test('our client -> the tutorial Python server', async (t) => {
    const port = await freePort();
    const child = spawn(DEBIAN_PYTHON, ['pi_server.py', String(port)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    t.teardown(() => child.kill('SIGKILL'));
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Python server did not start')), 30_000);
      lines.on('line', (l) => l === 'listening' && (clearTimeout(timer), resolve()));
    });
    const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
    t.teardown(() => client.close());
    for (let n = 1; n < 1000; n++) {
      const { value } = await client.Calc({ n });
      if (value !== pi(n)) t.fail(`pi(${n}) = ${value}`);
    }
    t.equal((await client.Calc({ n: 999 })).value, 3.141274008942, 'pi(1) … pi(999) from Python, pi(999) = 3.141274008942');
    await t.rejects(client.Calc({ n: 0 }), { code: Status.INVALID_ARGUMENT, details: 'request number should be positive' });
    await t.rejects(client.Calc({ n: 10000 }, { timeout: 100 }), { code: Status.DEADLINE_EXCEEDED });
    const result = await client.unary('Calc', { n: 3 }, { metadata: new Metadata({ 'x-echo': 'ts' }) });
    t.equal(result.trailers.get('x-echo-trailing'), 'ts', 'metadata both ways');
  });
}
