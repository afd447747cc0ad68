// The page's picture of its connections (the model of lanes.ts): an SVG with a lane per HTTP/2 stream and one per
// HTTP/1.1 connection, each frame or part a tick on the shared time axis (sent above the lane's middle, received
// below), each stream's life or HTTP/1.1 exchange a bar. Clicking a tick or a bar selects that entry in the list; the
// selected entry is a vertical line. Plain script, no library: the page stays one self-contained file.

export const LANES_CSS = `
#picture { max-height: 34vh; overflow: auto; border-bottom: 1px solid #ccc; padding: 2px 8px; }
#picture.closed svg { display: none; }
#picture svg { display: block; font: 11px system-ui, sans-serif; }
#picture .bar { fill: #dde6f3; stroke: #9ab; cursor: pointer; }
#picture .bar.h1 { fill: #f3e6cc; stroke: #c96; } #picture .bar.h1.alt { fill: #e6d2a8; }
#picture .tick { cursor: pointer; } #picture .tick.out { fill: #06c; } #picture .tick.in { fill: #080; }
#picture .lane-line { stroke: #eee; } #picture .axis { stroke: #999; } #picture .cursor { stroke: #d22; stroke-width: 1.5; }
#picture text.bar-label { fill: #333; pointer-events: none; }
`;

/** The picture's part of the page: a heading that shows or hides it, and the SVG, drawn once the data is read. */
export const LANES_HTML = `<div id="picture"><div><b>Lanes</b> <span id="lanes-note">(drawn once every entry is read)</span> <button id="lanes-toggle" title="show or hide the picture">hide</button></div><svg id="lanes" width="0" height="0"></svg></div>`;

/**
 * The script: draw(model) with model = { lanes: [{ name, connection, blocks: [{ from, to, label, first }] }], laneOf,
 * end } and the page's rows (time first, direction second); cursorAt(i) marks the selected entry.
 */
export const LANES_SCRIPT = `
const SVG_NS = 'http://www.w3.org/2000/svg', LANE_H = 20, AXIS_H = 18, NAME_W = 190;
let laneX = null;
function svgEl(name, attrs, text) {
  const el = document.createElementNS(SVG_NS, name);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (text !== undefined) el.textContent = text;
  return el;
}
function niceStep(span) {
  const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || p * 10;
}
function draw(model) {
  const svg = $('lanes');
  const width = Math.max(640, $('picture').clientWidth - 24);
  const end = model.end > 0 ? model.end : 1;
  laneX = (t) => NAME_W + (width - NAME_W - 12) * (t / end);
  svg.setAttribute('width', width);
  svg.setAttribute('height', AXIS_H + model.lanes.length * LANE_H + 4);
  svg.replaceChildren();
  const step = niceStep(end);
  for (let t = 0; t <= end + 1e-9; t += step) {
    svg.append(svgEl('line', { class: 'axis', x1: laneX(t), x2: laneX(t), y1: AXIS_H - 4, y2: AXIS_H + model.lanes.length * LANE_H }));
    svg.append(svgEl('text', { x: laneX(t) + 2, y: AXIS_H - 6 }, (Math.round(t * 1000) / 1000) + ' ms'));
  }
  model.lanes.forEach((lane, k) => {
    const y = AXIS_H + k * LANE_H;
    svg.append(svgEl('line', { class: 'lane-line', x1: 0, x2: width, y1: y + LANE_H, y2: y + LANE_H }));
    svg.append(svgEl('text', { x: 4, y: y + 14, class: 'lane-name' }, lane.name));
    lane.blocks.forEach((b, j) => {
      const x = laneX(b.from), w = Math.max(3, laneX(b.to) - x);
      const bar = svgEl('rect', { class: 'bar' + (lane.name.startsWith('HTTP/1.1') ? ' h1' : '') + (j % 2 ? ' alt' : ''), x, y: y + 3, width: w, height: LANE_H - 6, 'data-index': b.first });
      bar.append(svgEl('title', {}, b.label + ': ' + (Math.round(b.from * 1000) / 1000) + '–' + (Math.round(b.to * 1000) / 1000) + ' ms'));
      svg.append(bar);
      // the whole label where it fits, else its first word (an exchange's number)
      const label = w > b.label.length * 6 + 6 ? b.label : w > b.label.split(' ')[0].length * 6 + 6 ? b.label.split(' ')[0] : '';
      if (label) svg.append(svgEl('text', { class: 'bar-label', x: x + 3, y: y + 14 }, label));
    });
  });
  rows.forEach((r, i) => {
    const k = model.laneOf[i], y = AXIS_H + k * LANE_H;
    const tick = svgEl('rect', { class: 'tick ' + r[1], x: laneX(r[0]) - 1, y: r[1] === 'out' ? y + 1 : y + LANE_H / 2, width: 2, height: LANE_H / 2 - 1, 'data-index': i });
    tick.append(svgEl('title', {}, (i + 1) + '. ' + (r[1] === 'out' ? 'send ' : 'recv ') + r[2] + ' ' + r[5] + ' at ' + r[0].toFixed(3) + ' ms'));
    svg.append(tick);
  });
  svg.append(svgEl('line', { id: 'cursor', class: 'cursor', x1: 0, x2: 0, y1: AXIS_H - 4, y2: AXIS_H + model.lanes.length * LANE_H, visibility: 'hidden' }));
  svg.addEventListener('click', (e) => { const at = e.target.getAttribute('data-index'); if (at !== null) show(Number(at)); });
  $('lanes-note').textContent = '(' + model.lanes.length + ' lanes; a tick per frame or HTTP/1.1 part, sent above the middle, received below; a bar per stream or exchange; click one to select it)';
  document.body.dataset.lanes = String(model.lanes.length);
  if (current >= 0) cursorAt(current);
}
function cursorAt(i) {
  const c = $('cursor');
  if (!c || !laneX) return;
  const x = laneX(rows[i][0]);
  c.setAttribute('x1', x); c.setAttribute('x2', x); c.setAttribute('visibility', 'visible');
}
$('lanes-toggle').addEventListener('click', (e) => { const p = $('picture'); p.classList.toggle('closed'); e.currentTarget.textContent = p.classList.contains('closed') ? 'show' : 'hide'; e.currentTarget.blur(); });
`;
