import protobuf from 'protobufjs';

// grpc.binarylog.v1.GrpcLogEntry (gRFC A16; protos/binarylog.proto as grpc-proto ships it): the record a binary log
// holds for each event of a call, and its protobuf encoding, written field by field in field-number order with
// proto3's defaults left out, as grpc-go's proto.Marshal writes it.

/** GrpcLogEntry.EventType: what happened. */
export const EventType = {
  CLIENT_HEADER: 1,
  SERVER_HEADER: 2,
  CLIENT_MESSAGE: 3,
  SERVER_MESSAGE: 4,
  CLIENT_HALF_CLOSE: 5,
  SERVER_TRAILER: 6,
  CANCEL: 7,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** GrpcLogEntry.Logger: which side wrote the entry. */
export const LoggerSide = { CLIENT: 1, SERVER: 2 } as const;
export type LoggerSide = (typeof LoggerSide)[keyof typeof LoggerSide];

/** Address.Type. */
export const AddressType = { UNKNOWN: 0, IPV4: 1, IPV6: 2, UNIX: 3 } as const;

/** google.protobuf.Timestamp and Duration: whole seconds and the nanoseconds after them. */
export interface Seconds {
  seconds: number;
  nanos: number;
}

/** MetadataEntry: a key and its value's octets (a -bin value decoded from base64). */
export interface MetadataEntry {
  key: string;
  value: Uint8Array;
}

/** Address: where the other side of a call is (gRFC A16's peer), by its Address.Type. */
export interface Address {
  type: number;
  address: string;
  /** For IPv4 and IPv6 only. */
  ipPort: number;
}

/** One GrpcLogEntry: the common fields, and the payload its type carries. */
export interface LogEntry {
  timestamp: Seconds;
  callId: number;
  /** 1 for a call's first entry, counting up. */
  sequenceIdWithinCall: number;
  type: number;
  logger: number;
  clientHeader?: { metadata: MetadataEntry[]; methodName: string; authority: string; timeout?: Seconds };
  serverHeader?: { metadata: MetadataEntry[] };
  /** CLIENT_MESSAGE and SERVER_MESSAGE: the message's whole length, and its octets (maybe truncated). */
  message?: { length: number; data: Uint8Array };
  trailer?: { metadata: MetadataEntry[]; statusCode: number; statusMessage: string; statusDetails: Uint8Array };
  /** The payload is not the whole metadata or message (the filter's header or message limit). */
  payloadTruncated: boolean;
  /** On the first entry the other side caused (gRFC A16). */
  peer?: Address;
}

/** Wire types of the tags below: (field number << 3) | 0 for a varint, | 2 for length-delimited. */
const VARINT = 0;
const LENGTH = 2;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** A GrpcLogEntry's protobuf octets. */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  const w = protobuf.Writer.create();
  seconds(w.uint32(tag(1, LENGTH)).fork(), entry.timestamp).ldelim();
  if (entry.callId) w.uint32(tag(2, VARINT)).uint64(entry.callId);
  if (entry.sequenceIdWithinCall) w.uint32(tag(3, VARINT)).uint64(entry.sequenceIdWithinCall);
  if (entry.type) w.uint32(tag(4, VARINT)).int32(entry.type);
  if (entry.logger) w.uint32(tag(5, VARINT)).int32(entry.logger);
  const { clientHeader, serverHeader, message, trailer, peer } = entry;
  if (clientHeader) {
    metadata(w.uint32(tag(6, LENGTH)).fork(), clientHeader.metadata);
    string(w, 2, clientHeader.methodName);
    string(w, 3, clientHeader.authority);
    if (clientHeader.timeout) seconds(w.uint32(tag(4, LENGTH)).fork(), clientHeader.timeout).ldelim();
    w.ldelim();
  } else if (serverHeader) {
    metadata(w.uint32(tag(7, LENGTH)).fork(), serverHeader.metadata).ldelim();
  } else if (message) {
    w.uint32(tag(8, LENGTH)).fork();
    if (message.length) w.uint32(tag(1, VARINT)).uint32(message.length);
    bytes(w, 2, message.data);
    w.ldelim();
  } else if (trailer) {
    metadata(w.uint32(tag(9, LENGTH)).fork(), trailer.metadata);
    if (trailer.statusCode) w.uint32(tag(2, VARINT)).uint32(trailer.statusCode);
    string(w, 3, trailer.statusMessage);
    bytes(w, 4, trailer.statusDetails);
    w.ldelim();
  }
  if (entry.payloadTruncated) w.uint32(tag(10, VARINT)).bool(true);
  if (peer) {
    w.uint32(tag(11, LENGTH)).fork();
    if (peer.type) w.uint32(tag(1, VARINT)).int32(peer.type);
    string(w, 2, peer.address);
    if (peer.ipPort) w.uint32(tag(3, VARINT)).uint32(peer.ipPort);
    w.ldelim();
  }
  return w.finish();
}

/** Field 1 of a header or trailer being written (the caller's fork): a Metadata message, its entries each field 1. */
function metadata(w: protobuf.Writer, entries: MetadataEntry[]): protobuf.Writer {
  w.uint32(tag(1, LENGTH)).fork();
  for (const { key, value } of entries) {
    w.uint32(tag(1, LENGTH)).fork();
    string(w, 1, key);
    bytes(w, 2, value);
    w.ldelim();
  }
  return w.ldelim();
}

function seconds(w: protobuf.Writer, value: Seconds): protobuf.Writer {
  if (value.seconds) w.uint32(tag(1, VARINT)).int64(value.seconds);
  if (value.nanos) w.uint32(tag(2, VARINT)).int32(value.nanos);
  return w;
}

function string(w: protobuf.Writer, field: number, value: string): void {
  if (value) w.uint32(tag(field, LENGTH)).string(value);
}

function bytes(w: protobuf.Writer, field: number, value: Uint8Array): void {
  if (value.length) w.uint32(tag(field, LENGTH)).bytes(value);
}
