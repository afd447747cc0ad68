import type { HeaderList } from '../../http2/index.js';
import { type ClientCallObserver, type ClientCallStart, parseTimeout, type ServerCallObserver, type ServerCallStart } from '../call/index.js';
import { addressOf, decompressed, field, type LoggedMetadata, metadataOf, metadataOfFields, secondsOf, statusOfTrailers } from './entry-parts.js';
import type { LogLimits } from './filter.js';
import { type Address, EventType, type LogEntry, LoggerSide } from './log-entry.js';

// One call's binary log (gRFC A16): the call observer that turns what the call tells it into GrpcLogEntry records,
// numbered from 1 within the call. The server's logs what its handler's call sends and what arrives for it; the
// client's what the application sends and what arrives from the server, and a status it made itself.

/** Where a call's entries go (the BinaryLog encodes and queues them at once: nothing is kept of a message). */
export type EntryWriter = (entry: LogEntry) => void;

const NO_OCTETS = new Uint8Array(0);

/** What both sides' logs share: the numbering, and the entries built the same way on either side. */
abstract class CallLog {
  private sequence = 0;

  constructor(
    private readonly write: EntryWriter,
    private readonly callId: number,
    private readonly logger: LoggerSide,
    protected readonly limits: LogLimits,
  ) {}

  /** One entry, stamped with the wall clock (as grpc-go's time.Now(); the order within a call is the sequence id's). */
  protected log(type: EventType, payload: Partial<LogEntry>, payloadTruncated = false, peer?: Address): void {
    this.write({ timestamp: secondsOf(Date.now()), callId: this.callId, sequenceIdWithinCall: ++this.sequence, type, logger: this.logger, payloadTruncated, peer, ...payload });
  }

  protected clientHeader(metadata: LoggedMetadata, methodName: string, authority: string, timeoutMs: number | undefined, peer?: Address): void {
    const timeout = timeoutMs !== undefined && timeoutMs > 0 ? secondsOf(timeoutMs) : undefined;
    this.log(EventType.CLIENT_HEADER, { clientHeader: { metadata: metadata.entries, methodName, authority, timeout } }, metadata.truncated, peer);
  }

  protected serverHeader(fields: HeaderList, peer?: Address): void {
    const metadata = metadataOfFields(fields, this.limits.header);
    this.log(EventType.SERVER_HEADER, { serverHeader: { metadata: metadata.entries } }, metadata.truncated, peer);
  }

  /** A message's octets up to the message limit; undefined (it did not decompress) is logged without them. */
  protected message(type: EventType, data: Uint8Array | undefined): void {
    if (!data) return this.log(type, { message: { length: 0, data: NO_OCTETS } }, true);
    const truncated = data.length > this.limits.message;
    this.log(type, { message: { length: data.length, data: truncated ? data.subarray(0, this.limits.message) : data } }, truncated);
  }

  protected trailer(fields: HeaderList, peer?: Address): void {
    const metadata = metadataOfFields(fields, this.limits.header);
    this.log(EventType.SERVER_TRAILER, { trailer: { metadata: metadata.entries, ...statusOfTrailers(fields) } }, metadata.truncated, peer);
  }
}

/** A server call's log: CLIENT_HEADER (with the peer) as it starts, then each event as the call tells it. */
export class ServerCallLog extends CallLog implements ServerCallObserver {
  private readonly requestEncoding: string;

  constructor(write: EntryWriter, callId: number, limits: LogLimits, start: ServerCallStart) {
    super(write, callId, LoggerSide.SERVER, limits);
    const { headers } = start;
    this.requestEncoding = field(headers, 'grpc-encoding') ?? 'identity';
    const timeout = field(headers, 'grpc-timeout');
    const authority = field(headers, ':authority') ?? field(headers, 'host') ?? '';
    this.clientHeader(metadataOfFields(headers, limits.header), start.path, authority, timeout === undefined ? undefined : parseTimeout(timeout), addressOf(start.peer));
  }

  messageSent(): void {}
  messageReceived(): void {}

  messageOctetsReceived(message: Uint8Array, compressed: boolean): void {
    this.message(EventType.CLIENT_MESSAGE, decompressed(this.requestEncoding, message, compressed));
  }

  halfClosed(): void {
    this.log(EventType.CLIENT_HALF_CLOSE, {});
  }

  responseHeaders(fields: HeaderList): void {
    this.serverHeader(fields);
  }

  messageOctetsSent(message: Uint8Array): void {
    this.message(EventType.SERVER_MESSAGE, message);
  }

  trailers(fields: HeaderList): void {
    this.trailer(fields);
  }

  cancelled(): void {
    this.log(EventType.CANCEL, {});
  }

  callEnded(): void {}
}

/**
 * A client call's log: CLIENT_HEADER as the call starts (its metadata as the application gave it), the server's
 * address on the first entry the server caused (SERVER_HEADER, or the trailers of a Trailers-Only response), and
 * SERVER_TRAILER for a status the client made itself (no connection, a reset stream) as for one it received.
 */
export class ClientCallLog extends CallLog implements ClientCallObserver {
  private peer: string | undefined;
  private peerLogged = false;
  private ended = false;
  private responseEncoding = 'identity';

  constructor(write: EntryWriter, callId: number, limits: LogLimits, start: ClientCallStart) {
    super(write, callId, LoggerSide.CLIENT, limits);
    const timeout = start.deadline === undefined ? undefined : start.deadline - Date.now();
    this.clientHeader(metadataOf(start.metadata, limits.header), start.path, start.authority ?? '', timeout);
  }

  attemptStarted(): HeaderList | undefined {
    return undefined;
  }

  attemptEnded(): void {}
  messageSent(): void {}
  messageReceived(): void {}

  connected(peer: string): void {
    this.peer = peer;
  }

  messageOctetsSent(message: Uint8Array): void {
    this.message(EventType.CLIENT_MESSAGE, message);
  }

  halfClosed(): void {
    this.log(EventType.CLIENT_HALF_CLOSE, {});
  }

  responseHeaders(fields: HeaderList): void {
    this.responseEncoding = field(fields, 'grpc-encoding') ?? 'identity';
    this.serverHeader(fields, this.firstPeer());
  }

  messageOctetsReceived(message: Uint8Array, compressed: boolean): void {
    this.message(EventType.SERVER_MESSAGE, decompressed(this.responseEncoding, message, compressed));
  }

  trailers(fields: HeaderList): void {
    this.ended = true;
    this.trailer(fields, this.firstPeer());
  }

  cancelled(): void {
    this.ended = true;
    this.log(EventType.CANCEL, {});
  }

  callEnded(code: number, details?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.log(EventType.SERVER_TRAILER, { trailer: { metadata: [], statusCode: code, statusMessage: details ?? '', statusDetails: NO_OCTETS } }, false, this.firstPeer());
  }

  /** The server's address, on the first entry it caused only. */
  private firstPeer(): Address | undefined {
    if (this.peerLogged || this.peer === undefined) return undefined;
    this.peerLogged = true;
    return addressOf(this.peer);
  }
}
