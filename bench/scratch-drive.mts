import { readFileSync } from 'node:fs';
import { startClient, startServer } from './processes.js';
const [sk, ck, scen = 'pingpong'] = process.argv.slice(2) as any;
const server = await startServer(sk);
const client = await startClient(ck);
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[process.env.FIELD === "s" ? 12 : 11])) * 10; }; // ms
await client.ask(JSON.stringify({ scenario: scen, port: server.port, seconds: 1 }));
const s0 = cpu(server.pid), c0 = cpu(client.child.pid!);
const out = await client.ask<any>(JSON.stringify({ scenario: scen, port: server.port, seconds: 4 }));
const n = out.value * 4;
console.log(`${ck} -> ${sk} ${scen}: ${Math.round(out.value)}/s p50 ${out.p50?.toFixed(3)}; server ${((cpu(server.pid) - s0) / n * 1000).toFixed(1)} us/op, client ${((cpu(client.child.pid!) - c0) / n * 1000).toFixed(1)} us/op`);
await client.stop(); await server.stop();
