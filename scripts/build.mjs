// npm run build: the package's JavaScript, its declarations and the .proto files the runtime loads, in dist/.
// Plain JavaScript, so that it runs where tsx is not installed.
//
// JavaScript: esbuild bundles each entry point of package.json's "exports" (and the two commands) from src/ into one
// file in dist/, with the code two entry points share in dist/chunk-*.js and each `await import()` of src/ left as a
// chunk loaded on first use. A program pays Node's module loader per file: `import('h2grpc')` took ~150 ms over
// the 175 files tsc writes, and ~75 ms over a handful of bundled files (docs/performance.md, "Start-up").
// Every file lands in dist/ itself, so `new URL('./protos/x.proto', import.meta.url)` finds dist/protos/ from any
// of them, as it finds src/<room>/protos/ from the source. Not minified: stack traces read as the source does, and
// the source maps (with their sources) lead back to src/.
// Declarations: tsc -p tsconfig.build.json writes dist/**/*.d.ts, mirroring src/; beside each entry's file, a
// dist/<entry>.d.ts re-exports its room's, for code that imports dist/<entry>.js by path (bench/).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const entryPoints = {
  index: 'src/index.ts',
  frames: 'src/frames/index.ts',
  hpack: 'src/hpack/index.ts',
  http2: 'src/http2/index.ts',
  grpc: 'src/grpc/index.ts',
  trace: 'src/trace/index.ts',
  discovery: 'src/discovery/index.ts',
  codegen: 'src/codegen/index.ts',
  cli: 'src/cli/main.ts',
  'protoc-plugin': 'src/cli/protoc-plugin.ts',
};

rmSync(new URL('dist', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
await build({
  absWorkingDir: new URL('.', root).pathname,
  entryPoints,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
});
for (const room of ['src/grpc/services/protos', 'src/grpc/binlog/protos', 'src/discovery/protos']) {
  for (const file of readdirSync(new URL(room, root))) cpSync(new URL(`${room}/${file}`, root), new URL(`dist/protos/${file}`, root));
}
for (const [name, source] of Object.entries(entryPoints)) {
  if (name === 'index' || !source.endsWith('/index.ts')) continue;
  writeFileSync(new URL(`dist/${name}.d.ts`, root), `export * from './${source.slice(4, -3)}.js';\n`);
}
