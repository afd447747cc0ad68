import { readFileSync, readdirSync } from 'node:fs';
import { childFlags, startClient, startServer } from './processes.js';
const dir = '/tmp/heapsnap'; 
childFlags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`);
const [sk = 'ours'] = process.argv.slice(2) as any;
const server = await startServer(sk);
const client = await startClient('ours');
await server.ask('mem');
process.kill(server.pid, 'SIGUSR2');
await new Promise((r) => setTimeout(r, 3000));
await client.ask(JSON.stringify({ scenario: 'idle', port: server.port, seconds: 0, connections: 500 }));
await server.ask('mem');
process.kill(server.pid, 'SIGUSR2');
await new Promise((r) => setTimeout(r, 4000));
await client.stop(); await server.stop();
function agg(file: string) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const f = s.snapshot.meta.node_fields; const n = f.length; const types = s.snapshot.meta.node_types[0];
  const m = new Map<string, [number, number]>();
  for (let i = 0; i < s.nodes.length; i += n) {
    const t = types[s.nodes[i + f.indexOf('type')]]; const name = s.strings[s.nodes[i + f.indexOf('name')]]; const size = s.nodes[i + f.indexOf('self_size')];
    const key = `${t}:${t === 'string' || t === 'concatenated string' ? '' : name.slice(0, 60)}`;
    const e = m.get(key) ?? [0, 0]; e[0] += size; e[1]++; m.set(key, e);
  }
  return m;
}
const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).sort().map((f) => `${dir}/${f}`).slice(-2);
const a = agg(files[0]!), b = agg(files[1]!);
const diff = [...b].map(([k, [s, c]]) => [k, s - (a.get(k)?.[0] ?? 0), c - (a.get(k)?.[1] ?? 0)] as const).sort((x, y) => y[1] - x[1]).slice(0, 40);
for (const [k, s, c] of diff) console.log(`${(s / 500).toFixed(0).padStart(7)} B/conn ${(c / 500).toFixed(1).padStart(6)} objs/conn  ${k}`);
