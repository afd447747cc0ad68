// Tracing: observers for the connection seam, the text printer, trace files, annotated octets.
export { annotateFieldBlock, annotateFrame, describeRepresentation, formatAnnotations, mirrorDecoders, type Annotation } from './annotate.js';
export { parseLevels, TracePrinter, type PrinterOptions, type TraceLevel } from './printer.js';
export { fanOut, TraceRecorder, type TraceEvent } from './recorder.js';
export { formatTranscript } from './transcript.js';
export { entryOctets, readTrace, type TraceEntry, type TraceHeader } from './trace-file.js';
export { Tracer, type TracerOptions } from './tracer.js';
export { traceObserver, traceSettings, type TraceSettings } from './options.js';
export { traceToPcap } from './pcap.js';
export { traceHtml } from './html.js';
export { keyHelp, keyHint, terminalAction, TRACE_KEYS, type TraceAction, type TraceKey } from './keys.js';
export { wrapLine } from './wrap.js';
export { dynamicTables, formatDynamicTables, type DynamicTables } from './dynamic-tables.js';
export { MessageOctets } from './message-octets.js';
export { readSchema } from './trace-schema.js';
export { Http1Parts } from './http1-parts.js';
export { Http1View, type ContentItem, type Http1PartView } from './http1-view.js';
export { entryLanes, laneModel, type Lane, type LaneBlock, type LaneModel, type LaneTrace } from './lanes.js';
