// The package as a user gets it: npm pack, install the tarball into a fresh project outside the repo (no tsx, no
// sources), then run JavaScript (ESM and CommonJS), type-check TypeScript against generated stubs, and use the command.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Server } from '../src/index.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { run } from './peers.js';

const repo = process.cwd();
const version = (pkg: string) => (JSON.parse(readFileSync(join(repo, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const ours = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

const work = mkdtempSync(join(tmpdir(), 'h2grpc-pack-'));
const project = join(work, 'project');
t.teardown(() => rmSync(work, { recursive: true, force: true }));

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

let packed: PackResult | undefined;

t.test('npm pack: a tarball of what a user needs, and nothing else', async (t) => {
  const r = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, timeout: 120_000 });
  t.equal(r.status, 0, r.stderr);
  packed = (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as PackResult[])[0]!;
  const paths = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/h2grpc.mjs', 'bin/protoc-gen-h2grpc.mjs', 'dist/index.js', 'dist/index.d.ts',
    'dist/protos/health.proto', 'dist/protos/reflection.proto', 'dist/protos/channelz.proto', 'dist/protos/binarylog.proto', 'dist/cli.js', 'dist/protoc-plugin.js',
    'dist/codegen.js', 'dist/codegen/index.d.ts', 'dist/grpc/schema/wkt/timestamp.d.ts', 'dist/protos/rpc.proto', 'dist/protos/kv.proto', 'dist/discovery.js', 'dist/discovery/index.d.ts']) {
    t.ok(paths.includes(needed), `ships ${needed}`);
  }
  const stray = paths.filter((p) => /^(test|bench|examples|scripts|src|\.ci|artifacts|docs|coverage|node_modules)\//.test(p) || /fixtures|\.test\.|tsbuildinfo/.test(p));
  t.same(stray, [], 'no tests, benches, fixtures, sources or .ci');
  t.ok(packed.size < 1024 * 1024, `tarball ${(packed.size / 1024).toFixed(0)} KiB (< 1 MiB, with HTTP/1.1, gRPC-Web, Connect, channelz and binary logging; over half of it unpacked is the source maps with their sources), unpacked ${(packed.unpackedSize / 1024).toFixed(0)} KiB, ${paths.length} files`);
  t.comment(`tarball: ${(packed.size / 1024).toFixed(0)} KiB, unpacked ${(packed.unpackedSize / 1024).toFixed(0)} KiB, ${paths.length} files`);
});

t.test('installed into a fresh project: JavaScript, TypeScript and the command', async (t) => {
  if (!packed) return t.fail('no tarball');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'h2grpc-user', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename),
    `typescript@${version('typescript')}`, `@types/node@${version('@types/node')}`], { cwd: project, timeout: 180_000 });
  t.equal(install.status, 0, install.stderr);
  t.notOk(existsSync(join(project, 'node_modules/tsx')), 'tsx is not installed with h2grpc');
  t.ok(existsSync(join(project, 'node_modules/protobufjs')), 'protobufjs is');
  t.notOk(existsSync(join(project, 'node_modules/ioredis')), 'ioredis (only the examples use it) is not');
  const shipped = JSON.parse(readFileSync(join(project, 'node_modules/h2grpc/package.json'), 'utf8')) as Record<string, unknown>;
  t.equal(shipped.scripts, undefined, 'the shipped package.json has no scripts: nothing for npm to run or ask approval for');
  t.equal(shipped.allowScripts, undefined, 'nor the repository\'s own install-script decisions');
  t.same(Object.keys(shipped.dependencies as object).sort(), ['@bufbuild/protobuf', 'protobufjs'], 'its runtime dependencies');
  t.match(install.stderr, /^(?![\s\S]*install-scripts[\s\S]*h2grpc)/, 'npm lists no install script of h2grpc');
  t.notOk(existsSync(join(repo, 'package.json.pack-backup')), 'the repository\'s package.json was put back after packing');
  copyFileSync(join(repo, 'examples/pi.proto'), join(project, 'pi.proto'));

  // plain JavaScript, ESM: serve and call the pi service loaded at run time; every layer's entry point resolves
  writeFileSync(join(project, 'app.mjs'), `import { Server, createClient, loadService, Status } from 'h2grpc';
import * as frames from 'h2grpc/frames';
import * as hpack from 'h2grpc/hpack';
import * as http2 from 'h2grpc/http2';
import * as grpc from 'h2grpc/grpc';
import * as trace from 'h2grpc/trace';
import * as codegen from 'h2grpc/codegen';
import * as discovery from 'h2grpc/discovery';
const pi = loadService('pi.proto', 'pi.PiCalculator');
const server = new Server().addService(pi, { Calc: ({ n }) => ({ value: n * 1.5 }) });
const port = await server.listen(0);
const client = createClient('127.0.0.1:' + port, pi);
const { value } = await client.Calc({ n: 2 });
console.log('value', value, 'status OK', Status.OK);
console.log('layers', [frames.FrameType, hpack.HpackDecoder, http2.Connection, grpc.Server, trace.TracePrinter, codegen.generate, discovery.EtcdClient].every(Boolean));
console.log('one copy', grpc.Server === Server && grpc.Metadata === (await import('h2grpc')).Metadata && http2.Connection === (await import('h2grpc/http2')).Connection);
new discovery.EtcdClient('http://127.0.0.1:2379').close(); // its .proto files load from dist
client.close();
await server.shutdown();
`);
  const esm = await run(process.execPath, ['app.mjs'], { cwd: project });
  t.equal(esm.status, 0, esm.stderr);
  t.match(esm.stdout, 'value 3 status OK 0');
  t.match(esm.stdout, 'layers true');
  t.match(esm.stdout, 'one copy true', 'entry points share one copy of each class (bundled with shared chunks)');

  // start-up: Node's loader costs per file, so `import('h2grpc')` loads the bundled entry and its shared chunks, not
  // one file per module of src/ (175 of them before the bundle; docs/performance.md, "Start-up")
  writeFileSync(join(project, 'count-hooks.mjs'), `export async function load(url, context, next) {
  if (url.includes('/node_modules/h2grpc/')) process.stderr.write('h2grpc file ' + url + '\\n');
  return next(url, context);
}
`);
  writeFileSync(join(project, 'count.mjs'), `import { register } from 'node:module';
register('./count-hooks.mjs', import.meta.url);
await import('h2grpc');
`);
  const counted = await run(process.execPath, ['count.mjs'], { cwd: project });
  t.equal(counted.status, 0, counted.stderr);
  const loaded = counted.stderr.split('\n').filter((line) => line.startsWith('h2grpc file '));
  t.ok(loaded.length >= 1 && loaded.length <= 12, `import('h2grpc') loads ${loaded.length} of its files (at most 12)`);

  // CommonJS: require(esm), which Node 20.19+ allows for modules without top-level await
  writeFileSync(join(project, 'app.cjs'), `const { Server, Status, encodeTimeout } = require('h2grpc');
const { HpackEncoder } = require('h2grpc/hpack');
console.log(typeof Server, Status.UNAVAILABLE, encodeTimeout(1500), typeof HpackEncoder);
`);
  const cjs = await run(process.execPath, ['app.cjs'], { cwd: project });
  t.equal(cjs.status, 0, cjs.stderr);
  t.equal(cjs.stdout.trim(), 'function 14 1500000u function');

  // the command, compiled: --version, gen, call
  const versionOut = await run('npx', ['h2grpc', '--version'], { cwd: project });
  t.equal(versionOut.status, 0, versionOut.stderr);
  t.equal(versionOut.stdout.trim(), `h2grpc ${ours.version}`);
  const gen = await run('npx', ['h2grpc', 'gen', '--out', 'gen', 'pi.proto'], { cwd: project });
  t.equal(gen.status, 0, gen.stderr);
  t.equal(gen.stdout.trim(), 'gen/pi.ts');
  t.match(readFileSync(join(project, 'gen/pi.ts'), 'utf8'), "import * as h2grpc from 'h2grpc';");

  const server = new Server().addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  t.teardown(() => server.shutdown({ graceMs: 100 }));
  const call = await run('npx', ['h2grpc', 'call', `127.0.0.1:${port}`, 'pi.PiCalculator/Calc', '--plaintext', '--proto', 'pi.proto', '-d', '{"n": 1000}'], { cwd: project });
  t.equal(call.status, 0, call.stderr);
  t.match(call.stdout, /"value": 3\.14/);

  // TypeScript, strict, against the generated stubs: compiles, then runs as JavaScript
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', outDir: 'build', types: ['node'], skipLibCheck: false },
    files: ['typed.ts'],
  }, null, 2));
  writeFileSync(join(project, 'typed.ts'), `import { createClient, Server, type ServiceHandlers, Status, StatusError } from 'h2grpc';
import { PiCalculator, type PiCalculatorShape, type PiRequest, type PiResponse } from './gen/pi.js';

const handlers: ServiceHandlers<PiCalculatorShape> = {
  Calc: async (request: PiRequest) => {
    if (request.n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'n must be positive');
    return { value: request.n / 2 };
  },
};
const server = new Server().addService(PiCalculator, handlers);
const port = await server.listen(0);
const client = createClient(\`127.0.0.1:\${port}\`, PiCalculator);
const response: PiResponse = await client.Calc({ n: 7 });
const half: number = response.value;
console.log('typed', half);
client.close();
await server.shutdown();
`);
  const tsc = join(project, 'node_modules/typescript/bin/tsc');
  const compiled = await run(process.execPath, [tsc, '-p', '.'], { cwd: project, timeout: 120_000 });
  t.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
  const typed = await run(process.execPath, ['build/typed.js'], { cwd: project });
  t.equal(typed.status, 0, typed.stderr);
  t.equal(typed.stdout.trim(), 'typed 3.5');

  // and the three mistakes the types exist to catch, each reported where it is
  writeFileSync(join(project, 'bad.ts'), `import { createClient, Server } from 'h2grpc';
import { PiCalculator } from './gen/pi.js';

const client = createClient('127.0.0.1:1', PiCalculator);
void client.Calc({ m: 1 });
new Server().addService(PiCalculator, { Calc: async () => ({ value: 'pi' }) });
void client.Calk({ n: 1 });
`);
  const bad = await run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--types', 'node', 'bad.ts'], { cwd: project, timeout: 120_000 });
  t.not(bad.status, 0, 'bad.ts does not compile');
  const errors = bad.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
  t.equal(errors.length, 3, errors.join('\n'));
  t.match(errors[0], /^bad\.ts\(5,\d+\): error TS2353: Object literal may only specify known properties, and 'm' does not exist in type 'PiRequestInit'/);
  t.match(errors[1], /^bad\.ts\(6,\d+\): error TS2322: Type '\(\) => Promise<\{ value: string; \}>' is not assignable to type '\(request: PiRequest, call: ServerCall\) =>/);
  t.match(bad.stdout, /Types of property 'value' are incompatible\.\s+Type 'string' is not assignable to type 'number'/);
  t.match(errors[2], /^bad\.ts\(7,13\): error TS2339: Property 'Calk' does not exist on type 'TypedClient<PiCalculatorShape>'/);
});
