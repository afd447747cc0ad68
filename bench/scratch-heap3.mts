import { readFileSync, readdirSync } from 'node:fs';
const dir = '/tmp/heapsnap';
const file = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).sort().map((f) => `${dir}/${f}`).slice(-1)[0]!;
const s = JSON.parse(readFileSync(file, 'utf8'));
const f = s.snapshot.meta.node_fields; const n = f.length; const types = s.snapshot.meta.node_types[0];
const ef = s.snapshot.meta.edge_fields; const en = ef.length; const etypes = s.snapshot.meta.edge_types[0];
const iType = f.indexOf('type'), iName = f.indexOf('name'), iEc = f.indexOf('edge_count');
const iEt = ef.indexOf('type'), iEn = ef.indexOf('name_or_index'), iTo = ef.indexOf('to_node');
// closures that own a properties array
const propOwners = new Set<number>();
let e = 0;
const firstEdge: number[] = [];
for (let i = 0; i < s.nodes.length; i += n) {
  firstEdge.push(e);
  const ec = s.nodes[i + iEc];
  for (let k = 0; k < ec; k++, e += en) {
    const to = s.edges[e + iTo];
    if (types[s.nodes[i + iType]] === 'closure' && types[s.nodes[to + iType]] === 'array' && s.strings[s.nodes[to + iName]] === '(object properties)') propOwners.add(i);
  }
}
// who points at them, under what edge name
const retain = new Map<string, number>();
e = 0;
for (let i = 0; i < s.nodes.length; i += n) {
  const ec = s.nodes[i + iEc];
  for (let k = 0; k < ec; k++, e += en) {
    const to = s.edges[e + iTo];
    if (!propOwners.has(to)) continue;
    const et = etypes[s.edges[e + iEt]];
    const name = et === 'element' || et === 'hidden' ? `[${et}]` : s.strings[s.edges[e + iEn]];
    const key = `${types[s.nodes[i + iType]]}:${s.strings[s.nodes[i + iName]].slice(0, 40)} .${name}`;
    retain.set(key, (retain.get(key) ?? 0) + 1);
  }
}
for (const [k, c] of [...retain].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(String(c).padStart(6), k);
// and the properties those closures have
const props = new Map<string, number>();
for (const i of propOwners) {
  const idx = i / n; let ee = firstEdge[idx]!;
  for (let k = 0; k < s.nodes[i + iEc]; k++, ee += en) if (etypes[s.edges[ee + iEt]] === 'property') { const p = s.strings[s.edges[ee + iEn]]; props.set(p, (props.get(p) ?? 0) + 1); }
}
console.log([...props].sort((a, b) => b[1] - a[1]).slice(0, 15));
