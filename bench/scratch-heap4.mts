import { readFileSync, readdirSync } from 'node:fs';
const dir = '/tmp/heapsnap';
const file = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).sort().map((f) => `${dir}/${f}`).slice(-1)[0]!;
const s = JSON.parse(readFileSync(file, 'utf8'));
const f = s.snapshot.meta.node_fields; const n = f.length; const types = s.snapshot.meta.node_types[0];
const ef = s.snapshot.meta.edge_fields; const en = ef.length; const etypes = s.snapshot.meta.edge_types[0];
const iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size'), iEc = f.indexOf('edge_count');
const iEt = ef.indexOf('type'), iEn = ef.indexOf('name_or_index'), iTo = ef.indexOf('to_node');
const firstEdge = new Int32Array(s.nodes.length / n + 1);
let e = 0;
for (let i = 0, k = 0; i < s.nodes.length; i += n, k++) { firstEdge[k] = e; e += s.nodes[i + iEc] * en; }
const nm = (i: number) => s.strings[s.nodes[i + iName]];
const ty = (i: number) => types[s.nodes[i + iType]];
// the count of each constructor name, to find per-connection objects (count == N or multiples)
const roots: number[] = [];
for (let i = 0; i < s.nodes.length; i += n) if (ty(i) === 'object' && nm(i) === (process.argv[2] ?? 'Connection')) roots.push(i);
const root = roots[roots.length >> 1]!;
const STOP = new Set(['Server', 'Object.prototype', 'system / Map', 'Function']);
const seen = new Set<number>([root]);
const queue = [root];
const byType = new Map<string, [number, number]>();
const rootsAll = new Set(roots);
while (queue.length) {
  const i = queue.shift()!;
  const key = `${ty(i)}:${ty(i) === 'string' ? '' : nm(i).slice(0, 40)}`;
  const x = byType.get(key) ?? [0, 0]; x[0] += s.nodes[i + iSize]; x[1]++; byType.set(key, x);
  let ee = firstEdge[i / n]!;
  for (let k = 0; k < s.nodes[i + iEc]; k++, ee += en) {
    const et = etypes[s.edges[ee + iEt]];
    if (et === 'weak' || et === 'shortcut') continue;
    const to = s.edges[ee + iTo];
    const t = ty(to);
    if (seen.has(to) || rootsAll.has(to) || t === 'code' || t === 'hidden' && nm(to).startsWith('system / Map') || nm(to) === 'Server' || nm(to) === 'Object' && et === 'internal' && s.strings[s.edges[ee + iEn]] === '__proto__') continue;
    if (et === 'property' && (s.strings[s.edges[ee + iEn]] === '__proto__' || s.strings[s.edges[ee + iEn]] === 'constructor' || s.strings[s.edges[ee + iEn]] === 'server' || s.strings[s.edges[ee + iEn]] === '_server')) continue;
    if (t === 'closure' && et !== 'property' && et !== 'element' && et !== 'context' && et !== 'internal') continue;
    if (ty(i) === 'closure' && (s.strings[s.edges[ee + iEn]] === 'shared' || s.strings[s.edges[ee + iEn]] === 'feedback_cell')) continue;
    if (t === 'object' && (nm(to) === 'process' || nm(to) === 'global' || nm(to).startsWith('system / NativeContext'))) continue;
    seen.add(to); queue.push(to);
    if (seen.size > 3000) break;
  }
}
let total = 0;
for (const [k, [sz, c]] of [...byType].sort((a, b) => b[1][0] - a[1][0]).slice(0, 45)) { console.log(String(sz).padStart(7), String(c).padStart(4), k); }
for (const [, [sz]] of byType) total += sz;
console.log('total', total, 'nodes', seen.size);
