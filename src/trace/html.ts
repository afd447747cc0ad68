// A trace as one self-contained HTML page (no network), driven by the keyboard: a list of frames (direction, type,
// flags, stream lane), filters by stream and type, search; the selected frame's decoded fields, its octets annotated
// down to the protobuf field, and both HPACK dynamic tables as they stood after it.
import { gzipSync } from 'node:zlib';
import { flagNames, FrameType, frameTypeName, readFrameHeader } from '../frames/index.js';
import { mirrorDecoders } from './annotate.js';
import type { TraceEntry, TraceHeader } from './trace-file.js';

interface Row {
  tables: { in: Array<[string, string]>; out: Array<[string, string]> };
}

/** Both dynamic tables after each entry, from decoding every field block in order. */
function tables(entries: TraceEntry[]): Row['tables'][] {
  const hpack = mirrorDecoders();
  const pending = { in: [] as Buffer[], out: [] as Buffer[] };
  return entries.map((entry) => {
    if (!('preface' in entry)) {
      const bytes = Buffer.from(entry.hex, 'hex');
      const h = readFrameHeader(bytes, 0);
      if (h.type === FrameType.HEADERS || h.type === FrameType.CONTINUATION) {
        let start = 9;
        let end = 9 + h.length;
        if (h.type === FrameType.HEADERS && h.flags & 0x8) {
          end -= bytes[9]!;
          start++;
        }
        if (h.type === FrameType.HEADERS && h.flags & 0x20) start += 5;
        pending[entry.dir].push(bytes.subarray(start, end));
        if (h.flags & 0x4) {
          try {
            hpack[entry.dir].decode(Buffer.concat(pending[entry.dir]));
          } catch {
            // shown as an error in the frame's view
          }
          pending[entry.dir] = [];
        }
      }
    }
    return { in: hpack.in.table.entries(), out: hpack.out.table.entries() };
  });
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The flags a frame's list row shows (RFC 9113 §6): END_STREAM, END_HEADERS, ACK, PADDED, PRIORITY. */
function flagsOf(type: number, flags: number): string {
  return flagNames(type, flags).join(' ');
}

/**
 * The page: the entries' data as gzipped JSON (base64) that the page unpacks with DecompressionStream, so that a
 * 1000-call trace stays small; the list is built from it, the details drawn for the selected frame only; HPACK
 * table snapshots are stored once each and referred to by number.
 */
export function traceHtml(header: TraceHeader, entries: TraceEntry[], views: string[], octets: string[]): string {
  const snapshots = tables(entries);
  const unique = new Map<string, number>();
  const tableList: Array<Row['tables']> = [];
  const rows = entries.map((entry, i) => {
    const isPreface = 'preface' in entry;
    const h = isPreface ? { type: -1, flags: 0, streamId: 0, length: 24 } : readFrameHeader(Buffer.from(entry.hex, 'hex'), 0);
    const key = JSON.stringify(snapshots[i]);
    let table = unique.get(key);
    if (table === undefined) {
      table = tableList.length;
      unique.set(key, table);
      tableList.push(snapshots[i]!);
    }
    return [entry.t, entry.dir, isPreface ? 'PREFACE' : frameTypeName(h.type), h.streamId, h.length, isPreface ? '' : flagsOf(h.type, h.flags), views[i] ?? '', octets[i] ?? '', table];
  });
  const packed = gzipSync(JSON.stringify({ rows, tables: tableList }), { level: 9 }).toString('base64');
  const streams = [...new Set(rows.map((r) => r[3] as number))].sort((a, b) => a - b);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>h2grpc trace: ${escape(header.role)} ${escape(header.remote ?? '')}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; }
#bar { padding: 4px 8px; border-bottom: 1px solid #ccc; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
#main { flex: 1; display: flex; min-height: 0; }
#timeline { width: 46%; overflow: auto; border-right: 1px solid #ccc; }
#details { flex: 1; overflow: auto; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 2px 6px; text-align: left; white-space: nowrap; }
tr.frame { cursor: pointer; }
tr.frame:hover { background: #eef; }
tr.frame.selected { background: #cde; outline: 1px solid #69c; }
tr.frame.hidden { display: none; }
td.out { color: #06c; } td.in { color: #080; }
td.flags { font-size: 11px; color: #555; }
pre { background: #f6f6f6; padding: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
h2 { font-size: 14px; margin: 12px 0 4px; }
.lane { display: inline-block; min-width: 2.5em; text-align: center; border-radius: 3px; color: #fff; }
#more.closed { display: none; }
kbd { border: 1px solid #aaa; border-radius: 3px; padding: 0 3px; font-size: 11px; }
</style></head>
<body>
<div id="bar">
<button id="first" title="Home">⇤</button><button id="prev" title="↑ or k">↑ prev</button><button id="next" title="↓ or j">↓ next</button><button id="last" title="End">⇥</button>
<button id="pstream" title="p">◀ stream</button><button id="nstream" title="n">stream ▶</button><button id="toggle" title="Enter or Space">details</button>
<input id="search" placeholder="/ search" size="16">
<select id="fstream"><option value="">all streams</option>${streams.map((s) => `<option value="${s}">stream ${s}</option>`).join('')}</select>
<select id="ftype"><option value="">all frame types</option>${['PREFACE', 'DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'].map((x) => `<option>${x}</option>`).join('')}</select>
<span id="keys"><kbd>↑</kbd><kbd>↓</kbd>/<kbd>j</kbd><kbd>k</kbd> step · <kbd>n</kbd>/<kbd>p</kbd> same stream · <kbd>Enter</kbd> details · <kbd>/</kbd> search · <kbd>Home</kbd>/<kbd>End</kbd></span>
</div>
<div id="main">
<div id="timeline"><table><thead><tr><th>time (ms)</th><th>dir</th><th>frame</th><th>flags</th><th>stream</th><th>length</th></tr></thead><tbody id="list"></tbody></table></div>
<div id="details"><p id="intro">${escape(header.role)} side of a connection started ${escape(header.started)}${header.remote ? ` with ${escape(header.remote)}` : ''}: ${rows.length} entries on ${streams.length} streams. Loading…</p></div>
</div>
<script id="data" type="application/octet-stream">${packed}</script>
<script>
const STREAMS = ${JSON.stringify(streams)};
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const table = (entries) => entries.length ? '<table><tr><th>index</th><th>name</th><th>value</th></tr>' + entries.map(([n, v], i) => '<tr><td>' + (62 + i) + '</td><td>' + esc(n) + '</td><td>' + esc(v) + '</td></tr>').join('') + '</table>' : '<p>(empty)</p>';
let rows = [], tables = [], trs = [], current = -1, open = true;
const visible = (i) => !trs[i].classList.contains('hidden');
function show(i) {
  if (i < 0 || i >= rows.length) return;
  if (current >= 0) trs[current].classList.remove('selected');
  current = i;
  trs[i].classList.add('selected');
  trs[i].scrollIntoView({ block: 'nearest' });
  const [t, dir, type, stream, length, flags, view, octets, tbl] = rows[i];
  $('details').innerHTML = '<h2 id="title">' + (i + 1) + ' of ' + rows.length + '. ' + (dir === 'out' ? 'send ' : 'recv ') + type + ' on stream ' + stream + (flags ? ' [' + flags + ']' : '') + '</h2>'
    + '<h2>decoded</h2><pre id="view">' + esc(view) + '</pre>'
    + '<div id="more" class="' + (open ? '' : 'closed') + '"><h2>octets</h2><pre id="octets">' + esc(octets) + '</pre>'
    + '<h2>HPACK dynamic table of what we receive</h2>' + table(tables[tbl].in)
    + '<h2>HPACK dynamic table of what we send</h2>' + table(tables[tbl].out) + '</div>';
}
function step(from, by, match) {
  for (let i = from + by; i >= 0 && i < rows.length; i += by) if (visible(i) && (!match || match(i))) return show(i);
}
const sameStream = (i) => rows[i][3] === rows[current][3];
function search(text) {
  const q = text.toLowerCase();
  if (q) step(current, 1, (i) => (rows[i][2] + ' ' + rows[i][5] + ' stream ' + rows[i][3] + ' ' + rows[i][6]).toLowerCase().includes(q));
}
function filter() {
  const s = $('fstream').value, ty = $('ftype').value;
  rows.forEach((r, i) => trs[i].classList.toggle('hidden', (s !== '' && String(r[3]) !== s) || (ty !== '' && r[2] !== ty)));
  if (current < 0 || !visible(current)) step(-1, 1);
}
const actions = {
  next: () => step(current, 1), prev: () => step(current, -1), first: () => step(-1, 1), last: () => step(rows.length, -1),
  nstream: () => step(current, 1, sameStream), pstream: () => step(current, -1, sameStream),
  toggle: () => { open = !open; const m = $('more'); if (m) m.className = open ? '' : 'closed'; },
};
for (const [id, f] of Object.entries(actions)) $(id).addEventListener('click', f);
$('fstream').addEventListener('change', filter);
$('ftype').addEventListener('change', filter);
$('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') search($('search').value); if (e.key === 'Escape') $('search').blur(); e.stopPropagation(); });
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLSelectElement) return;
  const key = { ArrowDown: 'next', j: 'next', ArrowUp: 'prev', k: 'prev', n: 'nstream', p: 'pstream', Home: 'first', End: 'last', Enter: 'toggle', ' ': 'toggle' }[e.key];
  if (e.key === '/') { e.preventDefault(); $('search').focus(); return; }
  if (key) { e.preventDefault(); actions[key](); }
});
(async () => {
  const bytes = Uint8Array.from(atob($('data').textContent), (c) => c.charCodeAt(0));
  const json = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  ({ rows, tables } = JSON.parse(json));
  const list = $('list');
  const fragment = document.createDocumentFragment();
  rows.forEach((r, i) => {
    const tr = document.createElement('tr');
    tr.className = 'frame';
    tr.dataset.index = i;
    tr.dataset.stream = r[3];
    tr.innerHTML = '<td>' + r[0].toFixed(3) + '</td><td class="' + r[1] + '">' + (r[1] === 'out' ? 'send →' : '← recv') + '</td><td>' + r[2] + '</td><td class="flags">' + esc(r[5]) + '</td><td><span class="lane" style="background:hsl(' + ((STREAMS.indexOf(r[3]) * 67) % 360) + ',55%,45%)">' + r[3] + '</span></td><td>' + r[4] + '</td>';
    tr.addEventListener('click', () => show(i));
    fragment.appendChild(tr);
    trs.push(tr);
  });
  list.appendChild(fragment);
  $('intro').textContent = $('intro').textContent.replace('Loading…', 'Step with the keys above, or click a frame.');
  document.body.dataset.ready = 'yes';
})();
</script>
</body></html>
`;
}
