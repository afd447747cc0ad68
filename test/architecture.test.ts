// The shape of src/ (docs/architecture.md), checked on every import, type-only ones included: layers import one way,
// rooms are entered through their index.ts, no import runs in a circle, no file grows past 450 lines, no
// HTTP or gRPC library is imported where we write those layers ourselves, and the doc names every file and the
// LAYERS table as it is.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';

const SRC = path.resolve(import.meta.dirname, '../src');
const MAX_LINES = 450;

/** What each layer may import, besides itself (docs/architecture.md, "Layers"). */
const LAYERS: Record<string, readonly string[]> = {
  frames: [],
  hpack: [],
  http1: [],
  codegen: [],
  http2: ['frames', 'hpack'],
  'http1-connection': ['http1'],
  grpc: ['frames', 'hpack', 'http2', 'http1', 'http1-connection', 'codegen'],
  discovery: ['grpc'],
  trace: ['frames', 'hpack', 'http2', 'http1', 'http1-connection', 'grpc', 'codegen'],
  cli: ['frames', 'hpack', 'http2', 'grpc', 'codegen', 'trace', 'discovery'],
  '.': ['grpc'], // src/index.ts, the package's main entry
};

/** Which rooms of src/grpc each room may enter (docs/architecture.md, "The rooms of src/grpc"). */
const GRPC_ROOMS: Record<string, readonly string[]> = {
  schema: [],
  call: ['schema'],
  services: ['schema', 'call'],
  protocols: ['schema', 'call'],
  server: ['schema', 'call', 'services', 'protocols', 'channelz'],
  channelz: ['call'],
  channel: ['schema', 'call', 'channelz'],
  client: ['schema', 'call', 'channel', 'services', 'protocols', 'channelz'],
  telemetry: ['schema', 'call'],
  binlog: ['call'],
};

/** Which rooms of src/trace each room may enter (docs/architecture.md, "The rooms of src/trace"). */
const TRACE_ROOMS: Record<string, readonly string[]> = {
  decode: [],
  file: ['decode'],
  terminal: ['decode'],
  page: ['decode', 'file', 'terminal'],
};

/** The layers whose files live in rooms, and which rooms each room may enter. */
const ROOMS: Record<string, Record<string, readonly string[]>> = { grpc: GRPC_ROOMS, trace: TRACE_ROOMS };

/** Never in src/: writing these layers is the point of the project. */
const FORBIDDEN = /^(node:)?(http|http2|https)$|^@grpc\/grpc-js$|^(hpack|hpack\.js|http2-wrapper|undici|spdy)$/;

interface Import {
  from: string; // repository path of the importing file, relative to src/
  spec: string;
  to: string | undefined; // resolved file relative to src/, for a relative import
  line: number;
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

// static imports and re-exports (with `type` or not, across lines) and dynamic import()
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3]!;
    const line = text.slice(0, match.index! + match[0].length).split('\n').length;
    let to: string | undefined;
    if (spec.startsWith('.')) to = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts');
    found.push({ from: file, spec, to, line });
  }
  return found;
}

const layerOf = (file: string): string => (file.includes('/') ? file.split('/')[0]! : '.');

/** The room of a file inside a layer (its first folder there), or undefined for the layer's own files. */
const roomIn = (layer: string, file: string): string | undefined => {
  const parts = file.split('/');
  return parts[0] === layer && parts.length > 2 ? parts[1] : undefined;
};

/**
 * Rooms are entered through their doors: a file may import a file of its own folder or of a folder around it, or
 * the index.ts of a folder that sits beside it (or beside a folder around it). Another layer: only its index.ts.
 */
function doorProblem(from: string, to: string): string | undefined {
  if (layerOf(from) !== layerOf(to)) {
    return to === `${layerOf(to)}/index.ts` ? undefined : `enters the ${layerOf(to)} layer other than through ${layerOf(to)}/index.ts`;
  }
  const fromDir = path.dirname(from);
  const toDir = path.dirname(to);
  const within = (dir: string, outer: string) => dir === outer || dir.startsWith(`${outer}/`);
  if (within(fromDir, toDir)) return undefined;
  if (path.basename(to) === 'index.ts' && within(fromDir, path.dirname(toDir))) return undefined;
  return `enters ${toDir}/ other than through ${toDir}/index.ts`;
}

/** Every cycle's members, by Tarjan's strongly connected components. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexes.get(next)!));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      if (members.length > 1 || graph.get(node)?.has(node)) found.push(members.sort());
    }
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return found;
}

const files = sourceFiles();
const texts = new Map(files.map((file) => [file, readFileSync(path.join(SRC, file), 'utf8')]));
const imports = files.flatMap((file) => importsOf(file, texts.get(file)!));
const where = (i: Import) => `src/${i.from}:${i.line} imports '${i.spec}'`;

t.test('the checker sees the imports it must see', async (t) => {
  const sample = importsOf('grpc/a/x.ts', [
    "import { A } from './a.js';",
    "import type { B } from '../b/index.js';",
    'export {',
    '  C,',
    "} from '../../http2/index.js';",
    "export * as wkt from './wkt/index.js';",
    "const { d } = await import('./d.js');",
    "import 'node:http2';",
  ].join('\n'));
  t.same(sample.map((i) => i.to ?? i.spec), ['grpc/a/a.ts', 'grpc/b/index.ts', 'http2/index.ts', 'grpc/a/wkt/index.ts', 'grpc/a/d.ts', 'node:http2']);
  t.equal(doorProblem('grpc/client/client.ts', 'grpc/channel/channel.ts'), 'enters grpc/channel/ other than through grpc/channel/index.ts');
  t.equal(doorProblem('grpc/client/client.ts', 'grpc/channel/index.ts'), undefined);
  t.equal(doorProblem('grpc/schema/wkt/runtime.ts', 'grpc/schema/file-definition.ts'), undefined, 'a room inside a room reaches its surroundings');
  t.equal(doorProblem('trace/terminal/printer.ts', 'codegen/descriptors.ts'), 'enters the codegen layer other than through codegen/index.ts');
  t.equal(doorProblem('trace/page/html.ts', 'trace/file/lanes.ts'), 'enters trace/file/ other than through trace/file/index.ts');
  t.equal(doorProblem('trace/tracer.ts', 'trace/terminal/index.ts'), undefined, "the layer's own files enter a room by its door");
  t.same(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['a'])], ['c', new Set(['a'])]])), [['a', 'b']]);
  t.ok(imports.length > 300, `${imports.length} imports read in ${files.length} files`);
});

t.test('every relative import names a file that exists', async (t) => {
  const missing = imports.filter((i) => i.to && !texts.has(i.to)).map(where);
  t.same(missing, []);
});

t.test('no file imports the HTTP or gRPC libraries this project writes itself', async (t) => {
  t.same(imports.filter((i) => FORBIDDEN.test(i.spec)).map(where), []);
});

t.test('layers import one way', async (t) => {
  t.same(Object.keys(LAYERS).sort(), [...new Set(files.map(layerOf))].sort(), 'every layer of src/ is in the table');
  const against = imports.filter((i) => i.to && layerOf(i.from) !== layerOf(i.to) && !LAYERS[layerOf(i.from)]!.includes(layerOf(i.to)));
  t.same(against.map(where), []);
});

t.test('rooms are entered through their index.ts', async (t) => {
  const problems = imports.flatMap((i) => {
    const problem = i.to && texts.has(i.to) ? doorProblem(i.from, i.to) : undefined;
    return problem ? [`${where(i)}: ${problem}`] : [];
  });
  t.same(problems, []);
});

for (const [layer, table] of Object.entries(ROOMS)) {
  t.test(`the rooms of src/${layer} import one way`, async (t) => {
    const rooms = new Set(files.map((file) => roomIn(layer, file)).filter((room) => room !== undefined));
    t.same([...rooms].sort(), Object.keys(table).sort(), `every room of src/${layer} is in the table`);
    const against = imports.filter((i) => {
      if (!i.to || layerOf(i.from) !== layer || layerOf(i.to) !== layer) return false;
      const [from, to] = [roomIn(layer, i.from), roomIn(layer, i.to)];
      if (from === undefined) return false; // the layer's own files (its door among them) enter any room
      if (to === undefined) return true; // a room importing the layer's own files, its door among them
      return from !== to && !table[from]!.includes(to);
    });
    t.same(against.map(where), []);
  });
}

t.test('no import runs in a circle, between files or between rooms', async (t) => {
  const fileGraph = new Map<string, Set<string>>(files.map((file) => [file, new Set<string>()]));
  const roomGraph = new Map<string, Set<string>>();
  const roomOf = (file: string) => file.split('/').slice(0, file.split('/').length > 2 ? 2 : 1).join('/');
  for (const i of imports) {
    if (!i.to || !texts.has(i.to)) continue;
    fileGraph.get(i.from)!.add(i.to);
    const [from, to] = [roomOf(i.from), roomOf(i.to)];
    if (from !== to) (roomGraph.get(from) ?? roomGraph.set(from, new Set()).get(from)!).add(to);
  }
  t.same(cycles(fileGraph), [], 'files');
  t.same(cycles(roomGraph), [], 'rooms');
});

t.test(`no file is over ${MAX_LINES} lines`, async (t) => {
  const long = files.map((file) => [file, texts.get(file)!.split('\n').length - 1] as const).filter(([, lines]) => lines > MAX_LINES);
  t.same(long.map(([file, lines]) => `src/${file}: ${lines} lines`), []);
});

const DOC = readFileSync(path.resolve(import.meta.dirname, '../docs/architecture.md'), 'utf8');

t.test('docs/architecture.md names every file of src/', async (t) => {
  // as a name of its own: `headers.ts` inside `request-headers.ts` does not count
  const named = (base: string) => new RegExp(`(?<![\\w.-])${base.replace(/[.]/g, '\\.')}(?![\\w.-])`).test(DOC);
  t.same(files.filter((file) => !named(path.basename(file))).map((file) => `src/${file}`), []);
  t.notOk(named('no-such-file.ts'), 'the check can fail');
  t.ok(named('headers.ts') && !new RegExp('(?<![\\w.-])eaders\\.ts(?![\\w.-])').test(DOC), 'a name is matched whole');
});

t.test("docs/architecture.md's layer table is the LAYERS table", async (t) => {
  const section = DOC.slice(DOC.indexOf('\n## Layers'), DOC.indexOf('\n## ', DOC.indexOf('\n## Layers') + 1));
  const table = new Map<string, string[]>();
  for (const [, layers, imports] of section.matchAll(/^\| (`[\w-]+`(?:, `[\w-]+`)*) \| ([^|]+) \|/gm)) {
    const allowed = imports!.trim() === 'nothing of `src/`' ? [] : imports!.split(',').map((name) => name.trim());
    for (const layer of layers!.split(', ')) table.set(layer.slice(1, -1), allowed.sort());
  }
  const expected = Object.entries(LAYERS).filter(([layer]) => layer !== '.');
  t.same(Object.fromEntries([...table].sort()), Object.fromEntries(expected.map(([layer, allowed]) => [layer, [...allowed].sort()]).sort()));
});
