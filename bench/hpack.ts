// HPACK throughput: our encoder and decoder against hpack.js, on the hpack-test-case corpus (the whole of it in
// ../shared/vectors when it is there, else the part in test/fixtures), in one run.
//   npm run bench:hpack            (BENCH_SECONDS=2 per measurement by default)
// Decode input: the nghttp2-encoded stories (the same octets for both libraries). Encode input: the raw-data stories.
// Each story uses one encoder/decoder pair with its state carried from case to case, as on a connection.
import { createRequire } from 'node:module';
import { HpackDecoder, HpackEncoder } from '../dist/hpack.js'; // compiled, as the suite runs our side
import { benchStories, caseFields } from '../test/vectors.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hpackjs = require('hpack.js') as {
  compressor: { create(o: object): { write(h: Array<{ name: string; value: string }>): void; read(): Buffer | null } };
  decompressor: { create(o: object): { write(b: Buffer): void; execute(): void; read(): { name: string; value: string } | null } };
};

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const { stories, source } = benchStories();
const rawStories = stories.filter((s) => s.implementation === 'raw-data').map((s) => s.cases.map(caseFields));
const wireStories = stories.filter((s) => s.implementation === 'nghttp2').map((s) => s.cases.map((c) => Buffer.from(c.wire!, 'hex')));
const fieldsPerPass = rawStories.reduce((n, s) => n + s.reduce((m, l) => m + l.length, 0), 0);
const octetsPerPass = rawStories.reduce((n, s) => n + s.reduce((m, l) => m + l.reduce((k, [a, b]) => k + a.length + b.length, 0), 0), 0);
const blocksPerPass = wireStories.reduce((n, s) => n + s.length, 0);
const nghttp2 = stories.filter((s) => s.implementation === 'nghttp2').map((s) => s.cases.map(caseFields));
const decodedFieldsPerPass = nghttp2.reduce((n, s) => n + s.reduce((m, l) => m + l.length, 0), 0);
const decodedOctetsPerPass = nghttp2.reduce((n, s) => n + s.reduce((m, l) => m + l.reduce((k, [a, b]) => k + a.length + b.length, 0), 0), 0);

interface Result { passes: number; seconds: number }

function measure(pass: () => void): Result {
  for (let i = 0; i < 3; i++) pass(); // warm up
  const start = process.hrtime.bigint();
  let passes = 0;
  let elapsed = 0;
  while (elapsed < SECONDS) {
    pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { passes, seconds: elapsed };
}

// A check before timing anything: both decoders agree with the corpus on the first story.
{
  const ours = new HpackDecoder();
  const theirs = hpackjs.decompressor.create({ table: { size: 4096 } });
  const first = stories.find((s) => s.implementation === 'nghttp2')!;
  for (const c of first.cases) {
    const want = JSON.stringify(caseFields(c));
    const block = Buffer.from(c.wire!, 'hex');
    if (JSON.stringify(ours.decode(block)) !== want) throw new Error('our decoder disagrees with the corpus');
    theirs.write(block);
    theirs.execute();
    const got: Array<[string, string]> = [];
    for (let f = theirs.read(); f; f = theirs.read()) got.push([f.name, f.value]);
    if (JSON.stringify(got) !== want) throw new Error('hpack.js disagrees with the corpus');
  }
}

let sink = 0;
const passes: Record<string, () => void> = {
  'encode h2grpc': () => {
    for (const story of rawStories) {
      const encoder = new HpackEncoder();
      for (const list of story) sink += encoder.encode(list).length;
    }
  },
  'encode hpack.js': () => {
    for (const story of rawStories) {
      const comp = hpackjs.compressor.create({ table: { size: 4096 } });
      for (const list of story) {
        comp.write(list.map(([name, value]) => ({ name, value })));
        sink += comp.read()!.length;
      }
    }
  },
  'decode h2grpc': () => {
    for (const story of wireStories) {
      const decoder = new HpackDecoder();
      for (const block of story) sink += decoder.decode(block).length;
    }
  },
  'decode hpack.js': () => {
    for (const story of wireStories) {
      const decomp = hpackjs.decompressor.create({ table: { size: 4096 } });
      for (const block of story) {
        decomp.write(block);
        decomp.execute();
        while (decomp.read()) sink++;
      }
    }
  },
};
// --only h2grpc|hpack.js measures one library (the suite runs each in its own process, so neither warms or
// pollutes the other's shared builtins)
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const results: Record<string, Result> = {};
for (const [name, pass] of Object.entries(passes)) if (!only || name.endsWith(` ${only}`)) results[name] = measure(pass);

const rate = (r: Result) => r.passes / r.seconds;
console.log(`HPACK benchmark on ${source}: ${rawStories.length} raw stories (${fieldsPerPass} fields, ${(octetsPerPass / 1e6).toFixed(2)} MB of header text a pass), ` +
  `${wireStories.length} nghttp2 stories (${blocksPerPass} blocks a pass), ${SECONDS}s each, node ${process.version}`);
for (const [name, r] of Object.entries(results)) {
  const decode = name.startsWith('decode');
  const fields = rate(r) * (decode ? decodedFieldsPerPass : fieldsPerPass);
  const mb = (rate(r) * (decode ? decodedOctetsPerPass : octetsPerPass)) / 1e6;
  console.log(`${name.padEnd(16)} ${(fields / 1e6).toFixed(2).padStart(7)} M fields/s ${mb.toFixed(1).padStart(8)} MB/s`);
}
if (!only) {
  console.log(`ratio encode h2grpc/hpack.js: ${(rate(results['encode h2grpc']!) / rate(results['encode hpack.js']!)).toFixed(2)}x`);
  console.log(`ratio decode h2grpc/hpack.js: ${(rate(results['decode h2grpc']!) / rate(results['decode hpack.js']!)).toFixed(2)}x`);
}
if (process.argv.includes('--json')) {
  // one line for bench/suite.ts: M fields/s of each measurement
  const decode = (name: string) => name.startsWith('decode');
  console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([name, r]) => [name, (rate(r) * (decode(name) ? decodedFieldsPerPass : fieldsPerPass)) / 1e6]))));
}
if (sink < 0) console.log(sink);
