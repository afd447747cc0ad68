// A real Prometheus (Debian's `prometheus`) scrapes examples/pi-server.ts --metrics: started by this test on a
// loopback port with a temporary config, its HTTP API asked for the A66 series of the traffic we sent. promtool (from
// the same package) lints the exposition text.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { createClient, Status } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { childEnv, commandWorks, freePort, havePeer } from './peers.js';
import { until } from './wait.js';


function stopOnTeardown(t: Test, child: ChildProcess): void {
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

/** The example in its own process; resolves with its gRPC port and its metrics port, as it prints them. */
async function startPiServer(t: Test): Promise<{ port: number; metricsPort: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-server.ts', '--port', '0', '--metrics', '0'], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  stopOnTeardown(t, child);
  const lines = createInterface({ input: child.stdout! });
  let port = 0;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`pi-server.ts exited (${code}) before it listened`)));
    lines.on('line', (line) => {
      const grpc = /^pi server listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (grpc) port = Number(grpc[1]);
      const metrics = /^metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics$/.exec(line);
      if (metrics) resolve({ port, metricsPort: Number(metrics[1]) });
    });
  });
}

async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

t.test('promtool accepts the exposition, Prometheus scrapes it and answers for the A66 series', async (t) => {
  if (!havePeer(t, commandWorks('prometheus', ['--version']) && commandWorks('promtool', ['--version']), 'prometheus and promtool', 'prometheus (Debian)')) return;
  const { port, metricsPort } = await startPiServer(t);
  const client = createClient(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  for (const n of [1, 10, 100]) await client.Calc({ n });
  await t.rejects(client.Calc({ n: 0 }), { code: Status.INVALID_ARGUMENT });

  const exposition = await getText(`http://127.0.0.1:${metricsPort}/metrics`);
  t.equal(exposition.status, 200);
  t.match(exposition.text, /^grpc_server_call_duration_seconds_count\{grpc_method="pi\.PiCalculator\/Calc",grpc_status="OK"\} 3$/m);
  t.match(exposition.text, /^grpc_server_call_started_total\{grpc_method="pi\.PiCalculator\/Calc"\} 4$/m);
  // PiRequest{n: 1}, {n: 10}, {n: 100}: 2 octets each
  t.match(exposition.text, /^grpc_server_call_rcvd_total_compressed_message_size_bytes_sum\{grpc_method="pi\.PiCalculator\/Calc",grpc_status="OK"\} 6$/m);
  const lint = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  stopOnTeardown(t, lint);
  let lintOut = '';
  lint.stdout!.on('data', (d) => (lintOut += d));
  lint.stderr!.on('data', (d) => (lintOut += d));
  lint.stdin!.end(exposition.text);
  const lintStatus = await new Promise<number | null>((resolve) => lint.on('close', resolve));
  t.equal(lintStatus, 0, `promtool check metrics: ${lintOut.trim() || 'no problems'}`);

  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-prometheus-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: pi', '    static_configs:', `      - targets: ['127.0.0.1:${metricsPort}']`, ''].join('\n'));
  const promPort = await freePort();
  const prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  stopOnTeardown(t, prometheus);
  let log = '';
  prometheus.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const api = `http://127.0.0.1:${promPort}`;
  await until(async () => (await getText(`${api}/-/ready`).catch(() => ({ status: 0 }))).status === 200, `prometheus ready (log: ${log})`, 60_000);

  const query = 'grpc_server_call_duration_seconds_count{grpc_method="pi.PiCalculator/Calc",grpc_status="OK"}';
  let answer: { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } } = {};
  await until(async () => {
    answer = JSON.parse((await getText(`${api}/api/v1/query?query=${encodeURIComponent(query)}`)).text);
    return (answer.data?.result?.length ?? 0) > 0;
  }, 'the series scraped', 60_000);
  const [series] = answer.data!.result!;
  t.equal(series!.value[1], '3', 'Prometheus has three OK calls');
  t.same({ ...series!.metric }, { __name__: 'grpc_server_call_duration_seconds_count', grpc_method: 'pi.PiCalculator/Calc', grpc_status: 'OK', instance: `127.0.0.1:${metricsPort}`, job: 'pi' });
  const invalid = JSON.parse((await getText(`${api}/api/v1/query?query=${encodeURIComponent('grpc_server_call_started_total')}`)).text);
  t.equal(invalid.data.result[0].value[1], '4', 'and four calls started');
  const targets = JSON.parse((await getText(`${api}/api/v1/targets`)).text);
  t.equal(targets.data.activeTargets[0].health, 'up', 'the target is up, its scrapes parsed');
});
