// A trace as one self-contained HTML page (no network), driven by the keyboard with the key map `trace step` uses
// (keys.ts): a list of frames (direction, type, flags, stream lane), filters by stream and type, search; the
// selected frame's decoded fields, its octets annotated down to the protobuf field, and (t) both HPACK dynamic
// tables as they stood after it. The page shows its first frames at once and the rest as it decodes them. Above the
// list, the connections as lanes on a time axis (html-lanes.ts, lanes.ts); an HTTP/1.1 connection's parts are
// listed as its frames are; a panel calls a running server from the page (html-live.ts).
import { gzipSync } from 'node:zlib';
import { flagNames, frameTypeName, readFrameHeader } from '../../frames/index.js';
import { Http1View } from '../decode/index.js';
import { dynamicTables, laneModel, type TraceEntry, type TraceHeader } from '../file/index.js';
import { HANGING, pageKeyMap, TRACE_KEYS, type TraceAction } from '../terminal/index.js';
import { LANES_CSS, LANES_HTML, LANES_SCRIPT } from './html-lanes.js';
import { LIVE_CSS, LIVE_SCRIPT, liveHtml, type LiveDefaults } from './html-live.js';

/** One connection for the page: its trace and, per entry, the printer's text and the annotated octets. */
export interface PageTrace {
  header: TraceHeader;
  entries: TraceEntry[];
  views: string[];
  octets: string[];
}

/** The list's "type" of an HTTP/1.1 part, from its title. */
function partType(title: string): string {
  if (/ HTTP\/1\.[01]$/.test(title)) return 'REQUEST';
  if (/^HTTP\/1\.[01] /.test(title)) return 'RESPONSE';
  if (title.startsWith('chunk of')) return 'CHUNK';
  if (title === 'last chunk') return 'LAST CHUNK';
  return 'CONTENT';
}

/** The live panel's first values: the server of the (first) trace, its first method, and a request seen in it. */
function liveDefaults(trace: PageTrace): LiveDefaults {
  const { header, views } = trace;
  const server = header.role === 'server' ? header.local : header.remote;
  const text = views.join('\n');
  const path = /:path: (\/\S+)/.exec(text)?.[1] ?? /(?:send|recv) POST (\/\S+) HTTP\/1\.1/.exec(text)?.[1] ?? '/';
  const requestDir = header.role === 'client' ? 'send' : 'recv';
  let body = '{}';
  for (const view of views) {
    if (!view.includes(`] ${requestDir} `) && !view.startsWith(requestDir)) continue;
    const json = /^ +(?:[A-Za-z_][\w.]* )?(\{.*\})$/m.exec(view)?.[1];
    if (json) {
      body = json;
      break;
    }
  }
  return { url: server ? `http://${server}` : 'http://127.0.0.1:8080', path, body };
}

/** The list's types of HTTP/1.1 parts (its "frame types" column). */
const HTTP1_TYPES = ['REQUEST', 'RESPONSE', 'CONTENT', 'CHUNK', 'LAST CHUNK'];

/** How many frames the page shows before it goes on decoding the rest: more than a screen's worth. */
export const FIRST_SCREEN = 60;

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
/** A button's keys, for its tooltip: "Home or g". */
const keysOf = (action: TraceAction) => escape(TRACE_KEYS.find((k) => k.action === action)!.keys.join(' or '));

/**
 * The page, which lists its first frames as soon as it has decoded them and the rest as it goes. Its data is gzipped
 * JSON Lines (base64) read through a DecompressionStream line by line: after the first FIRST_SCREEN frames the list
 * and the first frame are drawn before anything more is read. A line is a frame ([time, dir, type, stream, length,
 * flags, view, octets, tables]) or a pair of HPACK tables ({in, out}); each distinct pair is written once, before
 * the first frame that refers to it by number.
 */
export function traceHtml(header: TraceHeader, entries: TraceEntry[], views: string[], octets: string[], more: PageTrace[] = []): string {
  const traces: PageTrace[] = [{ header, entries, views, octets }, ...more];
  const model = laneModel(traces);
  const unique = new Map<string, number>();
  const lines: string[] = [];
  const streams = new Map<string, number | string>(); // a stream's key in the rows: its number, or "2:3" with several connections
  let g = 0;
  traces.forEach((trace, k) => {
    const snapshots = dynamicTables(trace.entries);
    const http1 = new Http1View(trace.header.role, () => '');
    trace.entries.forEach((entry, i) => {
      const key = JSON.stringify(snapshots[i]);
      let table = unique.get(key);
      if (table === undefined) {
        table = unique.size;
        unique.set(key, table);
        lines.push(key);
      }
      let type: string;
      let lane: number;
      let length: number;
      let flags = '';
      if ('http1' in entry) {
        const part = http1.part(entry.dir, Buffer.from(entry.http1, 'hex'));
        [type, lane, length, flags] = [partType(part.title), part.exchange, entry.http1.length / 2, part.title];
      } else if ('hex' in entry) {
        const h = readFrameHeader(Buffer.from(entry.hex, 'hex'), 0);
        [type, lane, length, flags] = [frameTypeName(h.type), h.streamId, h.length, flagNames(h.type, h.flags).join(' ')];
      } else [type, lane, length] = ['PREFACE', 0, 24];
      const stream = traces.length > 1 ? `${k + 1}:${lane}` : lane;
      streams.set(String(stream), stream);
      lines.push(JSON.stringify([model.times[g++], entry.dir, type, stream, length, flags, trace.views[i] ?? '', trace.octets[i] ?? '', table]));
    });
  });
  lines.push(JSON.stringify({ lanes: model.lanes, laneOf: model.laneOf, end: model.end }));
  const packed = gzipSync(lines.join('\n'), { level: 9 }).toString('base64');
  const lanes = [...streams.values()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true })));
  const total = traces.reduce((n, t) => n + t.entries.length, 0);
  const connections = traces.length > 1 ? `${traces.length} connections` : 'a connection';
  const hasHttp1 = traces.some((t) => t.entries.some((e) => 'http1' in e));
  const help = TRACE_KEYS.filter((k) => !k.stepOnly)
    .map((k) => `<tr><td>${k.keys.map((name) => `<kbd>${escape(name)}</kbd>`).join(' ')}</td><td>${escape(k.does)}</td></tr>`).join('');
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
/* the list: rows of fixed height in blocks the browser lays out only when they scroll into view */
.row { display: flex; height: 20px; line-height: 20px; white-space: nowrap; }
.row > span { padding: 0 6px; overflow: hidden; text-overflow: ellipsis; flex: none; }
.row > :nth-child(1) { width: 72px; } .row > :nth-child(2) { width: 56px; } .row > :nth-child(3) { width: 124px; }
.row > :nth-child(4) { flex: 1; min-width: 60px; font-size: 11px; color: #555; } .row > :nth-child(5) { width: 56px; } .row > :nth-child(6) { width: 52px; }
.row.head > :nth-child(4) { font-size: inherit; color: inherit; }
.row.head { font-weight: bold; position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ccc; }
.block { content-visibility: auto; }
.frame { cursor: pointer; }
.frame:hover { background: #eef; }
.frame.selected { background: #cde; outline: 1px solid #69c; }
.frame.hidden { display: none; }
.out { color: #06c; } .in { color: #080; }
pre { background: #f6f6f6; padding: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
h2 { font-size: 14px; margin: 12px 0 4px; }
.lane { display: inline-block; min-width: 2.5em; text-align: center; border-radius: 3px; color: #fff; }
#tables.closed, #help.closed { display: none; }
#help { position: fixed; top: 40px; right: 16px; background: #fff; border: 1px solid #888; padding: 8px; box-shadow: 0 2px 8px #0004; }
#goto:empty { display: none; }${LANES_CSS}${LIVE_CSS}
kbd { border: 1px solid #aaa; border-radius: 3px; padding: 0 3px; font-size: 11px; }
</style></head>
<body>
<div id="bar">
<button id="first" title="${keysOf('first')}">⇤</button><button id="previous" title="${keysOf('previous')}">↑ prev</button><button id="next" title="${keysOf('next')}">↓ next</button><button id="last" title="${keysOf('last')}">⇥</button>
<button id="previousInStream" title="${keysOf('previousInStream')}">◀ stream</button><button id="nextInStream" title="${keysOf('nextInStream')}">stream ▶</button><button id="tables-button" title="${keysOf('tables')}">HPACK tables</button><button id="help-button" title="${keysOf('help')}">keys</button>
<input id="search" placeholder="${keysOf('search')} search" size="16">
<select id="fstream"><option value="">all streams</option>${lanes.map((s) => `<option value="${s}">stream ${s}</option>`).join('')}</select>
<select id="ftype"><option value="">all frame types</option>${['PREFACE', 'DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION', ...(hasHttp1 ? HTTP1_TYPES : [])].map((x) => `<option>${x}</option>`).join('')}</select>
<span id="goto"></span><span id="message"></span>
</div>
<div id="help" class="closed"><table>${help}</table></div>
${LANES_HTML}
${liveHtml(liveDefaults(traces[0]!))}
<div id="main">
<div id="timeline"><div class="row head"><span>time (ms)</span><span>dir</span><span>frame</span><span>flags</span><span>stream</span><span>length</span></div><div id="list"></div></div>
<div id="details"><p id="intro">${escape(header.role)} side of ${connections} started ${escape(header.started)}${header.remote ? ` with ${escape(header.remote)}` : ''}: ${total} entries on ${lanes.length} ${hasHttp1 ? 'streams and exchanges' : 'streams'}. Loading…</p><div id="frame"></div></div>
</div>
<script id="data" type="application/octet-stream">${packed}</script>
<script>
const TOTAL = ${total}, H1 = ${JSON.stringify(HTTP1_TYPES)}, FIRST = ${FIRST_SCREEN}, STREAMS = ${JSON.stringify(lanes)}, KEYS = ${JSON.stringify(pageKeyMap())}, HANGING = ${HANGING};
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const tableOctets = (entries) => entries.reduce((n, [k, v]) => n + new TextEncoder().encode(k + v).length + 32, 0);
const table = (title, entries) => '<h2>HPACK dynamic table of what we ' + title + ': ' + entries.length + (entries.length === 1 ? ' entry, ' : ' entries, ') + tableOctets(entries) + ' octets</h2>'
  + (entries.length ? '<table><tr><th>index</th><th>name</th><th>value</th></tr>' + entries.map(([n, v], i) => '<tr><td>' + (62 + i) + '</td><td>' + esc(n) + '</td><td>' + esc(v) + '</td></tr>').join('') + '</table>' : '');
// each line of a text wraps at spaces and continues under its second column, as in trace step (wrap.ts)
const wrapped = (text) => text.split('\\n').map((line) => {
  const column = HANGING.exec(line), indent = column ? column[0].length : /^ */.exec(line)[0].length + 2;
  return '<div style="padding-left:' + indent + 'ch;text-indent:-' + indent + 'ch">' + (esc(line) || ' ') + '</div>';
}).join('');
const rows = [], tables = [], trs = [];
let model = null;
let current = -1, showTables = false, number = '';
const visible = (i) => !trs[i].classList.contains('hidden');
const say = (text) => { $('message').textContent = text; };
function show(i) {
  if (i < 0 || i >= rows.length) return;
  if (current >= 0) trs[current].classList.remove('selected');
  current = i;
  trs[i].classList.add('selected');
  trs[i].scrollIntoView({ block: 'nearest' });
  const [t, dir, type, stream, length, flags, view, octets, tbl] = rows[i];
  cursorAt(i);
  const h1 = H1.includes(type);
  $('frame').innerHTML = '<h2 id="title">' + (i + 1) + ' of ' + TOTAL + '. ' + (dir === 'out' ? 'send ' : 'recv ') + (h1 ? 'HTTP/1.1 ' + type + ' in exchange ' : type + ' on stream ') + stream + (flags ? ' [' + flags + ']' : '') + '</h2>'
    + '<h2>decoded</h2><pre id="view">' + wrapped(view) + '</pre>'
    + '<div id="tables" class="' + (showTables ? '' : 'closed') + '">' + table('receive', tables[tbl].in) + table('send', tables[tbl].out) + '</div>'
    + '<h2>octets</h2><pre id="octets">' + wrapped(octets) + '</pre>';
}
function step(from, by, match) {
  for (let i = from + by; i >= 0 && i < rows.length; i += by) if (visible(i) && (!match || match(i))) return show(i);
}
const sameStream = (i) => rows[i][3] === rows[current][3];
function search(text) {
  const q = text.toLowerCase();
  if (!q) return;
  const before = current;
  step(current, 1, (i) => (rows[i][2] + ' ' + rows[i][5] + ' stream ' + rows[i][3] + ' ' + rows[i][6] + '\\n' + rows[i][7]).toLowerCase().includes(q));
  if (current === before) say('not found after ' + (current + 1) + ': ' + text);
}
const hiddenBy = (r) => { const s = $('fstream').value, ty = $('ftype').value; return (s !== '' && String(r[3]) !== s) || (ty !== '' && r[2] !== ty); };
function filter() {
  rows.forEach((r, i) => trs[i].classList.toggle('hidden', hiddenBy(r)));
  if (current < 0 || !visible(current)) step(-1, 1);
}
const page = (by) => { const d = $('details'); d.scrollBy(0, by * Math.floor(d.clientHeight * 0.9)); };
const actions = {
  next: () => { if (number) { const n = Number(number); setNumber(''); show(Math.min(rows.length, Math.max(1, n)) - 1); } else step(current, 1); },
  previous: () => step(current, -1), first: () => step(-1, 1), last: () => step(rows.length, -1),
  nextInStream: () => step(current, 1, sameStream), previousInStream: () => step(current, -1, sameStream),
  pageDown: () => page(1), pageUp: () => page(-1),
  search: () => $('search').focus(),
  tables: () => { showTables = !showTables; const m = $('tables'); if (m) { m.className = showTables ? '' : 'closed'; if (showTables) m.scrollIntoView({ block: 'start' }); } },
  help: () => $('help').classList.toggle('closed'),
};
function setNumber(n) { number = n; $('goto').textContent = n ? 'go to ' + n + ' (Enter)' : ''; }
for (const id of ['first', 'previous', 'next', 'last', 'previousInStream', 'nextInStream']) $(id).addEventListener('click', (e) => { actions[id](); e.currentTarget.blur(); });
$('tables-button').addEventListener('click', (e) => { actions.tables(); e.currentTarget.blur(); });
$('help-button').addEventListener('click', (e) => { actions.help(); e.currentTarget.blur(); });
$('list').addEventListener('click', (e) => { const row = e.target.closest('.frame'); if (row) show(Number(row.dataset.index)); });
$('fstream').addEventListener('change', filter);
$('ftype').addEventListener('change', filter);
$('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') search($('search').value); if (e.key === 'Escape') $('search').blur(); e.stopPropagation(); });
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
  say('');
  if (e.key === 'Escape') { setNumber(''); $('help').classList.add('closed'); return; }
  if (e.key === 'Backspace' && number) { e.preventDefault(); setNumber(number.slice(0, -1)); return; }
  const action = KEYS[e.key];
  if (!action) return;
  e.preventDefault();
  if (action === 'goTo') setNumber(number + e.key);
  else actions[action]();
});
const BLOCK = 200;
function append(from) {
  let html = '';
  for (let i = from; i < rows.length; i++) {
    const r = rows[i];
    if (i === from || i % BLOCK === 0) html += (i === from ? '' : '</div>') + '<div class="block" style="contain-intrinsic-size: auto ' + 20 * Math.min(BLOCK - i % BLOCK, rows.length - i) + 'px">';
    html += '<div class="row frame' + (hiddenBy(r) ? ' hidden' : '') + '" data-index="' + i + '"><span>' + r[0].toFixed(3) + '</span><span class="' + r[1] + '">' + (r[1] === 'out' ? 'send →' : '← recv') + '</span><span>' + r[2] + '</span><span title="' + esc(r[5]) + '">' + esc(r[5]) + '</span><span><span class="lane" style="background:hsl(' + ((STREAMS.indexOf(r[3]) * 67) % 360) + ',55%,45%)">' + r[3] + '</span></span><span>' + r[4] + '</span></div>';
  }
  if (rows.length === from) return;
  const made = document.createElement('template');
  made.innerHTML = html + '</div>';
  trs.push(...made.content.querySelectorAll('.frame'));
  $('list').append(made.content);
}
${LANES_SCRIPT}
${LIVE_SCRIPT}
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
(async () => {
  const raw = atob($('data').textContent), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).pipeThrough(new TextDecoderStream()).getReader();
  let rest = '', shown = 0;
  const flush = async () => {
    append(shown);
    shown = rows.length;
    if (current < 0 && rows.length) {
      // the first screen: shown before the rest is decoded
      step(-1, 1);
      document.body.dataset.first = String(rows.length);
      document.body.dataset.firstAt = performance.now().toFixed(0);
      $('intro').textContent = $('intro').textContent.replace('Loading…', 'Loading the rest…');
      await pause();
      if (window.traceLoadGate) await window.traceLoadGate; // a test may hold the rest back
    } else await pause();
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (value) rest += value;
    const lines = rest.split('\\n');
    rest = done ? '' : lines.pop();
    for (const line of lines) {
      if (!line) continue;
      const item = JSON.parse(line);
      if (Array.isArray(item)) rows.push(item);
      else if (item.lanes) model = item;
      else tables.push(item);
      if (rows.length - shown >= (current < 0 ? FIRST : 1000)) await flush();
    }
    if (done) break;
  }
  if (rows.length > shown || current < 0) await flush();
  if (model) draw(model);
  $('intro').textContent = $('intro').textContent.replace(/Loading(?: the rest)?…/, 'Step with the keys (? lists them), or click a frame.');
  document.body.dataset.readyAt = performance.now().toFixed(0);
  document.body.dataset.ready = 'yes';
})();
</script>
</body></html>
`;
}
