// A trace as text for a terminal: the printer (frames, HPACK, messages, octets, in the style of `nghttp -v`), a
// binary log's entries (gRFC A16), lines wrapped with a hanging indent, and the one key map of the trace viewers
// (`trace step` here, the page beside). Imports: frames, hpack, http2, grpc, codegen, decode/.
export { formatBinaryLog } from './binlog-printer.js';
export { keyHelp, keyHint, pageKeyMap, terminalAction, type TraceAction, TRACE_KEYS, type TraceKey } from './keys.js';
export { parseLevels, type PrinterOptions, TracePrinter, type TraceLevel } from './printer.js';
export { HANGING, wrapLine } from './wrap.js';
