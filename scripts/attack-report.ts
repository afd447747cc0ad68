// The attack tests' attacks against our server and a grpc-js server, side by side, in one run: npm run attacks
// (H2GRPC_ATTACK_SECONDS per attack, default 5; H2GRPC_ATTACKS=name,name to pick some). Prints a Markdown table
// for docs/security.md: each server's reaction, the peak RSS above its idle baseline, the CPU it spent, and how a
// well-behaved client on another connection fared meanwhile. Both servers run with their default settings.
import { ATTACKS } from '../test/attacks/attacks.js';
import { MB, reaction, runAttack, startTarget, type Outcome } from '../test/attacks/harness.js';

const SECONDS = Number(process.env.H2GRPC_ATTACK_SECONDS ?? 5);
const ONLY = process.env.H2GRPC_ATTACKS?.split(',');

function cell(o: Outcome): string {
  const good = o.good.failed ? `${o.good.ok} ok / **${o.good.failed} failed**` : `${o.good.ok} ok, max ${o.good.maxLatencyMs} ms`;
  return `${reaction(o)}; +${((o.peakRss - o.baseline.rss) / MB).toFixed(0)} MB RSS, ${(o.cpuMs / 1000).toFixed(2)} s CPU; good client ${good}`;
}

console.log(`Attacks, ${SECONDS} s at most each, one connection (or one crowd) each; node ${process.version}\n`);
console.log('| attack | h2grpc | grpc-js |');
console.log('|---|---|---|');
for (const attack of ATTACKS) {
  if (ONLY && !ONLY.includes(attack.name)) continue;
  const cells: string[] = [];
  for (const kind of ['ours', 'grpc-js'] as const) {
    const target = await startTarget(kind);
    try {
      const slowloris = attack.name.startsWith('slowloris');
      cells.push(cell(await runAttack(target, attack, slowloris ? 3 * SECONDS : SECONDS)));
    } catch (err) {
      cells.push(`harness error: ${(err as Error).message}`);
    } finally {
      target.stop();
    }
  }
  console.log(`| **${attack.name}**: ${attack.what} | ${cells[0]} | ${cells[1]} |`);
}
process.exit(0);
