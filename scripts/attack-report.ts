// The attack tests' attacks against our server and a grpc-js server, side by side, in one run: npm run attacks
// (H2GRPC_ATTACK_SECONDS per attack, default 5; H2GRPC_ATTACKS=name,name to pick some; H2GRPC_ATTACK_SUITES=h2 or
// http1 for one table). Prints Markdown tables for docs/security.md: each server's reaction, the peak RSS above its
// idle baseline, the CPU it spent, and how well-behaved clients on other connections fared meanwhile. Every server
// runs with its default settings. The HTTP/1.1 table (test/attacks/http1-attacks.ts at full scale) sets ours
// against connect-node's connectNodeAdapter on node:http serving the same pi service (grpc-js has no HTTP/1.1); its
// good clients are a Connect call over HTTP/1.1 and, on ours, a gRPC call over HTTP/2 on the same port.
import { ATTACKS, type Attack } from '../test/attacks/attacks.js';
import { type CallerKind, MB, reaction, runAttack, startTarget, type Outcome, type TargetKind } from '../test/attacks/harness.js';
import { FULL_SCALE, http1Attacks } from '../test/attacks/http1-attacks.js';

const SECONDS = Number(process.env.H2GRPC_ATTACK_SECONDS ?? 5);
const ONLY = process.env.H2GRPC_ATTACKS?.split(',');
const SUITES = process.env.H2GRPC_ATTACK_SUITES?.split(',') ?? ['h2', 'http1'];

function cell(o: Outcome): string {
  const goods = Object.entries(o.goodBy).map(([name, g]) => {
    const figures = g.failed ? `${g.ok} ok / **${g.failed} failed**` : `${g.ok} ok, max ${g.maxLatencyMs} ms`;
    return Object.keys(o.goodBy).length > 1 ? `${name} ${figures}` : figures;
  });
  return `${reaction(o)}; +${((o.peakRss - o.baseline.rss) / MB).toFixed(0)} MB RSS, ${(o.cpuMs / 1000).toFixed(2)} s CPU; good client ${goods.join(', ')}`;
}

/**
 * The window of each attack: three times the others' for those that wait out a server's timeouts (10 s for ours),
 * twelve times for the slow body (ours: requestTimeout 30 s, headersTimeoutMs 10 s for the rest, lingerTimeoutMs 5 s).
 */
const windowOf = (attack: Attack) => (attack.name === 'slow-body' ? 12 : /^(slowloris|slow-|silent)/.test(attack.name) ? 3 : 1) * SECONDS;
/** HTTP/1.1's attacks get 5 s more (lingerTimeoutMs: a peer that does not close after our close has 5 s). */
const http1WindowOf = (attack: Attack) => Math.max(windowOf(attack), (/^(slow-|silent)/.test(attack.name) ? 4 : 2) * SECONDS);

async function table(attacks: Attack[], kinds: TargetKind[], callers: (kind: TargetKind) => CallerKind[], window = windowOf): Promise<void> {
  console.log(`| attack | ${kinds.map((k) => (k === 'ours' ? 'h2grpc' : k)).join(' | ')} |`);
  console.log(`|---|${kinds.map(() => '---|').join('')}`);
  for (const attack of attacks) {
    if (ONLY && !ONLY.includes(attack.name)) continue;
    const cells: string[] = [];
    for (const kind of kinds) {
      const target = await startTarget(kind);
      try {
        cells.push(cell(await runAttack(target, attack, window(attack), callers(kind))));
      } catch (err) {
        cells.push(`harness error: ${(err as Error).message}`);
      } finally {
        target.stop();
      }
    }
    console.log(`| **${attack.name}**: ${attack.what} | ${cells.join(' | ')} |`);
  }
}

if (SUITES.includes('h2')) {
  console.log(`HTTP/2 attacks, ${SECONDS} s at most each (${3 * SECONDS} s for the slowloris pair), one connection (or one crowd) each; node ${process.version}\n`);
  await table(ATTACKS, ['ours', 'grpc-js'], () => ['grpc']);
}
if (SUITES.includes('http1')) {
  console.log(`\nHTTP/1.1 attacks, ${2 * SECONDS} s at most each (${4 * SECONDS} s for the crowds, ${12 * SECONDS} s for the slow body), one connection (or one crowd) each; node ${process.version}\n`);
  await table(http1Attacks(FULL_SCALE), ['ours', 'connect-node'], (kind) => (kind === 'ours' ? ['connect-http1', 'grpc'] : ['connect-http1']), http1WindowOf);
}
process.exit(0);

