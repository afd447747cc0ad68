import net from 'node:net';
import zlib from 'node:zlib';
import type { HeaderList } from '../../http2/index.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, type Metadata, percentDecode } from '../call/index.js';
import { type Address, AddressType, type MetadataEntry, type Seconds } from './log-entry.js';

// What a GrpcLogEntry is made of, from what a call sees: metadata from header blocks (gRFC A16's omissions and the
// header limit), a status from trailers, a peer address, times, and a received message's octets decompressed.

/**
 * gRFC A16: "Header keys added by gRPC are omitted" (not a truncation): the pseudo-headers, transport fields, and
 * grpc-* except grpc-trace-bin, which is always logged and not counted against the limit. lb-token as grpc-go;
 * accept-encoding, HTTP's own negotiation beside content-encoding, which grpc-js sends with every call.
 */
const TRANSPORT_FIELDS = new Set(['content-type', 'content-encoding', 'accept-encoding', 'user-agent', 'te', 'lb-token']);
const TRACE_BIN = 'grpc-trace-bin';

function omitted(key: string): boolean {
  return key.charCodeAt(0) === 0x3a || TRANSPORT_FIELDS.has(key) || (key.startsWith('grpc-') && key !== TRACE_BIN);
}

/** The logged metadata of a header block, and whether the header limit cut any of it. */
export interface LoggedMetadata {
  entries: MetadataEntry[];
  truncated: boolean;
}

/** A header block's metadata: -bin values decoded (several joined with "," are several entries). */
export function metadataOfFields(fields: HeaderList, limit: number): LoggedMetadata {
  const entries: MetadataEntry[] = [];
  for (const [key, value] of fields) {
    if (omitted(key)) continue;
    if (key.endsWith('-bin')) for (const part of value.split(',')) entries.push({ key, value: Buffer.from(part.trim(), 'base64') });
    else entries.push({ key, value: Buffer.from(value, 'latin1') });
  }
  return withinLimit(entries, limit);
}

/** A call's own Metadata (the client's, as the application gave it). */
export function metadataOf(metadata: Metadata | undefined, limit: number): LoggedMetadata {
  const entries: MetadataEntry[] = [];
  if (metadata) {
    for (const key of metadata.keys()) {
      for (const value of metadata.getAll(key)) entries.push({ key, value: typeof value === 'string' ? Buffer.from(value, 'latin1') : value });
    }
  }
  return withinLimit(entries, limit);
}

/**
 * The header limit of the filter ({h:N}): entries are kept in order while their keys' and values' octets add up to
 * at most N; from the first that does not fit, the rest are left out (as grpc-go). grpc-trace-bin stays, uncounted.
 */
function withinLimit(entries: MetadataEntry[], limit: number): LoggedMetadata {
  if (limit === Infinity) return { entries, truncated: false };
  let left = limit;
  let cut = false;
  const kept: MetadataEntry[] = [];
  for (const entry of entries) {
    if (entry.key === TRACE_BIN) kept.push(entry);
    else if (!cut && Buffer.byteLength(entry.key) + entry.value.length <= left) {
      left -= Buffer.byteLength(entry.key) + entry.value.length;
      kept.push(entry);
    } else cut = true;
  }
  return { entries: kept, truncated: cut };
}

/** The value of a field in a header block. */
export function field(fields: HeaderList, name: string): string | undefined {
  for (const [key, value] of fields) if (key === name) return value;
  return undefined;
}

/** The status that trailers (or a Trailers-Only block) carry: grpc-status, grpc-message, grpc-status-details-bin. */
export function statusOfTrailers(fields: HeaderList): { statusCode: number; statusMessage: string; statusDetails: Uint8Array } {
  const code = Number(field(fields, 'grpc-status'));
  const message = field(fields, 'grpc-message');
  const details = field(fields, 'grpc-status-details-bin');
  return {
    // no or a malformed grpc-status is UNKNOWN (gRPC PROTOCOL-HTTP2), as the client reports it
    statusCode: Number.isInteger(code) && code >= 0 ? code : 2,
    statusMessage: message === undefined ? '' : percentDecode(message),
    statusDetails: details === undefined ? new Uint8Array(0) : Buffer.from(details, 'base64'),
  };
}

/**
 * A peer "address:port" (the port after the last colon) as an Address: IPv4 (an IPv4-mapped IPv6 address too, as
 * grpc-go), IPv6 without its scope (gRFC A16), or UNKNOWN with nothing else for what is neither.
 */
export function addressOf(peer: string | undefined): Address {
  const at = peer?.lastIndexOf(':') ?? -1;
  let host = at > 0 ? peer!.slice(0, at) : '';
  const port = at > 0 ? Number(peer!.slice(at + 1)) : NaN;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = host.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) host = mapped[1]!;
  const type = net.isIPv4(host) ? AddressType.IPV4 : net.isIPv6(host) ? AddressType.IPV6 : AddressType.UNKNOWN;
  if (type === AddressType.UNKNOWN || !Number.isInteger(port)) return { type: AddressType.UNKNOWN, address: '', ipPort: 0 };
  return { type, address: host, ipPort: port };
}

/** Milliseconds as a Timestamp or Duration (whole seconds and the nanoseconds after them). */
export function secondsOf(ms: number): Seconds {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) % 1e9 };
}

/**
 * A received message's octets as the application gets them: decompressed (in this turn, so the entry keeps its place
 * in the log) up to the default receive limit. A message that does not decompress within it is logged as undefined.
 */
export function decompressed(encoding: string, data: Uint8Array, compressed: boolean): Uint8Array | undefined {
  if (!compressed) return data;
  const options = { maxOutputLength: DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH };
  try {
    if (encoding === 'gzip') return zlib.gunzipSync(data, options);
    if (encoding === 'deflate') return zlib.inflateSync(data, options);
  } catch {
    // larger than the limit, or not what its encoding says: the call itself fails with the reason
  }
  return undefined;
}
