// What octets mean: a frame's header and payload and an HPACK field block annotated field by field, DATA down to
// the gRPC message and the protobuf field, an HTTP/1.1 connection cut into its parts (RFC 9112) and shown as text.
// Imports: frames, hpack, http1.
export { annotateFieldBlock, annotateFrame, type Annotation, describeRepresentation, formatAnnotations, mirrorDecoders } from './annotate.js';
export { Http1Parts } from './http1-parts.js';
export { type ContentItem, type Http1PartView, Http1View } from './http1-view.js';
export { MessageOctets, traceSchema, type TraceSchema } from './message-octets.js';
