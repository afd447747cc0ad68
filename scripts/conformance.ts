// npm run conformance: connectrpc's conformance suite (connectconformance v1.0.5) against h2grpc's server and client
// and against grpc-js's, side by side. Prints, per mode, h2grpc passed/total and grpc-js passed/total, then every
// failing case by its reason (grpc-js's are listed, not fixed: they are grpc-js's behaviour; h2grpc's must be none).
//
//   npm run conformance                      # both modes, both implementations (about 2 minutes on 2 cores)
//   npm run conformance -- --mode client     # one mode
//   npm run conformance -- --impl h2grpc     # one implementation
//   npm run conformance -- --run 'Errors/**' --verbose    # some cases; the runner's -v output as well
//
// Each run is bounded (--timeout SECONDS, default 600); the runner is found at ../shared/tools/connectconformance/.
import { parseArgs } from 'node:util';
import { type Failure, type Implementation, type Mode, RUNNER, runConformance, runnerAvailable, type RunReport, shortName } from '../test/conformance/run.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', multiple: true },
    impl: { type: 'string', multiple: true },
    run: { type: 'string', multiple: true },
    verbose: { type: 'boolean', short: 'v' },
    trace: { type: 'boolean' },
    timeout: { type: 'string', default: '600' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write('usage: npm run conformance -- [--mode server|client]… [--impl h2grpc|grpc-js]… [--run PATTERN]… [--verbose] [--trace] [--timeout SECONDS]\n');
  process.exit(0);
}
if (!runnerAvailable()) {
  process.stderr.write(`conformance: the runner is missing: ${RUNNER}\n(connectconformance v1.0.5, expected beside the repository at ../shared/tools/connectconformance/)\n`);
  process.exit(1);
}
const modes = (values.mode ?? ['server', 'client']) as Mode[];
const impls = (values.impl ?? ['h2grpc', 'grpc-js']) as Implementation[];
for (const m of modes) if (m !== 'server' && m !== 'client') usage(`--mode ${m}: server or client`);
for (const i of impls) if (i !== 'h2grpc' && i !== 'grpc-js') usage(`--impl ${i}: h2grpc or grpc-js`);
const timeoutMs = Number(values.timeout) * 1000;
if (!(timeoutMs > 0)) usage(`--timeout ${values.timeout}: a number of seconds`);

function usage(message: string): never {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

/** What the runner said about a case, on one line, long base64 values left out: the reason it failed. */
function reason(failure: Failure): string {
  const lines = failure.detail.split('\n').map((line) => line.replace(/^[\s;]+/, '').trim()).filter(Boolean);
  return (lines.join(' · ') || '(no detail)').replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '…');
}

function printFailures(report: RunReport): void {
  if (report.failures.length === 0) return;
  const byReason = new Map<string, string[]>();
  for (const failure of report.failures) {
    const key = reason(failure);
    byReason.set(key, [...(byReason.get(key) ?? []), shortName(failure.name)]);
  }
  console.log(`\n${report.impl}, ${report.mode} mode: ${report.failures.length} failing cases, by reason`);
  for (const [why, names] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`\n  ${names.length} × ${why}`);
    for (const name of names.sort()) console.log(`      ${name}`);
  }
}

const reports: RunReport[] = [];
for (const mode of modes) {
  for (const impl of impls) {
    process.stderr.write(`running ${impl} in ${mode} mode…\n`);
    const report = await runConformance({ impl, mode, run: values.run, verbose: values.verbose, trace: values.trace, timeoutMs });
    if (values.verbose) process.stdout.write(report.output);
    if (report.timedOut) process.stderr.write(`${impl} ${mode} mode: stopped after ${values.timeout} s\n`);
    if (!(report.total >= 0)) process.stderr.write(`${impl} ${mode} mode: no summary from the runner; its output:\n${report.output}\n`);
    reports.push(report);
  }
}

const cell = (report: RunReport | undefined) => {
  if (!report) return '';
  if (!(report.total >= 0)) return report.timedOut ? 'timed out' : 'no result';
  const extra = report.couldNotRun ? ` (+${report.couldNotRun} not run)` : '';
  return `${report.passed}/${report.total}${extra}${report.timedOut ? ' (timed out)' : ''}`;
};
const seconds = (report: RunReport | undefined) => (report ? `${Math.round(report.seconds)} s` : '');
console.log('\n| mode | h2grpc passed/total | grpc-js passed/total | time (h2grpc, grpc-js) |');
console.log('|---|---|---|---|');
for (const mode of modes) {
  const ours = reports.find((r) => r.mode === mode && r.impl === 'h2grpc');
  const theirs = reports.find((r) => r.mode === mode && r.impl === 'grpc-js');
  const what = mode === 'server' ? 'server (reference clients call it)' : 'client (it calls reference servers)';
  console.log(`| ${what} | ${cell(ours)} | ${cell(theirs)} | ${[seconds(ours), seconds(theirs)].filter(Boolean).join(', ')} |`);
}
for (const report of reports) printFailures(report);

const oursFailed = reports.some((r) => r.impl === 'h2grpc' && (r.failed !== 0 || r.couldNotRun !== 0 || r.timedOut || !(r.total > 0)));
process.exit(oursFailed ? 1 : 0);
