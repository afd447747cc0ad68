// connectrpc's conformance suite (connectconformance v1.0.5) against h2grpc's server and client: every case that
// test/conformance/h2grpc-server.yaml (server mode: gRPC, gRPC-Web and Connect over HTTP/2 and HTTP/1.1, proto and JSON),
// h2grpc.yaml (client mode: gRPC, proto and JSON) and h2grpc-client-protocols.yaml (client mode: gRPC-Web and Connect over HTTP/1.1
// and HTTP/2, proto and JSON, Connect GET) select must pass; there is no known-failing list. grpc-js's side-by-side results
// are `npm run conformance` (scripts/conformance.ts), not part of the tests. docs/conformance.md explains the suite.
import t from 'tap';
import { childEnv, havePeer } from './peers.js';
import { RUNNER, runConformance, runnerAvailable, shortName, type Mode } from './conformance/run.js';

if (havePeer(t, runnerAvailable(), `the conformance runner (${RUNNER})`, 'connectconformance v1.0.5 at ../shared/tools/connectconformance/')) {
  const runs: Array<[Mode, string]> = [['server', 'h2grpc-server.yaml'], ['client', 'h2grpc.yaml'], ['client', 'h2grpc-client-protocols.yaml']];
  for (const [mode, config] of runs) {
    t.test(`conformance, ${mode} mode: every case of ${config} passes against the reference ${mode === 'server' ? 'clients' : 'servers'}`, { timeout: 600_000 }, async (t) => {
      const report = await runConformance({ impl: 'h2grpc', mode, config, verbose: true, env: childEnv(), timeoutMs: 540_000 });
      t.notOk(report.timedOut, `the run ended within 540 s (${report.seconds} s)`);
      t.ok(report.total > 0, `the runner reported its cases (Total cases: ${report.total})`);
      for (const failure of report.failures) t.comment(`FAILED ${shortName(failure.name)}\n${failure.detail}`);
      t.equal(report.failed, 0, `no case failed (${report.passed} of ${report.total} passed)`);
      t.equal(report.couldNotRun, 0, 'every case could be run');
      t.equal(report.exitCode, 0, 'the runner exits 0');
      if (report.failed !== 0 || report.exitCode !== 0 || !(report.total > 0)) t.comment(report.output.split('\n').filter((l) => !l.startsWith('FAILED') && !l.startsWith('\t')).join('\n'));
    });
  }
}
