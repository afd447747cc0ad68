// h2load (Debian nghttp2-client) posting one Bench/Unary request, and nghttpd (nghttp2-server) serving the same
// gRPC response as a static file with a grpc-status trailer: the C ceiling for a server on this machine.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMALL } from './scenarios.js';

/** A Bench Payload of SMALL octets as a length-prefixed gRPC message: prefix, field 1 tag and length, body. */
function framedPayload(): Buffer {
  const message = Buffer.concat([Buffer.from([0x0a, SMALL]), Buffer.alloc(SMALL, 7)]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

export async function h2loadRun(port: number, requests: number): Promise<{ rate: number; succeeded: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-h2load-'));
  const body = join(dir, 'unary.bin');
  writeFileSync(body, framedPayload());
  const out = await new Promise<string>((resolve) => {
    const child = spawn('h2load', ['-n', String(requests), '-c', '4', '-m', '16', '-t', '1', '-d', body,
      '-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://127.0.0.1:${port}/bench.Bench/Unary`]);
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', () => resolve(text));
  });
  const rate = Number(/finished in [^,]+, ([\d.]+) req\/s/.exec(out)?.[1]);
  const succeeded = Number(/(\d+) succeeded/.exec(out)?.[1]);
  if (!Number.isFinite(rate)) throw new Error(`h2load printed no rate:\n${out}`);
  return { rate, succeeded };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startNghttpd(): Promise<{ port: number; stop(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'h2grpc-nghttpd-'));
  mkdirSync(join(root, 'bench.Bench'));
  writeFileSync(join(root, 'bench.Bench', 'Unary'), framedPayload());
  const port = await freePort();
  const child = spawn('nghttpd', ['--no-tls', '-a', '127.0.0.1', '-d', root, '--trailer', 'grpc-status: 0', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop: () => child.kill() };
}
