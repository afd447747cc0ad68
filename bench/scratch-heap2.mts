import { readFileSync, readdirSync } from 'node:fs';
const dir = '/tmp/heapsnap';
const file = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).sort().map((f) => `${dir}/${f}`).slice(-1)[0]!;
const s = JSON.parse(readFileSync(file, 'utf8'));
const f = s.snapshot.meta.node_fields; const n = f.length; const types = s.snapshot.meta.node_types[0];
const ef = s.snapshot.meta.edge_fields; const en = ef.length;
const iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size'), iEc = f.indexOf('edge_count');
const want = process.argv[2] ?? '(object properties)';
const wantType = process.argv[3] ?? 'array';
const owners = new Map<string, [number, number]>();
let e = 0;
for (let i = 0; i < s.nodes.length; i += n) {
  const ownerName = `${types[s.nodes[i + iType]]}:${s.strings[s.nodes[i + iName]].slice(0, 50)}`;
  const ec = s.nodes[i + iEc];
  for (let k = 0; k < ec; k++, e += en) {
    const to = s.edges[e + ef.indexOf('to_node')];
    if (types[s.nodes[to + iType]] === wantType && s.strings[s.nodes[to + iName]] === want) {
      const x = owners.get(ownerName) ?? [0, 0]; x[0] += s.nodes[to + iSize]; x[1]++; owners.set(ownerName, x);
    }
  }
}
for (const [k, [sz, c]] of [...owners].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.log(String(sz).padStart(9), String(c).padStart(6), k);
