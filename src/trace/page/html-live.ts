// The page's live panel: a call from the browser to a running server, over fetch, with the JSON codec, as Connect
// unary (a bare JSON message) or gRPC-Web (application/grpc-web+json: each message and the trailers in a 5-octet
// envelope, gRPC-Web spec). The page shows the HTTP/1.1 exchange as the browser saw it: the request it made, the
// status and the response fields it may read (CORS), the content decoded, the time taken. The server must allow
// the page's origin (a page opened from a file has origin "null": `new Server({ cors: { origins: ['null'] } })`).

/** What the panel starts with: the server, method and request found in the trace. */
export interface LiveDefaults {
  url: string;
  path: string;
  body: string;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export const LIVE_CSS = `
#live { border-bottom: 1px solid #ccc; padding: 4px 8px; }
#live input[type=text] { font: 12px monospace; }
#live textarea { font: 12px monospace; width: 40em; height: 2.6em; vertical-align: top; }
#live-out { max-height: 30vh; overflow: auto; margin: 4px 0; }
`;

export function liveHtml(d: LiveDefaults): string {
  return `<details id="live"><summary><b>Call the server from this page</b> (fetch, JSON codec)</summary>
<div><label>server <input type="text" id="live-url" size="28" value="${escape(d.url)}"></label>
<label>method <input type="text" id="live-path" size="34" value="${escape(d.path)}"></label>
<select id="live-protocol"><option value="connect">Connect unary</option><option value="grpc-web">gRPC-Web</option></select>
<label>request <textarea id="live-body">${escape(d.body)}</textarea></label> <button id="live-call">call</button></div>
<pre id="live-out">The server must allow this page's origin (CORS; a page opened from a file has origin "null"). The exchange the browser made is shown here: HTTP/1.1 to a plain http:// server.</pre></details>`;
}

export const LIVE_SCRIPT = `
function envelope(flags, payload) {
  const out = new Uint8Array(5 + payload.length);
  out[0] = flags; new DataView(out.buffer).setUint32(1, payload.length); out.set(payload, 5);
  return out;
}
function envelopes(bytes) {
  const out = [];
  for (let at = 0; at + 5 <= bytes.length;) {
    const flags = bytes[at], length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    out.push({ flags, length, text: new TextDecoder().decode(bytes.subarray(at + 5, at + 5 + length)) });
    at += 5 + length;
  }
  return out;
}
async function liveCall() {
  const url = $('live-url').value.replace(/\\/+$/, '') + $('live-path').value, protocol = $('live-protocol').value;
  const json = new TextEncoder().encode($('live-body').value);
  const fields = protocol === 'connect' ? { 'content-type': 'application/json', 'connect-protocol-version': '1' } : { 'content-type': 'application/grpc-web+json', 'x-grpc-web': '1' };
  const body = protocol === 'connect' ? json : envelope(0, json);
  const lines = ['POST ' + $('live-path').value + ' (fetch; the browser adds host, origin, content-length…)'];
  for (const k in fields) lines.push(k + ': ' + fields[k]);
  lines.push('', protocol === 'connect' ? $('live-body').value + '   (' + body.length + ' octets, no envelope)' : 'envelope: flags 0x00, length ' + json.length + ': ' + $('live-body').value, '');
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: fields, body });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const ms = performance.now() - started;
    lines.push('HTTP ' + response.status + ' ' + response.statusText + '   (the fields CORS lets the page read)');
    response.headers.forEach((v, k) => lines.push(k + ': ' + v));
    lines.push('');
    if (protocol === 'connect') lines.push(new TextDecoder().decode(bytes) + '   (' + bytes.length + ' octets)');
    else for (const e of envelopes(bytes)) lines.push((e.flags & 0x80 ? 'trailer frame' : 'message') + ': flags 0x' + e.flags.toString(16).padStart(2, '0') + ', length ' + e.length + ': ' + e.text.trim().replace(/\\r\\n/g, '; '));
    lines.push('', 'answered in ' + ms.toFixed(1) + ' ms');
    document.body.dataset.live = 'done';
  } catch (err) {
    lines.push('!! ' + err.message + ' (is the server running, and does it allow this origin?)');
    document.body.dataset.live = 'failed';
  }
  $('live-out').textContent = lines.join('\\n');
}
$('live-call').addEventListener('click', (e) => { e.currentTarget.blur(); liveCall(); });
for (const id of ['live-url', 'live-path', 'live-body']) $(id).addEventListener('keydown', (e) => e.stopPropagation());
`;
