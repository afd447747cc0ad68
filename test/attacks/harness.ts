// Runs one attack against a server in its own process (ours, grpc-js or connect-node): the server's memory is sampled
// while it lasts, and well-behaved clients on their own connections keep calling meanwhile: gRPC over HTTP/2 (our
// client), and for the HTTP/1.1 attacks a Connect call over HTTP/1.1 too (connect-node's transport).
import { createClient as createConnectClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { descriptorsOfRoots, registryOf } from '../../src/codegen/index.js';
import { createClient, loadProto } from '../../src/grpc/index.js';
import { PI_PROTO, piService } from '../../examples/pi-service.js';
import { childEnv } from '../peers.js';
import type { Attack, AttackResult } from './attacks.js';

export interface Stats {
  rss: number;
  heapUsed: number;
  cpu: number;
  /** Connections open (our server only). */
  connections?: number;
}

export type TargetKind = 'ours' | 'grpc-js' | 'connect-node';

export interface Target {
  kind: TargetKind;
  port: number;
  /** Lines the server printed ("closed …", "error …"). */
  said: string[];
  /** Memory and CPU now; with `gc`, after a full garbage collection. */
  stats(gc?: boolean): Promise<Stats>;
  stop(): void;
}

/** Starts test/attacks/target.ts; `options` are our Server's options (limits shortened for the tests). */
export async function startTarget(kind: TargetKind, options: object = {}): Promise<Target> {
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
  /** The well-behaved clients' calls during the attack, all together. */
  good: Good;
  /** The same, by client ('grpc over HTTP/2', 'Connect over HTTP/1.1'). */
  goodBy: Record<string, Good>;
  /** What the server process said about connections and streams during the attack. */
  said: string[];
  seconds: number;
}

export interface Good { ok: number; failed: number; maxLatencyMs: number; firstError?: string }

/** A well-behaved client: what it is called in reports, one call, and how to let it go. */
interface Caller { name: string; call(): Promise<unknown>; close(): void }

export type CallerKind = 'grpc' | 'connect-http1';

function caller(kind: CallerKind, port: number): Caller {
  if (kind === 'grpc') {
    const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
    return { name: 'gRPC over HTTP/2', call: () => client.Calc({ n: 10 }, { timeout: 10_000 }), close: () => client.close() };
  }
  const PiCalculator = registryOf(descriptorsOfRoots([loadProto([PI_PROTO])])).getService('pi.PiCalculator')!;
  const transport = createConnectTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion: '1.1' });
  const client = createConnectClient(PiCalculator, transport) as unknown as { calc(r: { n: number }, o: { timeoutMs: number }): Promise<{ value: number }> };
  return { name: 'Connect over HTTP/1.1', call: () => client.calc({ n: 10 }, { timeoutMs: 10_000 }), close: () => {} };
}

/**
 * Runs `attack` for at most `seconds` against `target`, with well-behaved `callers` (default: gRPC over HTTP/2)
 * calling one after another meanwhile.
 */
export async function runAttack(target: Target, attack: Attack, seconds: number, callers: CallerKind[] = ['grpc']): Promise<Outcome> {
  const clients = callers.map((kind) => caller(kind, target.port));
  for (const client of clients) await client.call();
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
  const goodBy: Record<string, Good> = {};
  const calling = clients.map(async (client) => {
    const good: Good = (goodBy[client.name] = { ok: 0, failed: 0, maxLatencyMs: 0 });
    while (!stopped) {
      const started = Date.now();
      try {
        await client.call();
        good.ok++;
      } catch (err) {
        good.failed++;
        good.firstError ??= (err as Error).message;
      }
      good.maxLatencyMs = Math.max(good.maxLatencyMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  const started = Date.now();
  const result = await attack.run(target.port, started + seconds * 1000);
  const took = (Date.now() - started) / 1000;
  stopped = true;
  await Promise.all([sampler, ...calling]);
  for (const client of clients) client.close();
  const all = Object.values(goodBy);
  const good: Good = {
    ok: all.reduce((n, g) => n + g.ok, 0),
    failed: all.reduce((n, g) => n + g.failed, 0),
    maxLatencyMs: Math.max(...all.map((g) => g.maxLatencyMs)),
    firstError: all.find((g) => g.firstError)?.firstError,
  };
  await target.stats(); // its answer follows every line the server printed before it
  return {
    ...result,
    baseline,
    peakRss,
    peakHeap,
    cpuMs: lastCpu - baseline.cpu,
    good,
    goodBy,
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
  if (o.refusal) parts.push(`"${o.refusal.slice(0, 120)}"`);
  if (o.closedAfterMs !== undefined) parts.push(`closed at ${(o.closedAfterMs / 1000).toFixed(2)} s`);
  else parts.push('connection kept');
  return parts.join(', ');
}

const NAMES = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
const codeName = (code: number) => NAMES[code] ?? `0x${code.toString(16)}`;
