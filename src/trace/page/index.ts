// A trace as one self-contained HTML page: the frame list driven by the key map `trace step` uses, the connections
// drawn as lanes on a time axis, and a panel that calls a running server from the browser.
// Imports: frames, decode/, file/, terminal/.
export { traceHtml } from './html.js';
