// Runs one attack against a server in its own process (ours or grpc-js): the server's memory is sampled while it
// lasts, and a well-behaved client on its own connection keeps calling meanwhile.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createClient } from '../../src/grpc/index.js';
import { piService } from '../../examples/pi-service.js';
import { childEnv } from '../peers.js';
import type { Attack, AttackResult } from './attacks.js';

export interface Stats {
  rss: number;
  heapUsed: number;
  cpu: number;
  /** Connections open (our server only). */
  connections?: number;
}

export interface Target {
  kind: 'ours' | 'grpc-js';
  port: number;
  /** Lines the server printed ("closed …", "error …"). */
  said: string[];
  /** Memory and CPU now; with `gc`, after a full garbage collection. */
  stats(gc?: boolean): Promise<Stats>;
  stop(): void;
}

/** Starts test/attacks/target.ts; `options` are our Server's options (limits shortened for the tests). */
export async function startTarget(kind: 'ours' | 'grpc-js', options: object = {}): Promise<Target> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/attacks/target.ts', kind, JSON.stringify(options)], {
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const said: string[] = [];
  const waiting: Array<(s: Stats) => void> = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the target exited (${code})`)));
    lines.on('line', (line) => {
      if (line.startsWith('port ')) resolve(Number(line.slice(5)));
      else if (line.startsWith('stats ')) waiting.shift()?.(JSON.parse(line.slice(6)) as Stats);
      else if (said.length < 10_000) said.push(line);
    });
  });
  return {
    kind,
    port,
    said,
    stats: (gc = false) => new Promise<Stats>((resolve) => {
      waiting.push(resolve);
      child.stdin.write(gc ? 'stats gc\n' : 'stats\n');
    }),
    stop: () => {
      child.stdin.end();
      child.kill('SIGKILL');
    },
  };
}

export interface Outcome extends AttackResult {
  /** RSS and heap of the server before the attack, and their peaks during it (octets). */
  baseline: Stats;
  peakRss: number;
  peakHeap: number;
  /** Server CPU spent during the attack (ms). */
  cpuMs: number;
  /** The well-behaved client's calls during the attack. */
  good: { ok: number; failed: number; maxLatencyMs: number; firstError?: string };
  /** What the server process said about connections and streams during the attack. */
  said: string[];
  seconds: number;
}

/** Runs `attack` for at most `seconds` against `target`. */
export async function runAttack(target: Target, attack: Attack, seconds: number): Promise<Outcome> {
  const client = createClient<'Calc'>(`127.0.0.1:${target.port}`, piService);
  await client.Calc({ n: 10 }, { timeout: 5000 });
  const baseline = await target.stats();
  const saidBefore = target.said.length;
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let stopped = false;
  let lastCpu = baseline.cpu;
  const sampler = (async () => {
    while (!stopped) {
      const s = await target.stats();
      peakRss = Math.max(peakRss, s.rss);
      peakHeap = Math.max(peakHeap, s.heapUsed);
      lastCpu = s.cpu;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const good = { ok: 0, failed: 0, maxLatencyMs: 0, firstError: undefined as string | undefined };
  const caller = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        await client.Calc({ n: 10 }, { timeout: 10_000 });
        good.ok++;
      } catch (err) {
        good.failed++;
        good.firstError ??= (err as Error).message;
      }
      good.maxLatencyMs = Math.max(good.maxLatencyMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = Date.now();
  const result = await attack.run(target.port, started + seconds * 1000);
  const took = (Date.now() - started) / 1000;
  stopped = true;
  await Promise.all([sampler, caller]);
  client.close();
  await target.stats(); // its answer follows every line the server printed before it
  return {
    ...result,
    baseline,
    peakRss,
    peakHeap,
    cpuMs: lastCpu - baseline.cpu,
    good,
    said: target.said.slice(saidBefore),
    seconds: took,
  };
}

export const MB = 1e6;

/** One line for a report: how the server reacted. */
export function reaction(o: Outcome): string {
  const parts: string[] = [];
  if (o.goaway) parts.push(`GOAWAY ${codeName(o.goaway.code)}${o.goaway.debug ? ` "${o.goaway.debug.slice(0, 60)}"` : ''}`);
  else if (o.closed) parts.push('closed');
  for (const [code, n] of o.resets) parts.push(`${n} RST_STREAM ${codeName(code)}`);
  for (const [status, n] of o.statuses) if (status !== '200') parts.push(`${n} × HTTP ${status}`);
  for (const [status, n] of o.grpcStatuses) if (status !== '0') parts.push(`${n} × grpc-status ${status}`);
  if (o.closedAfterMs !== undefined) parts.push(`closed at ${(o.closedAfterMs / 1000).toFixed(2)} s`);
  else parts.push('connection kept');
  return parts.join(', ');
}

const NAMES = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
const codeName = (code: number) => NAMES[code] ?? `0x${code.toString(16)}`;
