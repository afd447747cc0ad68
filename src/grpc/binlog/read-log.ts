import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Address, LogEntry, MetadataEntry, Seconds } from './log-entry.js';

// Reading a binary log file back (ours or grpc-go's): 4-octet big-endian lengths, each followed by that many octets
// of GrpcLogEntry, decoded with the schema of protos/binarylog.proto (loaded when first needed).

/** The path of binarylog.proto (grpc.binarylog.v1) as shipped. */
export const BINARYLOG_PROTO = fileURLToPath(new URL('./protos/binarylog.proto', import.meta.url));

/** Whether these octets frame as a binary log: lengths that add up to exactly the whole, the first entry non-empty. */
export function looksLikeBinaryLog(octets: Uint8Array): boolean {
  if (octets.length < 4) return false;
  const view = Buffer.from(octets.buffer, octets.byteOffset, octets.length);
  let at = 0;
  while (at + 4 <= octets.length) {
    const length = view.readUInt32BE(at);
    if (at === 0 && length === 0) return false;
    at += 4 + length;
  }
  return at === octets.length;
}

/** The entries of a binary log file's octets; throws naming the entry and offset where they stop making sense. */
export function readBinaryLog(octets: Uint8Array, type = logEntryType()): LogEntry[] {
  const view = Buffer.from(octets.buffer, octets.byteOffset, octets.length);
  const entries: LogEntry[] = [];
  for (let at = 0; at < view.length;) {
    const n = entries.length + 1;
    if (at + 4 > view.length) throw new Error(`entry ${n} at octet ${at}: ${view.length - at} octets left, too few for a length`);
    const length = view.readUInt32BE(at);
    if (at + 4 + length > view.length) throw new Error(`entry ${n} at octet ${at}: its length says ${length} octets, only ${view.length - at - 4} follow`);
    let decoded: Record<string, unknown>;
    try {
      decoded = type.toObject(type.decode(view.subarray(at + 4, at + 4 + length)), { longs: Number, enums: Number });
    } catch (err) {
      throw new Error(`entry ${n} at octet ${at}: not a GrpcLogEntry: ${(err as Error).message}`);
    }
    entries.push(entryOf(decoded));
    at += 4 + length;
  }
  return entries;
}

/** grpc.binarylog.v1.GrpcLogEntry, from the shipped .proto. */
export function logEntryType(): protobuf.Type {
  return protobuf.loadSync(BINARYLOG_PROTO).lookupType('grpc.binarylog.v1.GrpcLogEntry');
}

type Decoded = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A decoded message as a LogEntry, proto3's defaults filled in. */
function entryOf(d: Decoded): LogEntry {
  const entry: LogEntry = {
    timestamp: seconds(d.timestamp),
    callId: d.callId ?? 0,
    sequenceIdWithinCall: d.sequenceIdWithinCall ?? 0,
    type: d.type ?? 0,
    logger: d.logger ?? 0,
    payloadTruncated: d.payloadTruncated ?? false,
  };
  if (d.clientHeader) {
    const h = d.clientHeader as Decoded;
    entry.clientHeader = { metadata: metadata(h.metadata), methodName: h.methodName ?? '', authority: h.authority ?? '', timeout: h.timeout && seconds(h.timeout) };
  }
  if (d.serverHeader) entry.serverHeader = { metadata: metadata((d.serverHeader as Decoded).metadata) };
  if (d.message) entry.message = { length: d.message.length ?? 0, data: d.message.data ?? new Uint8Array(0) };
  if (d.trailer) {
    const t = d.trailer as Decoded;
    entry.trailer = { metadata: metadata(t.metadata), statusCode: t.statusCode ?? 0, statusMessage: t.statusMessage ?? '', statusDetails: t.statusDetails ?? new Uint8Array(0) };
  }
  if (d.peer) entry.peer = { type: d.peer.type ?? 0, address: d.peer.address ?? '', ipPort: d.peer.ipPort ?? 0 } satisfies Address;
  return entry;
}

function seconds(d: Decoded | undefined): Seconds {
  return { seconds: d?.seconds ?? 0, nanos: d?.nanos ?? 0 };
}

function metadata(d: Decoded | undefined): MetadataEntry[] {
  return ((d?.entry ?? []) as Decoded[]).map((e) => ({ key: e.key ?? '', value: e.value ?? new Uint8Array(0) }));
}
