import { ErrorCode } from '../../frames/index.js';
import { CONNECTION_LOST, type HeaderList } from '../../http2/index.js';
import { type CallListener, type CallTransport, type ClientCallObserver, type ClientStream, type ClientStreamHandler, DeadlineTimer, Deferred, Inbox, Metadata, peerAddress, Status, StatusError, passThrough, statusFromRstStream, tellStatus, WithCompression, writePieces } from '../call/index.js';
import type { CallOptions, ClientCallConfig, UnaryResult } from './call-config.js';
export { type CallChannel, type CallOptions, type ClientCallConfig, type UnaryResult, USER_AGENT } from './call-config.js';
import { Attempts } from './attempts.js';
import type { MethodDefinition } from '../schema/index.js';
import { notGrpcResponse, responseHead, trailersStatus } from './response-status.js';
import { frameRequest, readResponse, serializeFirst, unserializable } from './call-messages.js';
import { ReplayBuffer } from './replay-buffer.js';

/**
 * One call of any kind, on the client: the StreamHandler of its stream. It sends the request headers and pumps the
 * request messages (waiting while the server's window is full), and hands out the response messages as they are
 * read, giving back flow-control window only then, so a slow reader slows the server down. It ends with the
 * trailers' status. Iterate it for the responses; `unary()` for the one response of a unary call.
 */
export class ClientCall<Res = unknown> implements ClientStreamHandler, AsyncIterable<Res> {
  /** The response's initial metadata, once it arrives (rejects if the call fails first). */
  readonly headers: Promise<Metadata>;
  /** The final status: resolves with the trailers on OK, rejects with a StatusError otherwise. */
  readonly done: Promise<Metadata>;

  private readonly method: MethodDefinition;
  private readonly options: CallOptions;
  private readonly deadline: number | undefined;
  private readonly inbox: Inbox;
  /** For each response message handed out so far: whether it arrived compressed (flag 1). */
  readonly receivedCompressed: boolean[] = [];
  private responseHeaders: Metadata | undefined;
  private responseEncoding = 'identity';
  private stream: ClientStream | undefined;
  private timer: DeadlineTimer | undefined;
  private error: StatusError | undefined;
  private settled = false;
  private readonly attempts: Attempts;
  private readonly waiters: Array<() => void> = [];
  private readonly sent: ReplayBuffer;
  /** Told of attempts, messages and the status (telemetry); undefined when none is installed. */
  private readonly observer: ClientCallObserver | undefined;
  private requestsDone = false;
  /** The one request of a unary or server-streaming call, serialized before the stream opens. */
  private firstRequest: Uint8Array | undefined;
  private listeners: CallListener[] | undefined; // interceptors' hooks (listen)
  private untoldStatus: Metadata | undefined; // an OK status told to listeners once the last message is read
  private retrying = false; // waiting out a retry's backoff
  private readonly headersOutcome = new Deferred<Metadata>();
  private readonly doneOutcome = new Deferred<Metadata>();
  private readonly abort = () => this.cancel(Status.CANCELLED, 'the call was cancelled by the client');

  constructor(
    private readonly config: ClientCallConfig,
    private readonly requests: AsyncIterable<unknown> | Iterable<unknown>,
  ) {
    this.method = config.method;
    this.options = config.options;
    this.deadline = config.deadline;
    this.attempts = new Attempts(config);
    this.observer = config.observer;
    this.sent = new ReplayBuffer(config.observer !== undefined);
    this.inbox = new Inbox(config.maxReceiveMessageLength, (n, used) => this.stream?.consume(n, used), config.observer);
    // a caller that only iterates must not see these as unhandled rejections: Deferred marks them handled
    this.headers = this.headersOutcome.promise;
    this.done = this.doneOutcome.promise;
    if (this.deadline !== undefined) {
      this.timer = new DeadlineTimer(this.deadline, () => this.cancel(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    }
    if (this.options.signal) {
      if (this.options.signal.aborted) queueMicrotask(this.abort);
      else this.options.signal.addEventListener('abort', this.abort, { once: true });
    }
    void this.attempt();
  }

  /**
   * Watches every request sent, the response headers, every response read and the status (an interceptor's view of
   * the whole call: `return next(info).listen({ … })`); the hooks may replace messages. Listeners run in the order
   * they were added, so the innermost interceptor's first. Add them before the first turn of the event loop. An OK
   * status is told once the messages before it have been read, as grpc-js does; an error at once.
   */
  listen(listener: CallListener<unknown, Res>): this {
    (this.listeners ??= []).push(listener as CallListener);
    if (this.settled) queueMicrotask(() => this.tellStatus(this.error ? { code: this.error.code, details: this.error.details, metadata: this.error.metadata ?? new Metadata() } : undefined));
    return this;
  }

  private tellStatus(status: { code: number; details: string; metadata: Metadata } | undefined): void {
    if (this.listeners && status) tellStatus(this.listeners, status);
  }

  /**
   * Cancels the call: RST_STREAM CANCEL; it fails with CANCELLED. A call whose status already arrived while some
   * of its messages were not read yet is cancelled too: those messages are dropped, and reading ends CANCELLED.
   */
  cancel(code: number = Status.CANCELLED, details = 'the call was cancelled by the client'): void {
    if (this.settled) {
      if (this.error || !this.inbox.pending) return;
      this.endReading(code, details);
      this.untoldStatus = undefined;
      this.tellStatus({ code, details, metadata: new Metadata() });
      return this.resume();
    }
    if (this.stream && !this.stream.closed) this.stream.reset(ErrorCode.CANCEL);
    // gRFC A16: the application's cancellation (or its deadline), not a failure the call found itself
    if (this.observer?.cancelled && (code === Status.CANCELLED || code === Status.DEADLINE_EXCEEDED)) this.observer.cancelled();
    this.inbox.drop(); // what was not read yet is dropped with the call
    this.fail(new StatusError(code, details));
  }

  /** The one response of a unary or client-streaming call, with the headers and trailers. */
  async unary(): Promise<UnaryResult<Res>> {
    const messages: Res[] = [];
    for await (const message of this) messages.push(message);
    const trailers = await this.done;
    if (messages.length !== 1) {
      // gRPC statuscodes.md: a cardinality violation (not exactly one response) is UNIMPLEMENTED
      throw new StatusError(Status.UNIMPLEMENTED, `a ${this.method.requestStream ? 'client-streaming' : 'unary'} call expects exactly one response message, not ${messages.length}`, trailers);
    }
    return { message: messages[0]!, headers: this.responseHeaders ?? new Metadata(), trailers };
  }

  /**
   * The response messages; throws the call's StatusError after the messages that came before it. Leaving the loop
   * early (`break`, `return`, a throw inside it) cancels the call, as connect-es does: RST_STREAM CANCEL, and the
   * server's handler sees its signal abort.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Res> {
    let ended = false;
    try {
      for (;;) {
        const message = this.inbox.take();
        if (message) {
          this.receivedCompressed.push(message.compressed);
          const response = (await readResponse(this.method, this.responseEncoding, this.config.maxReceiveMessageLength, message.data, message.compressed)
            .catch((err: StatusError) => { throw this.readFailed(err.code, err.details); })) as Res;
          yield this.listeners ? passThrough(this.listeners, 'onResponse', response) : response;
          continue;
        }
        if (this.settled) {
          ended = true;
          if (this.untoldStatus) this.tellStatus({ code: Status.OK, details: '', metadata: this.untoldStatus });
          this.untoldStatus = undefined;
          if (this.error) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      if (!ended && !this.error) this.cancel(Status.CANCELLED, 'the response iterator was closed before the end (break, return or throw)');
    }
  }

  /** A response message that cannot be read ends the call with this status, even if its trailers said OK. */
  private readFailed(code: number, details: string): StatusError {
    if (!this.settled) this.cancel(code, details);
    return this.error ?? this.endReading(code, details);
  }

  /** After the status arrived: reading ends with this error instead, what was not read dropped. */
  private endReading(code: number, details: string): StatusError {
    this.inbox.drop();
    this.error = new StatusError(code, details);
    this.error.headers = this.responseHeaders;
    return this.error;
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** How many attempts the call has made so far (retries and transparent retries included). */
  get attemptCount(): number {
    return this.attempts.count;
  }

  private async attempt(transparent = false): Promise<void> {
    this.attempts.count++;
    // gRFC A66: an attempt's time includes waiting for a connection; its trace context goes in its headers
    const traceHeaders = this.observer ? this.observer.attemptStarted(transparent) : undefined;
    let connection: CallTransport;
    try {
      connection = await this.config.channel.getTransport(this.options.waitForReady);
    } catch (err) {
      const error = err instanceof StatusError ? err : new StatusError(Status.UNAVAILABLE, (err as Error).message);
      if (this.observer) this.observer.attemptEnded(error.code);
      if (!this.settled && this.retry(error.code, [])) return;
      return this.fail(error);
    }
    if (this.settled) return;
    if (this.observer) {
      this.observer.attemptConnected?.(connection);
      if (this.observer.connected) this.observer.connected(peerAddress(connection.socket));
    }
    try {
      if (this.attempts.count === 1) this.firstRequest = serializeFirst(this.method, this.requests, (request) => this.serialize(request));
    } catch (err) {
      return this.fail(unserializable(err));
    }
    const headers = this.attempts.headers(traceHeaders);
    try {
      this.stream = connection.request(headers, this);
    } catch (err) {
      return this.fail(new StatusError(Status.UNAVAILABLE, (err as Error).message));
    }
    if (this.attempts.count === 1) return this.pump();
    // a retry, or a replay after REFUSED_STREAM: what was sent before goes again
    this.sent.replay(this.stream, this.requestsDone, this.observer);
  }

  /** Sends the request messages as the iterable yields them, waiting while the stream's queue is full. */
  private async pump(): Promise<void> {
    try {
      for await (const item of this.requests) {
        if (this.settled) return;
        const request = item instanceof WithCompression ? item.message : item;
        let bytes = this.firstRequest;
        this.firstRequest = undefined;
        if (!bytes) {
          try {
            bytes = this.serialize(request);
          } catch (err) {
            return this.cancel(Status.INTERNAL, unserializable(err).details);
          }
        }
        // over maxSendMessageLength: a StatusError, which ends the call below
        const { pieces, size } = await frameRequest(this.config, bytes, item instanceof WithCompression ? item.compress : undefined);
        if (this.settled) return;
        this.sent.remember(pieces, size);
        if (this.observer?.messageOctetsSent) this.observer.messageOctetsSent(bytes);
        // between attempts the message waits in `sent`; the next attempt replays it
        if (this.retrying || !this.stream) {
          if (!this.method.requestStream) this.requestsDone = true;
          if (!this.method.requestStream) return this.observer?.halfClosed?.();
          continue;
        }
        const target = this.stream;
        if (target.closed) return;
        if (this.observer) this.observer.messageSent(size);
        if (!this.method.requestStream) {
          // the one request of a unary or server-streaming call carries END_STREAM itself
          this.requestsDone = true;
          writePieces(target, pieces, true);
          return this.observer?.halfClosed?.();
        }
        if (!writePieces(target, pieces)) await this.drained(target);
      }
      this.requestsDone = true;
      if (!this.settled && this.observer?.halfClosed) this.observer.halfClosed();
      if (!this.settled && !this.retrying && this.stream && !this.stream.closed) this.stream.end();
    } catch (err) {
      if (this.settled) return;
      const details = err instanceof StatusError ? err.details : `the request stream failed: ${(err as Error)?.message ?? err}`;
      this.cancel(err instanceof StatusError ? err.code : Status.CANCELLED, details);
    }
  }

  /** A request through the listeners, then the serializer. */
  private serialize(request: unknown): Uint8Array {
    return this.method.serialize(this.listeners ? passThrough(this.listeners, 'onRequest', request) : request);
  }

  private async drained(stream: ClientStream): Promise<void> {
    while (!this.settled && !stream.closed && stream.pendingBytes >= stream.highWaterMark) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Wakes every reader and writer waiting on the stream; each checks again what it waits for. */
  private resume(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  // ---- ending -----------------------------------------------------------------------------------------------

  private fail(err: StatusError): void {
    if (this.settled) return;
    err.headers = this.responseHeaders;
    this.error = err;
    this.settle();
    if (this.observer) this.observer.callEnded(err.code, err.details); // and the attempt still open, if one is
    this.headersOutcome.reject(err);
    this.doneOutcome.reject(err);
    this.tellStatus({ code: err.code, details: err.details, metadata: err.metadata ?? new Metadata() });
  }

  private settle(): void {
    this.settled = true;
    this.timer?.clear();
    this.attempts.stop();
    this.options.signal?.removeEventListener('abort', this.abort);
    this.inbox.release();
    this.resume();
  }

  // ---- StreamHandler ----------------------------------------------------------------------------------------

  onHeaders(stream: ClientStream, headers: HeaderList, endStream: boolean): void {
    if (this.settled || stream !== this.stream) return; // a finished attempt's stream says nothing more
    if (!this.responseHeaders) {
      const notGrpc = notGrpcResponse(headers);
      if (notGrpc) return this.cancel(notGrpc.code, notGrpc.details);
      if (!endStream) {
        this.sent.commit(); // response headers arrived: committed, no more retries of any kind (gRPC A6)
        const head = responseHead(headers);
        if (head instanceof StatusError) return this.cancel(head.code, head.details);
        this.responseEncoding = head.encoding;
        this.responseHeaders = head.metadata;
        if (this.observer?.responseHeaders) this.observer.responseHeaders(headers);
        if (this.listeners) for (const listener of this.listeners) listener.onHeaders?.(this.responseHeaders);
        this.headersOutcome.resolve(this.responseHeaders);
        return;
      }
      this.responseHeaders = new Metadata(); // Trailers-Only: the one block holds the trailers
      this.headersOutcome.resolve(this.responseHeaders);
    }
    this.finish(headers);
    // gRPC PROTOCOL-HTTP2: trailers before we half-closed are answered with RST_STREAM(NO_ERROR)
    if (!stream.closed) stream.reset(ErrorCode.NO_ERROR);
  }

  onData(stream: ClientStream, data: Uint8Array): void {
    if (this.settled || stream !== this.stream) return stream.consume(data.length);
    try {
      this.inbox.push(data);
    } catch (err) {
      return this.cancel((err as StatusError).code, (err as StatusError).details);
    }
    this.resume();
  }

  onDrain(): void {
    this.resume();
  }

  onReset(stream: ClientStream, code: number, reason: string, retryable: boolean): void {
    if (this.settled || stream !== this.stream) return;
    // a connection that went away is UNAVAILABLE; a reset stream maps by its error code
    const status = code === CONNECTION_LOST ? Status.UNAVAILABLE : statusFromRstStream(code);
    if (this.observer) this.observer.attemptEnded(status);
    if (this.attempts.transparentRetry(retryable, this.sent.replayable)) {
      this.stream = undefined;
      void this.attempt(true);
      return;
    }
    // gRPC: a call cancelled after its deadline is reported as DEADLINE_EXCEEDED
    if (status === Status.CANCELLED && this.deadline !== undefined && Date.now() >= this.deadline) {
      return this.fail(new StatusError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    }
    // gRPC A6: a stream lost before the response began is retried by the policy like any other failure
    if (this.retry(status, [])) return;
    this.fail(new StatusError(status, reason));
  }

  onClose(stream: ClientStream): void {
    if (!this.settled && stream === this.stream) this.fail(new StatusError(Status.INTERNAL, 'the stream closed without trailers'));
  }

  /** gRPC A6: another attempt after a backoff, if the policy allows it and the call is not committed (Attempts). */
  private retry(code: number, trailers: HeaderList): boolean {
    const delay = this.attempts.retryAfter(code, trailers, this.sent.replayable);
    if (delay === undefined) return false;
    this.retrying = true;
    this.stream = undefined;
    this.inbox.restart();
    this.responseHeaders = undefined;
    this.attempts.schedule(delay, () => {
      this.retrying = false;
      void this.attempt();
      this.resume();
    });
    return true;
  }

  private finish(trailers: HeaderList): void {
    let status: ReturnType<typeof trailersStatus>;
    try {
      status = trailersStatus(trailers, this.config.statusCodec?.());
    } catch (err) {
      return this.fail(new StatusError(Status.INTERNAL, `malformed trailers: ${(err as Error).message}`));
    }
    const { code, metadata, error, malformed } = status;
    if (this.observer) this.observer.attemptEnded(code);
    if (error) {
      if (!malformed && this.retry(code, trailers)) return;
      if (this.observer?.trailers) this.observer.trailers(trailers);
      return this.fail(error);
    }
    if (this.observer?.trailers) this.observer.trailers(trailers);
    this.config.throttle?.success();
    if (this.inbox.partial) return this.fail(new StatusError(Status.INTERNAL, 'the response ended inside a message', metadata));
    this.settle();
    if (this.observer) this.observer.callEnded(Status.OK);
    this.doneOutcome.resolve(metadata);
    // as grpc-js: listeners hear the status after the messages that came before it were read
    if (this.inbox.pending && this.listeners) this.untoldStatus = metadata;
    else this.tellStatus({ code: Status.OK, details: '', metadata });
  }
}
