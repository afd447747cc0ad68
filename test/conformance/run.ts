// Runs connectconformance against one of the programs under test and reads its report: what
// test/conformance.test.ts and scripts/conformance.ts (npm run conformance) share.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The runner (v1.0.5), beside the repository as CI has it: ../shared/tools/connectconformance/connectconformance. */
export const RUNNER = resolve(REPO_ROOT, '../shared/tools/connectconformance/connectconformance');
export const runnerAvailable = (): boolean => existsSync(RUNNER);

export type Implementation = 'h2grpc' | 'grpc-js';
export type Mode = 'server' | 'client';

/** The program under test and its config, for an implementation and a mode. */
export function programUnderTest(impl: Implementation, mode: Mode, config?: string): { program: string[]; config: string } {
  const file = impl === 'h2grpc' ? `${mode}.ts` : `grpc-js-${mode}.ts`;
  return {
    program: [join(REPO_ROOT, 'node_modules/.bin/tsx'), join(REPO_ROOT, 'test/conformance', file)],
    // h2grpc's server speaks gRPC, gRPC-Web and Connect; its client gRPC (h2grpc.yaml) and, in a second run of
    // its own, gRPC-Web and Connect (h2grpc-client-protocols.yaml)
    config: join(REPO_ROOT, 'test/conformance', config ?? (impl === 'h2grpc' && mode === 'server' ? 'h2grpc-server.yaml' : `${impl}.yaml`)),
  };
}

export interface Failure {
  /** The full case name, e.g. "Basic/HTTPVersion:2/Protocol:PROTOCOL_GRPC/…/unary/success". */
  name: string;
  /** What the runner said about it (the lines under FAILED:). */
  detail: string;
}

export interface RunReport {
  impl: Implementation;
  mode: Mode;
  total: number;
  passed: number;
  failed: number;
  /** Cases the runner could not run (the program under test exited or timed out). */
  couldNotRun: number;
  failures: Failure[];
  /** The runner's whole output. */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  seconds: number;
}

export interface RunOptions {
  impl: Implementation;
  mode: Mode;
  /** The config file in test/conformance/ (default: the implementation's and mode's). */
  config?: string;
  /** --run patterns (all cases when none). */
  run?: string[];
  /** -v: the runner also says what it computed and each server it starts. */
  verbose?: boolean;
  /** --trace: HTTP traces of failing cases. */
  trace?: boolean;
  /** Server mode: RPCs the reference client has in flight at once (the runner's --parallel, default 8). */
  parallel?: number;
  /** The whole run is stopped after this long. Default 10 minutes. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The runner's report: "FAILED: name:" blocks (detail indented by a tab), then "Total cases: N" and "P passed, F failed". */
export function parseReport(output: string): Pick<RunReport, 'total' | 'passed' | 'failed' | 'couldNotRun' | 'failures'> {
  const failures: Failure[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^FAILED: (.*?):?$/.exec(lines[i]!);
    if (!match) continue;
    const detail: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith('\t')) detail.push(lines[++i]!.slice(1));
    failures.push({ name: match[1]!.replace(/ was expected to fail but did not$/, ''), detail: detail.join('\n').trim() });
  }
  const total = Number(/^Total cases: (\d+)$/m.exec(output)?.[1] ?? NaN);
  const counts = /^(\d+) passed, (\d+) failed$/m.exec(output);
  const couldNotRun = Number(/^Another (\d+) could not be run/m.exec(output)?.[1] ?? 0);
  return { total, passed: Number(counts?.[1] ?? NaN), failed: Number(counts?.[2] ?? NaN), couldNotRun, failures };
}

/** Runs the runner on one program under test, bounded in time (the runner and what it started are killed then). */
export async function runConformance(options: RunOptions): Promise<RunReport> {
  const { program: [, source], config } = programUnderTest(options.impl, options.mode, options.config);
  // the same program, compiled once (test/conformance/bundle.ts says why), with the node running this
  const program = [process.execPath, await bundle(REPO_ROOT, source!, `${options.impl}-${options.mode}`)];
  const args = ['--conf', config, '--mode', options.mode];
  if (options.verbose) args.push('-v');
  if (options.trace) args.push('--trace');
  if (options.parallel && options.mode === 'server') args.push('--parallel', String(options.parallel));
  for (const pattern of options.run ?? []) args.push('--run', pattern);
  args.push('--', ...program);
  const started = Date.now();
  return new Promise((done) => {
    // its own process group, so that a run over time can be ended with everything it started
    const child = spawn(RUNNER, args, { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 5000).unref();
    }, options.timeoutMs ?? 600_000);
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      done({ impl: options.impl, mode: options.mode, ...parseReport(output), output, exitCode, timedOut, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => {
      output += `\n${err.message}`;
      finish(-1);
    });
    child.on('close', finish);
  });
}

/** A case name without the axes every case of a config has (HTTP/2, gRPC, proto): what a reader needs to see. */
export function shortName(name: string): string {
  return name.replace('HTTPVersion:2/', '').replace('Protocol:PROTOCOL_GRPC/', '').replace('Codec:CODEC_PROTO/', '');
}
