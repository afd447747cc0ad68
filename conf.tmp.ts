import { runConformance, shortName } from './test/conformance/run.js';
const run = process.argv.slice(2);
const report = await runConformance({ impl: 'h2grpc', mode: 'client', config: 'h2grpc-client-protocols.yaml', run, timeoutMs: 900_000 });
const groups = new Map<string, number>();
for (const f of report.failures) {
  const key = f.name.split('/').filter((p) => !p.startsWith('HTTPVersion') && !p.startsWith('Codec') && !p.startsWith('Compression') && !p.startsWith('TLS')).join('/');
  groups.set(key, (groups.get(key) ?? 0) + 1);
}
for (const f of report.failures) console.log('FAILED', f.name, '\n   ', f.detail.split('\n').slice(0, 3).join('\n    '));
console.log([...groups].map(([k, v]) => `${v}\t${k}`).join('\n'));
console.log(report.total, report.passed, report.failed, report.couldNotRun, report.exitCode, report.seconds);
if (!(report.total > 0)) console.log(report.output.slice(-3000));
