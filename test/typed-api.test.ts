// What the TypeScript types of a generated service catch, compiled by tsc as a user's project would be: the
// README's list ("What the types check"), each case a line of its own that must (or must not) fail to compile.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { run } from './peers.js';

const repo = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'h2grpc-types-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const from = (path: string) => relative(dir, join(repo, path)).replace(/\\/g, '/');

/** Each case: a line of code, and whether tsc must refuse it (with the text of its error). */
const CASES: Array<[string, string, RegExp | undefined]> = [
  ['a handler', `server.addService(PiCalculator, { Calc: async ({ n }) => ({ value: n }) });`, undefined],
  ['a method the service does not have', `server.addService(PiCalculator, { Calk: async () => ({ value: 1 }) });`, /'Calk' does not exist/],
  ['a response field of the wrong type', `server.addService(PiCalculator, { Calc: async () => ({ value: 'pi' }) });`, /Promise<{ value: string; }>' is not assignable/],
  ['a misspelled extra field checked with satisfies', `server.addService(PiCalculator, { Calc: async ({ n }) => ({ value: n, vlaue: 1 }) satisfies PiResponseInit });`, /'vlaue' does not exist/],
  ['a stub with the wrong request', `void client.Calc({ n: 'one' });`, /Type 'string' is not assignable to type 'number'/],
  ['unary by name: the response typed', `const r = await client.unary('Calc', { n: 1 }); const v: number = r.message.value; const h: Metadata = r.headers; void v, h;`, undefined],
  ['unary by name: a wrong response use', `const r = await client.unary('Calc', { n: 1 }); const s: string = r.message.value; void s;`, /Type 'number' is not assignable to type 'string'/],
  ['call by name: a stream typed', `for await (const m of client.call('Calc', [{ n: 1 }])) { const v: number = m.value; void v; }`, undefined],
];

t.test('tsc accepts the right uses and refuses the wrong ones, naming the problem', async (t) => {
  const head = [
    `import { createClient, Server, type Metadata } from '${from('src/index.js')}';`,
    `import { PiCalculator, type PiResponseInit } from '${from('examples/gen/pi.js')}';`,
    'const server = new Server();',
    "const client = createClient('127.0.0.1:1', PiCalculator);",
    'void server, client;',
  ];
  const files = CASES.map(([, code], i) => {
    const name = `case${i}.ts`;
    writeFileSync(join(dir, name), [...head, `export async function f() { ${code} }`, ''].join('\n'));
    return name;
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] },
    files,
  }));
  const r = await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, timeout: 300_000 });
  const errors = r.stdout.split('\n').filter((line) => /error TS/.test(line));
  CASES.forEach(([what, , expected], i) => {
    const mine = errors.filter((line) => line.startsWith(`case${i}.ts(`)).join('\n');
    if (expected) t.match(mine, expected, `${what}: refused`);
    else t.equal(mine, '', `${what}: compiles`);
  });
});
