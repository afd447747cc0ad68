// Tracing: observers for the connection seam, the text printer, trace files, annotated octets; binary logs as text.
// The rooms import one way (docs/architecture.md): decode/ ← file/, decode/ ← terminal/, page/ enters all three;
// the observers here (tracer.ts, recorder.ts, options.ts, transcript.ts) use the rooms, and no room uses them.
export { annotateFieldBlock, annotateFrame, describeRepresentation, formatAnnotations, mirrorDecoders, type Annotation } from './decode/index.js';
export { parseLevels, TracePrinter, type PrinterOptions, type TraceLevel } from './terminal/index.js';
export { fanOut, TraceRecorder, type TraceEvent } from './recorder.js';
export { formatTranscript } from './transcript.js';
export { entryOctets, readTrace, type TraceEntry, type TraceHeader } from './file/index.js';
export { Tracer, type TracerOptions } from './tracer.js';
export { traceObserver, traceSettings, type TraceSettings } from './options.js';
export { traceToPcap } from './file/index.js';
export { traceHtml } from './page/index.js';
export { keyHelp, keyHint, terminalAction, TRACE_KEYS, type TraceAction, type TraceKey } from './terminal/index.js';
export { wrapLine } from './terminal/index.js';
export { dynamicTables, formatDynamicTables, type DynamicTables } from './file/index.js';
export { MessageOctets } from './decode/index.js';
export { protoServices, readSchema } from './file/index.js';
export { formatBinaryLog } from './terminal/index.js';
export { Http1Parts } from './decode/index.js';
export { Http1View, type ContentItem, type Http1PartView } from './decode/index.js';
export { entryLanes, laneModel, type Lane, type LaneBlock, type LaneModel, type LaneTrace } from './file/index.js';
