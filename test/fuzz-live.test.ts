// The bounded fuzzer against a live server (test/attacks/live-fuzzer.ts): seeded mutations of recorded real
// conversations, each on its own connection, against the pi server (with reflection and health) in its own process.
// Time-boxed here; H2GRPC_FUZZ_SECONDS and H2GRPC_FUZZ_CASES run it longer (e.g. 200000 cases), H2GRPC_FUZZ_SEED
// repeats a run. Asserts: the server process survives, reports only typed HTTP/2 errors (never an INTERNAL_ERROR
// from an exception of ours), its memory does not grow without bound, and it still answers afterwards.
import t from 'tap';
import { createClient } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { MB, startTarget } from './attacks/harness.js';
import { fuzz, recordConversations } from './attacks/live-fuzzer.js';
import { until } from './wait.js';

const SECONDS = Number(process.env.H2GRPC_FUZZ_SECONDS ?? 15);
const CASES = Number(process.env.H2GRPC_FUZZ_CASES ?? 200_000);
const SEED = Number(process.env.H2GRPC_FUZZ_SEED ?? 20261124);

t.test(`mutated conversations against a live server (seed ${SEED}, up to ${CASES} cases or ${SECONDS} s)`, async (t) => {
  const target = await startTarget('ours', { reflection: true, health: true, requestTimeout: 1000 });
  t.teardown(() => target.stop());
  const seeds = await recordConversations(target.port);
  t.equal(seeds.length, 6, 'six recorded conversations');
  t.ok(seeds.every((s) => s.length >= 4), 'each holds the preface and several frames');
  const before = await target.stats(true);
  const started = Date.now();
  const sent = await fuzz(target.port, seeds, SEED, CASES, started + SECONDS * 1000);
  const seconds = (Date.now() - started) / 1000;
  // the last connections and their timers (requestTimeout 1 s) hold memory until they end: wait for that (bounded)
  let after = await target.stats(true);
  const released = async () => (after = await target.stats(true)).connections === 0 && after.heapUsed - before.heapUsed < 10 * MB;
  await until(released, 'the connections closed and their memory released').catch(() => {}); // asserted below
  t.comment(`${sent} cases in ${seconds.toFixed(1)} s; after GC: heap ${(before.heapUsed / MB).toFixed(1)} -> ${(after.heapUsed / MB).toFixed(1)} MB, RSS ${(before.rss / MB).toFixed(0)} -> ${(after.rss / MB).toFixed(0)} MB; ${target.said.length} errors reported`);
  t.ok(sent > 1000, `at least 1000 cases ran (${sent})`);
  const untyped = target.said.filter((line) => /INTERNAL_ERROR|TypeError|RangeError|undefined/.test(line));
  t.same(untyped.slice(0, 5), [], 'every error the server reported is a typed protocol error');
  t.ok(target.said.length > 0, 'the mutations did provoke errors');
  t.ok(after.heapUsed - before.heapUsed < 10 * MB, `the live heap after GC grew by less than 10 MB (${((after.heapUsed - before.heapUsed) / MB).toFixed(1)} MB): nothing of ${sent} connections is kept`);
  t.ok(after.rss - before.rss < 400 * MB, `RSS stayed bounded (peak of 16 connections at a time, zlib included) (+${((after.rss - before.rss) / MB).toFixed(1)} MB)`);
  const client = createClient<'Calc'>(`127.0.0.1:${target.port}`, piService);
  t.teardown(() => client.close());
  const { value } = await client.Calc({ n: 100 }, { timeout: 5000 });
  t.ok(value > 3.1 && value < 3.2, 'the server still answers afterwards');
});
