// The multi-core server: workers: 2 serves one port from two processes, and they share the connections.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import t from 'tap';
import { createClient } from '../src/grpc/index.js';
import { pi, piService } from '../examples/pi-service.js';
import { childEnv } from './peers.js';

t.test('workers: 2 serves one port from two processes', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/worker-server.ts'], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('port ') && resolve(Number(l.slice(5)))));
  const pids = new Set<string>();
  const clients = Array.from({ length: 6 }, () => createClient(`127.0.0.1:${port}`, piService));
  for (const client of clients) {
    const { message, trailers } = await client.unary<{ value: number }>('Calc', { n: 10 });
    t.equal(message.value, pi(10));
    pids.add(String(trailers.get('x-pid')));
    client.close();
  }
  t.equal(pids.size, 2, `six connections were served by two worker processes (${[...pids].join(', ')})`);
  t.notOk(pids.has(String(child.pid)), 'and not by the primary, which only forks and watches');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});
