// etcd and Redis started on loopback ports with temporary data dirs, for the cluster demo and the tests; each is
// stopped by its own PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A local service process: its client URL, and how to stop (SIGKILL or SIGTERM) and start it again. */
export interface LocalService {
  url: string;
  port: number;
  pid(): number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data dir. */
  close(): Promise<void>;
}

/** True when `command` runs (asked for its version: `--version`, or etcdctl's `version`). */
export function installed(command: string, args = command === 'etcdctl' ? ['version'] : ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** A free loopback port (bound and released: the kernel does not hand it out again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, within `timeout` ms. */
export async function waitForPort(port: number, timeout = 15_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function localService(name: string, command: string, args: (dir: string, port: number) => string[], scheme: string): Promise<LocalService> {
  const dir = mkdtempSync(join(tmpdir(), `h2grpc-${name}-`));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    const started = spawn(command, args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
    started.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
    const exited = new Promise<never>((_, reject) => started.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${output}`))));
    await Promise.race([waitForPort(port), exited]);
    exited.catch(() => {});
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid!, signal);
    const timer = setTimeout(() => running.pid && process.kill(running.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A one-member etcd (Debian etcd-server) on loopback ports. */
export async function startEtcd(): Promise<LocalService> {
  const peerPort = await freePort();
  return localService('etcd', 'etcd', (dir, port) => [
    '--name', 'h2grpc', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `h2grpc=http://127.0.0.1:${peerPort}`, '--log-level', 'error',
  ], 'http');
}

/** A Redis (Debian redis-server) on a loopback port that writes every change to its append-only file first. */
export async function startRedis(): Promise<LocalService> {
  return localService('redis', 'redis-server', (dir, port) => [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always',
    '--save', '', '--notify-keyspace-events', 'KA',
  ], 'redis');
}
