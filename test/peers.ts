// Real peers for interop tests: find them, or say in one line which package is missing. Under
// H2GRPC_REQUIRE_PEERS=1 (as .ci/run sets) a missing peer is a failure, never a silent skip.
import { spawn, spawnSync } from 'node:child_process';
import type { Test } from 'tap';

export const REQUIRE_PEERS = process.env.H2GRPC_REQUIRE_PEERS === '1';

/** Debian's own python3 (where python3-grpcio lives), not the pyenv one first on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export function commandWorks(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

/** True when the peer is there; otherwise fails (REQUIRE_PEERS) or notes the skip in one line naming the package. */
export function havePeer(t: Test, available: boolean, what: string, pkg: string): boolean {
  if (available) return true;
  if (REQUIRE_PEERS) t.fail(`${what} is required (H2GRPC_REQUIRE_PEERS=1) but missing: install ${pkg}`);
  else t.comment(`SKIP ${what}: not installed (${pkg})`);
  return false;
}

/**
 * The environment for a child process, without tap's coverage hooks: a child that runs our sources through tsx
 * would report coverage of differently transpiled code, which does not merge with the test's own.
 */
export function childEnv(): NodeJS.ProcessEnv {
  // tap's processinfo follows spawned children and restores its own variables, so coverage is switched off instead
  return { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (our server lives in this process), bounded in time. */
export function run(command: string, args: string[], options: { cwd?: string; timeout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ status: -1, stdout, stderr: stderr + err.message });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
