// A recorded trace (docs/trace-format.md): the file's lines written and read back, the schema it carries, and what
// is read out of a whole trace: a pcap for Wireshark, the connections as lanes, both HPACK dynamic tables after
// each entry. Imports: frames, http2, grpc, codegen, decode/.
export { dynamicTables, type DynamicTables, formatDynamicTables } from './dynamic-tables.js';
export { entryLanes, type Lane, type LaneBlock, type LaneModel, type LaneTrace, laneModel } from './lanes.js';
export { traceToPcap } from './pcap.js';
export { entryOctets, frameLine, headerLine, http1Line, prefaceLine, readTrace, type TraceEntry, type TraceHeader } from './trace-file.js';
export { encodeSchema, protoServices, readSchema, withShippedServices } from './trace-schema.js';
