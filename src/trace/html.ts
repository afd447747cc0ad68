// A trace as one self-contained HTML page (no network): a timeline of frames by stream; clicking a frame shows its
// annotated octets, its decoded fields, and both HPACK dynamic tables as they stood after it.
import { FrameType, frameTypeName, readFrameHeader } from '../frames/index.js';
import { mirrorDecoders } from './annotate.js';
import type { TraceEntry, TraceHeader } from './trace-file.js';

interface Row {
  t: number;
  dir: string;
  type: string;
  stream: number;
  length: number;
  view: string;
  octets: string;
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

export function traceHtml(header: TraceHeader, entries: TraceEntry[], views: string[], octets: string[]): string {
  const snapshots = tables(entries);
  const rows: Row[] = entries.map((entry, i) => {
    const isPreface = 'preface' in entry;
    const h = isPreface ? { type: -1, streamId: 0, length: 24 } : readFrameHeader(Buffer.from(entry.hex, 'hex'), 0);
    return {
      t: entry.t,
      dir: entry.dir,
      type: isPreface ? 'PREFACE' : frameTypeName(h.type),
      stream: h.streamId,
      length: h.length,
      view: views[i] ?? '',
      octets: octets[i] ?? '',
      tables: snapshots[i]!,
    };
  });
  const streams = [...new Set(rows.map((r) => r.stream))].sort((a, b) => a - b);
  const data = JSON.stringify(rows).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>h2grpc trace: ${escape(header.role)} ${escape(header.remote ?? '')}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }
#timeline { width: 46%; overflow: auto; border-right: 1px solid #ccc; }
#details { flex: 1; overflow: auto; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 2px 6px; text-align: left; white-space: nowrap; }
tr.frame { cursor: pointer; }
tr.frame:hover { background: #eef; }
tr.frame.selected { background: #cde; }
td.out { color: #06c; } td.in { color: #080; }
pre { background: #f6f6f6; padding: 6px; overflow: auto; }
h2 { font-size: 14px; margin: 12px 0 4px; }
.lane { display: inline-block; min-width: 2.5em; text-align: center; border-radius: 3px; color: #fff; }
</style></head>
<body>
<div id="timeline"><table><thead><tr><th>time (ms)</th><th>dir</th><th>frame</th><th>stream</th><th>length</th></tr></thead><tbody>
${rows.map((r, i) => `<tr class="frame" data-index="${i}" data-stream="${r.stream}"><td>${r.t.toFixed(3)}</td><td class="${r.dir}">${r.dir === 'out' ? 'send →' : '← recv'}</td><td>${r.type}</td><td><span class="lane" style="background:hsl(${(streams.indexOf(r.stream) * 67) % 360},55%,45%)">${r.stream}</span></td><td>${r.length}</td></tr>`).join('\n')}
</tbody></table></div>
<div id="details"><p>${escape(header.role)} side of a connection started ${escape(header.started)}${header.remote ? ` with ${escape(header.remote)}` : ''}: ${rows.length} entries on ${streams.length} streams. Click a frame.</p></div>
<script>
const rows = ${data};
const details = document.getElementById('details');
const esc = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const table = (entries) => entries.length ? '<table><tr><th>index</th><th>name</th><th>value</th></tr>' + entries.map(([n, v], i) => '<tr><td>' + (62 + i) + '</td><td>' + esc(n) + '</td><td>' + esc(v) + '</td></tr>').join('') + '</table>' : '<p>(empty)</p>';
function show(i) {
  document.querySelectorAll('tr.frame.selected').forEach((tr) => tr.classList.remove('selected'));
  document.querySelector('tr.frame[data-index="' + i + '"]').classList.add('selected');
  const r = rows[i];
  details.innerHTML = '<h2 id="title">' + (i + 1) + '. ' + (r.dir === 'out' ? 'send ' : 'recv ') + r.type + ' on stream ' + r.stream + '</h2>'
    + '<h2>decoded</h2><pre id="view">' + esc(r.view) + '</pre>'
    + '<h2>octets</h2><pre id="octets">' + esc(r.octets) + '</pre>'
    + '<h2>HPACK dynamic table of what we receive</h2>' + table(r.tables.in)
    + '<h2>HPACK dynamic table of what we send</h2>' + table(r.tables.out);
}
document.querySelectorAll('tr.frame').forEach((tr) => tr.addEventListener('click', () => show(Number(tr.dataset.index))));
</script>
</body></html>
`;
}
