// The benchmark's child processes: servers and clients driven over stdin/stdout one JSON line at a time.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

export interface Driven {
  child: ChildProcess;
  /** Sends one command line and resolves with the next JSON line it prints. */
  ask<T = unknown>(line: string): Promise<T>;
  stop(): Promise<void>;
}

/** Extra node flags for every child, e.g. --cpu-prof (set by --profile). */
export const childFlags: string[] = [];

export async function startChild(script: string, args: string[], first: RegExp): Promise<{ driven: Driven; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--expose-gc', ...childFlags, '--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  let failed: Error | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    failed = new Error(`${script} ${args.join(' ')} exited (${code ?? signal})`);
    for (const w of waiting.splice(0)) w('');
  });
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve, reject) => {
    if (failed) return reject(failed);
    waiting.push((line) => (failed && !line ? reject(failed) : resolve(line)));
  });
  const head = await next();
  const match = first.exec(head);
  if (!match) throw new Error(`${script}: expected ${first}, got ${head}`);
  return {
    match,
    driven: {
      child,
      ask: async <T>(line: string) => {
        const answer = next();
        child.stdin!.write(`${line}\n`);
        return JSON.parse(await answer) as T;
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin!.write('quit\n');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
      },
    },
  };
}

/** A server process that prints "port N" once listening. */
export async function startListening(script: string, kind: string): Promise<Driven & { port: number; pid: number }> {
  const { driven, match } = await startChild(script, [kind], /^port (\d+)$/);
  return { ...driven, port: Number(match[1]), pid: driven.child.pid! };
}

export const startServer = (kind: 'ours' | 'grpc-js' | 'echo') => startListening('bench/server-process.ts', kind);

export async function startClient(kind: 'ours' | 'grpc-js' | 'raw'): Promise<Driven> {
  return (await startChild('bench/client-process.ts', [kind], /^ready$/)).driven;
}
