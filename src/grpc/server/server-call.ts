import { ErrorCode } from '../../frames/index.js';
import type { HeaderList } from '../../http2/index.js';
import { type CallListener, type CallStream, type CallStreamHandler, type ServerCallObserver, compress, DeadlineTimer, decompress, type Encoding, framePieces, Inbox, Metadata, passThrough, richStatus, type RichStatusCodec, Status, StatusError, tellStatus, writePieces } from '../call/index.js';
import type { MethodDefinition } from '../schema/index.js';
import type { ServerCallOptions } from './call-options.js';
import { OK_TRAILERS, responseHeaders, statusFields } from './response-fields.js';

const RESOLVED = Promise.resolve();

/**
 * One call on the server: the StreamHandler of its HTTP/2 stream. Request messages are handed to the handler as it
 * asks for them, and only then is their flow-control window given back, so a handler that reads slowly slows the
 * client down. Responses go out as the handler writes them; `write` waits while the client's window is full.
 */
export class ServerCall implements CallStreamHandler {
  readonly method: MethodDefinition;
  /** The request's custom metadata. */
  readonly metadata: Metadata;
  /** When the call must be done, in epoch milliseconds, from grpc-timeout. */
  readonly deadline: number | undefined;
  /** The client's address. */
  readonly peer: string;
  /** Aborted when the client cancels, the deadline passes, or the connection dies. */
  get signal(): AbortSignal {
    // made when first asked for: most handlers never look, and an AbortController is the costliest part of a call
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }
  /** Metadata to send with the trailers; set it before the handler returns. */
  get trailers(): Metadata {
    return (this.trailerMetadata ??= new Metadata()); // made when first used: most calls send none
  }
  /** The client half-closed its side. */
  halfClosed = false;
  /** The call has ended: status sent, or cancelled. */
  finished = false;
  /**
   * gRPC A6 server pushback, sent with a failing status as grpc-retry-pushback-ms: how long (ms) a retrying client
   * should wait before its next attempt; a negative value tells it not to retry at all.
   */
  retryPushback: number | undefined;
  /** Whether the request message last handed to the handler arrived compressed. */
  lastRequestCompressed = false;
  /** The status the call ended with, once it has (CANCELLED when the client cancelled). */
  status: { code: number; details: string } | undefined;
  /** When the sweeper first saw this call still waiting for its request (0: not yet); ServerSweeper's to set. */
  waitingSince = 0;

  private readonly requestEncoding: Encoding;
  private responseEncoding: Encoding;
  private readonly acceptedEncodings: ReadonlySet<string>;
  private readonly maxReceiveMessageLength: number;
  private readonly minCompressLength: number;
  private writing: Promise<void> | undefined; // the last write still in progress
  private writesInProgress = 0;
  private controller: AbortController | undefined;
  private trailerMetadata: Metadata | undefined;
  private abortReason: StatusError | undefined;
  private readonly inbox: Inbox;
  private readonly maxSendMessageLength: number;
  private readonly statusCodec: (() => RichStatusCodec) | undefined;
  private listeners: CallListener[] | undefined; // interceptors' hooks (listen)
  private readonly onFinish: (call: ServerCall) => void;
  private readonly observer: ServerCallObserver | undefined;
  private headersSent = false;
  private initialMetadata: Metadata | undefined;
  private deadlineTimer: DeadlineTimer | undefined;
  private readonly waiters: Array<() => void> = []; // a reader or writer waiting for the stream to move

  constructor(
    readonly stream: CallStream,
    options: ServerCallOptions<ServerCall>,
  ) {
    this.method = options.method;
    this.metadata = options.metadata;
    this.deadline = options.deadline;
    this.peer = options.peer;
    this.observer = options.observer;
    this.inbox = new Inbox(options.maxReceiveMessageLength, (n, used) => stream.consume(n, used), options.observer);
    this.maxSendMessageLength = options.maxSendMessageLength;
    this.maxReceiveMessageLength = options.maxReceiveMessageLength;
    this.requestEncoding = options.requestEncoding;
    this.responseEncoding = options.responseEncoding;
    this.acceptedEncodings = options.acceptedEncodings;
    this.minCompressLength = options.minCompressLength;
    this.onFinish = options.onFinish;
    this.statusCodec = options.statusCodec;
    if (this.deadline !== undefined) {
      this.deadlineTimer = new DeadlineTimer(this.deadline, () => this.sendStatus(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    }
    // END_STREAM on the request HEADERS: the client sent no message at all, and nothing more will come
    this.halfClosed = stream.remoteClosed;
    if (this.halfClosed && this.observer?.halfClosed) this.observer.halfClosed();
  }

  /**
   * Watches every request the handler gets, every response it sends and the status (an interceptor's view of the
   * whole call); the hooks may replace messages. Listeners run in the order they were added.
   */
  listen(listener: CallListener): this {
    (this.listeners ??= []).push(listener);
    return this;
  }

  get cancelled(): boolean {
    return this.abortReason !== undefined;
  }

  private abort(reason: StatusError): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  // ---- reading requests -------------------------------------------------------------------------------------

  /** The request messages, in order, as the client sends them; ends when the client half-closes. */
  async *requests(): AsyncGenerator<unknown> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return;
      yield message;
    }
  }

  /** The one request of a unary or server-streaming call (after the client half-closed). */
  async single(): Promise<unknown> {
    const first = await this.next();
    // gRPC statuscodes.md: a cardinality violation (not exactly one request) is UNIMPLEMENTED
    const kind = this.method.responseStream ? 'a server-streaming' : 'a unary';
    if (first === undefined) throw new StatusError(Status.UNIMPLEMENTED, `${kind} call takes exactly one request message, not 0`);
    if ((await this.next()) !== undefined) throw new StatusError(Status.UNIMPLEMENTED, `${kind} call takes exactly one request message, not more`);
    return first;
  }

  /** The next request message, or undefined once the client has half-closed and all were read. */
  private async next(): Promise<unknown> {
    for (;;) {
      if (this.finished) throw this.abortReason ?? new StatusError(Status.CANCELLED, 'the call has ended');
      // flow control follows the handler: window is given back as it takes messages (Inbox)
      const message = this.inbox.take();
      if (message) {
        this.lastRequestCompressed = message.compressed;
        const data = message.compressed ? await decompress(this.requestEncoding, message.data, this.maxReceiveMessageLength) : message.data;
        try {
          const request = this.method.deserialize(data);
          return this.listeners ? passThrough(this.listeners, 'onRequest', request) : request;
        } catch (err) {
          throw new StatusError(Status.INTERNAL, `request message does not parse as ${this.method.requestType.fullName.slice(1)}: ${(err as Error).message}`);
        }
      }
      if (this.halfClosed) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  // ---- writing responses ------------------------------------------------------------------------------------

  /** Sends the response headers with this initial metadata now (otherwise they go with the first message). */
  sendMetadata(metadata: Metadata): void {
    if (this.headersSent || this.finished) throw new Error('the response headers were already sent');
    this.initialMetadata = metadata;
    this.sendResponseHeaders();
  }

  /**
   * Chooses the response compression (gzip, deflate or identity) before the first message; an encoding the client
   * did not list in grpc-accept-encoding is not used.
   */
  setCompression(encoding: Encoding): void {
    if (this.headersSent) throw new Error('the response headers were already sent');
    this.responseEncoding = this.acceptedEncodings.has(encoding) || encoding === 'identity' ? encoding : 'identity';
  }

  /**
   * Sends one response message; resolves once the stream can take more (flow control). Writes keep their order.
   * `compress` overrides, for this message, whether it is compressed with the call's encoding.
   */
  write(message: unknown, options?: { compress?: boolean }): Promise<void> {
    // nothing in progress and nothing to compress: sent now, without waiting a turn of the microtask queue
    if (this.writesInProgress === 0 && this.responseEncoding === 'identity' && !this.finished) {
      let room: boolean;
      try {
        room = this.sendNow(message);
      } catch (err) {
        return Promise.reject(err);
      }
      return room ? RESOLVED : this.track(this.roomToWrite());
    }
    const previous = this.writing;
    return this.track(previous ? previous.then(() => this.writeNow(message, options?.compress)) : this.writeNow(message, options?.compress));
  }

  /** Keeps writes in order: the next one starts after this one (and fails with it). */
  private track(write: Promise<void>): Promise<void> {
    this.writesInProgress++;
    const done = write.finally(() => {
      if (--this.writesInProgress === 0) this.writing = undefined;
    });
    this.writing = done;
    return done;
  }

  /** Serializes and queues one uncompressed message; true when the stream can take more at once. */
  private sendNow(message: unknown): boolean {
    const bytes = this.serialize(message);
    if (this.observer) {
      this.observer.messageSent(bytes.length);
      this.observer.messageOctetsSent?.(bytes);
    }
    return writePieces(this.stream, framePieces(bytes));
  }

  /** A response message's octets, within maxSendMessageLength; the response headers go first if they are due. */
  private serialize(message: unknown): Uint8Array {
    const bytes = this.method.serializeResponse(this.listeners ? passThrough(this.listeners, 'onResponse', message) : message);
    if (bytes.length > this.maxSendMessageLength) {
      throw new StatusError(Status.RESOURCE_EXHAUSTED, `response message of ${bytes.length} octets is larger than the limit of ${this.maxSendMessageLength}`);
    }
    if (!this.headersSent) this.sendResponseHeaders();
    return bytes;
  }

  /** Resolves once the stream's queue is under the high-water mark (or the call has ended). */
  private async roomToWrite(): Promise<void> {
    while (!this.finished && this.stream.pendingBytes >= this.stream.highWaterMark) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private async writeNow(message: unknown, compressThis: boolean | undefined): Promise<void> {
    if (this.finished) throw this.abortReason ?? new StatusError(Status.CANCELLED, 'the call has ended');
    const bytes = this.serialize(message);
    const compressed = this.responseEncoding !== 'identity' && (compressThis ?? bytes.length >= this.minCompressLength);
    const payload = compressed ? await compress(this.responseEncoding, bytes) : bytes;
    if (this.finished) return;
    if (this.observer) {
      this.observer.messageSent(payload.length);
      this.observer.messageOctetsSent?.(bytes);
    }
    const pieces = framePieces(payload, compressed);
    if (!writePieces(this.stream, pieces)) await this.roomToWrite();
  }

  /** Ends the call with OK, after the messages sent. */
  sendOk(): void {
    this.sendStatus(Status.OK, '');
  }

  /** Ends the call with an error: a StatusError keeps its code, any other error becomes UNKNOWN with its message. */
  sendError(err: unknown): void {
    if (err instanceof StatusError) {
      if (err.metadata) for (const key of err.metadata.keys()) for (const v of err.metadata.getAll(key)) this.trailers.add(key, v);
      let statusDetails: Buffer | undefined;
      if (err.errorDetails.length > 0) {
        try {
          statusDetails = (this.statusCodec?.() ?? richStatus).encode({ code: err.code, message: err.details, details: err.errorDetails });
        } catch (encodeError) {
          return this.sendStatus(Status.INTERNAL, `error details do not encode: ${(encodeError as Error).message}`);
        }
      }
      this.sendStatus(err.code, err.details, statusDetails);
    } else {
      this.sendStatus(Status.UNKNOWN, err instanceof Error ? err.message : String(err));
    }
  }

  /** Trailers with grpc-status, grpc-message and grpc-status-details-bin; Trailers-Only when nothing was sent yet. */
  sendStatus(code: number, details: string, statusDetails?: Uint8Array): void {
    if (this.finished) return;
    this.status = { code, details };
    this.finish();
    if (this.listeners) tellStatus(this.listeners, { code, details, metadata: this.trailers });
    // the usual end of a call, OK after the response and no trailing metadata: the same list every time
    const plainOk = code === Status.OK && !details && !statusDetails && this.headersSent && !this.trailerMetadata?.size;
    const fields = plainOk ? OK_TRAILERS : statusFields(code, details, statusDetails, this.retryPushback, this.trailerMetadata, !this.headersSent, this.initialMetadata);
    this.headersSent = true;
    if (this.observer?.trailers) this.observer.trailers(fields);
    if (code !== Status.OK) this.abort(new StatusError(code, details));
    if (this.stream.closed) return;
    try {
      if (fields[0]![0] === ':status') this.stream.sendHeaders(fields, true);
      else this.stream.end(fields);
    } catch {
      this.stream.reset(ErrorCode.INTERNAL_ERROR);
      return;
    }
    // gRPC PROTOCOL-HTTP2: trailers sent before the client half-closed are followed by RST_STREAM(NO_ERROR)
    if (!this.halfClosed && !this.stream.closed) this.stream.reset(ErrorCode.NO_ERROR);
  }

  private sendResponseHeaders(): void {
    this.headersSent = true;
    const fields = responseHeaders(this.responseEncoding, this.initialMetadata);
    if (this.observer?.responseHeaders) this.observer.responseHeaders(fields);
    this.stream.sendHeaders(fields);
  }

  private finish(): void {
    this.finished = true;
    this.deadlineTimer?.clear();
    if (this.observer) this.observer.callEnded(this.status!.code);
    this.onFinish(this);
    this.inbox.drop();
    this.inbox.release(); // the connection window must not leak
    this.resume();
  }

  /** Wakes every reader and writer waiting on the stream; each checks again what it waits for. */
  private resume(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  // ---- StreamHandler ----------------------------------------------------------------------------------------

  onHeaders(_stream: CallStream, _headers: HeaderList, endStream: boolean): void {
    // a client sends no trailers in gRPC; an empty END_STREAM header block still half-closes
    if (endStream) this.onEnd();
  }

  onData(_stream: CallStream, data: Uint8Array, endStream: boolean): void {
    if (this.finished) {
      this.stream.consume(data.length);
    } else {
      try {
        this.inbox.push(data);
      } catch (err) {
        this.sendError(err);
      }
    }
    if (endStream) this.onEnd();
    else this.resume();
  }

  onDrain(): void {
    this.resume();
  }

  private onEnd(): void {
    this.halfClosed = true;
    if (this.observer?.halfClosed) this.observer.halfClosed();
    if (this.inbox.partial && !this.finished) this.sendStatus(Status.INTERNAL, 'the request ended inside a message');
    this.resume();
  }

  onReset(_stream: CallStream, code: number, reason: string): void {
    if (this.finished) return;
    const status = code === ErrorCode.CANCEL ? Status.CANCELLED : Status.UNAVAILABLE;
    this.status = { code: status, details: reason };
    if (this.observer?.cancelled) this.observer.cancelled();
    this.abort(new StatusError(status, reason));
    this.finish();
    if (this.listeners) tellStatus(this.listeners, { code: status, details: reason, metadata: this.trailers });
  }
}
