// The text form of a binary log (gRFC A16, as ours and grpc-go's write it): one block per GrpcLogEntry with its call,
// sequence number, side, event and time, then what it carries: the method, authority, timeout and metadata of
// CLIENT_HEADER, the peer, each message's octets (and its JSON when the method's schema is known), the status.
import type protobuf from 'protobufjs';
import { EventType, type LogAddress, type LogEntry, type LogMetadataEntry, type LogSeconds, type MethodDefinition, type ServiceDefinition, statusName } from '../../grpc/index.js';

const EVENT_NAMES = Object.fromEntries(Object.entries(EventType).map(([name, value]) => [value, name])) as Record<number, string>;
const LOGGERS = ['unknown', 'client', 'server'];
/** Message octets shown in hex, at most. */
const HEX_OCTETS = 64;

/** Each entry's text, in order; messages decoded when one of `services` has the call's method. */
export function formatBinaryLog(entries: LogEntry[], services: ServiceDefinition[] = []): string[] {
  const methods = new Map<string, MethodDefinition>();
  for (const service of services) for (const method of Object.values(service.methods)) methods.set(method.path, method);
  const callMethods = new Map<string, string>(); // "logger/call id" → method path, from the call's CLIENT_HEADER
  return entries.map((entry) => {
    const call = `${entry.logger}/${entry.callId}`;
    if (entry.clientHeader) callMethods.set(call, entry.clientHeader.methodName);
    const path = callMethods.get(call);
    const lines = [`call ${entry.callId} #${entry.sequenceIdWithinCall} ${LOGGERS[entry.logger] ?? entry.logger} ${EVENT_NAMES[entry.type] ?? `EVENT_TYPE ${entry.type}`}  ${time(entry.timestamp)}${entry.payloadTruncated ? '  (truncated)' : ''}`];
    if (entry.peer) lines.push(`  peer ${address(entry.peer)}`);
    const { clientHeader, serverHeader, message, trailer } = entry;
    if (clientHeader) {
      lines.push(`  method ${clientHeader.methodName}`);
      if (clientHeader.authority) lines.push(`  authority ${clientHeader.authority}`);
      if (clientHeader.timeout) lines.push(`  timeout ${duration(clientHeader.timeout)}`);
      lines.push(...metadataLines(clientHeader.metadata));
    }
    if (serverHeader) lines.push(...metadataLines(serverHeader.metadata));
    if (message) {
      const method = path === undefined ? undefined : methods.get(path);
      const type = method && (entry.type === EventType.CLIENT_MESSAGE ? method.requestType : method.responseType);
      lines.push(...messageLines(message, type, entry.payloadTruncated));
    }
    if (trailer) {
      lines.push(`  status ${trailer.statusCode} ${statusName(trailer.statusCode)}${trailer.statusMessage ? ` ${JSON.stringify(trailer.statusMessage)}` : ''}`);
      if (trailer.statusDetails.length) lines.push(`  status details ${trailer.statusDetails.length} octets: ${hex(trailer.statusDetails)}`);
      lines.push(...metadataLines(trailer.metadata));
    }
    return lines.join('\n');
  });
}

function messageLines(message: { length: number; data: Uint8Array }, type: protobuf.Type | undefined, truncated: boolean): string[] {
  const shown = message.data.length < message.length ? `${message.data.length} of ${message.length} octets` : `${message.length} octets`;
  const lines = [`  message ${shown}${message.data.length ? `: ${hex(message.data)}` : ''}`];
  if (type && !truncated) {
    try {
      const decoded = type.toObject(type.decode(message.data), { longs: String, enums: String, bytes: String });
      lines.push(`  ${type.fullName.slice(1)} ${JSON.stringify(decoded)}`);
    } catch (err) {
      lines.push(`  !! not a ${type.fullName.slice(1)}: ${(err as Error).message}`);
    }
  }
  return lines;
}

function metadataLines(entries: LogMetadataEntry[]): string[] {
  return entries.map(({ key, value }) => `  ${key}: ${key.endsWith('-bin') ? `(${value.length} octets) ${hex(value)}` : Buffer.from(value).toString('latin1')}`);
}

function hex(octets: Uint8Array): string {
  const text = Buffer.from(octets.subarray(0, HEX_OCTETS)).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return octets.length > HEX_OCTETS ? `${text} …` : text;
}

/** A Timestamp in ISO 8601, UTC: to the millisecond (ours), or the microsecond when it has more (grpc-go's). */
function time(t: LogSeconds): string {
  const iso = new Date(t.seconds * 1000).toISOString();
  const fraction = t.nanos % 1e6 === 0 ? String(t.nanos / 1e6).padStart(3, '0') : String(Math.floor(t.nanos / 1000)).padStart(6, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** A Duration in seconds, its fraction to the nanosecond without trailing zeros: "5s", "4.999s". */
function duration(d: LogSeconds): string {
  return `${d.seconds}${d.nanos ? `.${String(d.nanos).padStart(9, '0').replace(/0+$/, '')}` : ''}s`;
}

function address(peer: LogAddress): string {
  if (peer.type === 1) return `${peer.address}:${peer.ipPort}`;
  if (peer.type === 2) return `[${peer.address}]:${peer.ipPort}`;
  if (peer.type === 3) return `unix:${peer.address}`;
  return 'unknown';
}
