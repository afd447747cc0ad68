// npm run conformance: connectrpc's conformance suite (connectconformance v1.0.5) against h2grpc's server and client
// and against grpc-js's, side by side. Prints one row per config run (ROWS: what each covers, h2grpc passed/total,
// grpc-js passed/total where grpc-js has the features), then every failing case by its reason (grpc-js's are listed,
// not fixed: they are grpc-js's behaviour; h2grpc's must be none).
//
//   npm run conformance                      # every row, both implementations (about 6 minutes on a busy 2-core machine)
//   npm run conformance -- --mode client     # one mode's rows
//   npm run conformance -- --impl h2grpc     # one implementation
//   npm run conformance -- --run 'Errors/**' --verbose    # some cases; the runner's -v output as well
//
// Each run is bounded (--timeout SECONDS, default 600); the runner is found at ../shared/tools/connectconformance/.
import { parseArgs } from 'node:util';
import { type Failure, type Implementation, type Mode, RUNNER, runConformance, runnerAvailable, type RunReport, shortName } from '../test/conformance/run.js';

/** One row of the table: a mode, what its configs cover, and the config (in test/conformance/) each implementation runs. */
interface Row {
  mode: Mode;
  covers: string;
  configs: Partial<Record<Implementation, string>>;
}

// grpc-js speaks gRPC over HTTP/2 with the proto codec only, so it shares the gRPC-only rows; the rows of
// h2grpc's other protocols have no grpc-js column.
const ROWS: Row[] = [
  {
    mode: 'server',
    covers: 'gRPC, gRPC-Web and Connect × HTTP/1.1 and HTTP/2 × h2c and TLS × proto and JSON, Connect GET',
    configs: { h2grpc: 'h2grpc-server.yaml' },
  },
  { mode: 'server', covers: 'gRPC over HTTP/2 (the features grpc-js has: proto; ours JSON as well)', configs: { h2grpc: 'h2grpc.yaml', 'grpc-js': 'grpc-js.yaml' } },
  { mode: 'client', covers: 'gRPC over HTTP/2 (grpc-js: proto; ours proto and JSON)', configs: { h2grpc: 'h2grpc.yaml', 'grpc-js': 'grpc-js.yaml' } },
  {
    mode: 'client',
    covers: 'gRPC-Web and Connect × HTTP/1.1 and HTTP/2 × h2c and TLS × proto and JSON, Connect GET',
    configs: { h2grpc: 'h2grpc-client-protocols.yaml' },
  },
];

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

function printFailures(report: RunReport, config: string): void {
  if (report.failures.length === 0) return;
  const byReason = new Map<string, string[]>();
  for (const failure of report.failures) {
    const key = reason(failure);
    byReason.set(key, [...(byReason.get(key) ?? []), shortName(failure.name)]);
  }
  console.log(`\n${report.impl}, ${report.mode} mode, ${config}: ${report.failures.length} failing cases, by reason`);
  for (const [why, names] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`\n  ${names.length} × ${why}`);
    for (const name of names.sort()) console.log(`      ${name}`);
  }
}

const rows = ROWS.filter((row) => modes.includes(row.mode) && impls.some((impl) => row.configs[impl]));
const reports = new Map<Row, Partial<Record<Implementation, RunReport>>>();
for (const row of rows) {
  const byImpl: Partial<Record<Implementation, RunReport>> = {};
  for (const impl of impls) {
    const config = row.configs[impl];
    if (!config) continue;
    process.stderr.write(`running ${impl} in ${row.mode} mode on ${config}…\n`);
    const report = await runConformance({ impl, mode: row.mode, config, run: values.run, verbose: values.verbose, trace: values.trace, timeoutMs });
    if (values.verbose) process.stdout.write(report.output);
    if (report.timedOut) process.stderr.write(`${impl} ${row.mode} mode, ${config}: stopped after ${values.timeout} s\n`);
    if (!(report.total >= 0)) process.stderr.write(`${impl} ${row.mode} mode, ${config}: no summary from the runner; its output:\n${report.output}\n`);
    byImpl[impl] = report;
  }
  reports.set(row, byImpl);
}

const cell = (row: Row, impl: Implementation) => {
  const report = reports.get(row)?.[impl];
  if (!report) return row.configs[impl] ? '' : `— (${impl === 'grpc-js' ? 'gRPC only' : 'not claimed'})`;
  if (!(report.total >= 0)) return report.timedOut ? 'timed out' : 'no result';
  const extra = report.couldNotRun ? ` (+${report.couldNotRun} not run)` : '';
  return `${report.passed}/${report.total}${extra}${report.timedOut ? ' (timed out)' : ''}`;
};
const configs = (row: Row) => impls.filter((impl) => row.configs[impl]).map((impl) => `\`${row.configs[impl]}\``).join(', ');
const runsOf = (row: Row): Array<[Implementation, RunReport]> => impls.flatMap((impl) => {
  const report = reports.get(row)?.[impl];
  return report ? [[impl, report] as [Implementation, RunReport]] : [];
});
const seconds = (row: Row) => runsOf(row).map(([, report]) => `${Math.round(report.seconds)} s`).join(', ');
console.log('\n| mode: what the config covers | config | h2grpc passed/total | grpc-js passed/total | time |');
console.log('|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.mode}: ${row.covers} | ${configs(row)} | ${cell(row, 'h2grpc')} | ${cell(row, 'grpc-js')} | ${seconds(row)} |`);
}
for (const row of rows) for (const [impl, report] of runsOf(row)) printFailures(report, row.configs[impl]!);

const ours = rows.flatMap((row) => reports.get(row)?.h2grpc ?? []);
const oursFailed = ours.some((r) => r.failed !== 0 || r.couldNotRun !== 0 || r.timedOut || !(r.total > 0));
process.exit(oursFailed ? 1 : 0);
