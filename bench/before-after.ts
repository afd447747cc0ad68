// gRPC over HTTP/2 against our server built from two trees, in the same run: did a change (such as HTTP/1.1 on the
// same port, with its sniffing of each connection's first octets) make it slower? The servers are
// bench/server-process.ts of each tree, each from its own compiled dist/; the client is this tree's (ours, from
// dist/). A second server of this tree is measured too (A/A): the spread between two identical servers is the noise
// the before/after ratio has to be read against. Rounds interleaved, the order rotating.
//
//   npm run build; (cd BEFORE && npm ci && npm run build)
//   npx tsx bench/before-after.ts --before BEFORE [--rounds 5] [--seconds 2] [--only unary1,unary100,pingpong]
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { startClient, startChild, type Driven } from './processes.js';
import type { Outcome } from './scenarios.js';
import { figure, median, spread } from './stats.js';

const { values: flags } = parseArgs({ options: { before: { type: 'string' }, rounds: { type: 'string' }, seconds: { type: 'string' }, only: { type: 'string' } } });
if (!flags.before) throw new Error('--before DIR: a tree of the earlier commit, with node_modules and dist/ built');
const ROUNDS = Number(flags.rounds ?? 5);
const SECONDS = Number(flags.seconds ?? 2);
const SCENARIOS = (flags.only ?? 'unary1,unary100,pingpong').split(',');

const server = async (script: string) => {
  const { driven, match } = await startChild(script, ['ours'], /^port (\d+)$/);
  return { ...driven, port: Number(match[1]) };
};
const servers: Record<string, Driven & { port: number }> = {
  before: await server(join(resolve(flags.before), 'bench/server-process.ts')),
  after: await server('bench/server-process.ts'),
  'after (A/A control)': await server('bench/server-process.ts'),
};
const client = await startClient('ours');
console.log(`gRPC over HTTP/2, our client → our server of each tree: node ${process.version}, ${ROUNDS} rounds, ${SECONDS} s a measurement`);

const results = new Map<string, number[]>();
const names = Object.keys(servers);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length]!;
        const out = await client.ask<Outcome>(JSON.stringify({ scenario, port: servers[name]!.port, seconds: SECONDS }));
        const key = `${scenario}|${name}`;
        results.set(key, [...(results.get(key) ?? []), out.value]);
      }
      await client.ask('release');
    }
    console.log(`round ${round + 1} of ${ROUNDS} done`);
  }
} finally {
  await Promise.all([...Object.values(servers), client].map((p) => p.stop()));
}

console.log('\n| scenario | before | after | after (A/A control) | after / before | control / after |');
console.log('|---|---|---|---|---|---|');
for (const scenario of SCENARIOS) {
  const v = (name: string) => results.get(`${scenario}|${name}`)!;
  const cell = (name: string) => `${figure(median(v(name)))} ±${(spread(v(name)) * 100).toFixed(0)}%`;
  // ratios round by round (each round measures all three back to back), then their median
  const ratio = (a: string, b: string) => median(v(a).map((x, i) => x / v(b)[i]!));
  console.log(`| ${scenario} | ${cell('before')} | ${cell('after')} | ${cell('after (A/A control)')} | **${ratio('after', 'before').toFixed(3)}** | ${ratio('after (A/A control)', 'after').toFixed(3)} |`);
}
