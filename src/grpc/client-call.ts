import { ErrorCode } from '../frames/index.js';
import { type Connection, headerValue, type HeaderList, type Http2Stream, type StreamHandler } from '../http2/index.js';
import type { Channel } from './channel.js';
import { encodeTimeout } from './deadline.js';
import { frameMessage, MessageReader, type ReceivedMessage } from './message.js';
import { Metadata } from './metadata.js';
import { percentDecode } from './percent.js';
import type { MethodDefinition } from './schema.js';
import { Status, StatusError } from './status.js';
import { statusFromHttp, statusFromRstStream } from './status-mapping.js';

export interface CallOptions {
  /** Milliseconds from now. */
  timeout?: number;
  /** An absolute deadline. */
  deadline?: Date | number;
  metadata?: Metadata;
  /** Aborting it cancels the call (RST_STREAM CANCEL; the call fails CANCELLED). */
  signal?: AbortSignal;
  /** Wait for the channel to connect instead of failing fast with UNAVAILABLE. */
  waitForReady?: boolean;
}

export interface UnaryResult<Res = unknown> {
  message: Res;
  /** The response's initial metadata. */
  headers: Metadata;
  /** The trailing metadata. */
  trailers: Metadata;
}

export const USER_AGENT = 'h2grpc/0.1.0';

/**
 * One unary call: the StreamHandler of its stream. Sends the request headers and the one message, then reads the
 * response headers, the message and the trailers, and settles with the message or a StatusError.
 */
export class UnaryCall<Res = unknown> implements StreamHandler {
  private readonly reader: MessageReader;
  private readonly messages: ReceivedMessage[] = [];
  private responseHeaders: Metadata | undefined;
  private stream: Http2Stream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private attempts = 0;
  private readonly abort = () => this.cancel(Status.CANCELLED, 'the call was cancelled by the client');
  readonly promise: Promise<UnaryResult<Res>>;
  private resolve!: (result: UnaryResult<Res>) => void;
  private reject!: (err: StatusError) => void;

  constructor(
    private readonly channel: Channel,
    private readonly method: MethodDefinition,
    private readonly request: Uint8Array,
    private readonly options: CallOptions,
    private readonly deadline: number | undefined,
    maxReceiveMessageLength: number,
  ) {
    this.reader = new MessageReader(maxReceiveMessageLength);
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (deadline !== undefined) {
      this.timer = setTimeout(() => this.cancel(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'), Math.max(0, deadline - Date.now()));
    }
    if (options.signal) {
      if (options.signal.aborted) queueMicrotask(this.abort);
      else options.signal.addEventListener('abort', this.abort, { once: true });
    }
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    this.attempts++;
    let connection: Connection;
    try {
      connection = await this.channel.getConnection(this.options.waitForReady);
    } catch (err) {
      return this.fail(err instanceof StatusError ? err : new StatusError(Status.UNAVAILABLE, (err as Error).message));
    }
    if (this.settled) return;
    const headers: HeaderList = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', this.method.path],
      [':authority', this.channel.authority],
      ['te', 'trailers'],
      ['content-type', 'application/grpc'],
      ['user-agent', USER_AGENT],
    ];
    if (this.deadline !== undefined) headers.push(['grpc-timeout', encodeTimeout(this.deadline - Date.now())]);
    this.options.metadata?.appendTo(headers);
    try {
      this.stream = connection.request(headers, this);
      this.stream.write(frameMessage(this.request), true);
    } catch (err) {
      this.fail(new StatusError(Status.INTERNAL, (err as Error).message));
    }
  }

  private cancel(code: number, details: string): void {
    if (this.settled) return;
    if (this.stream && !this.stream.closed) this.stream.reset(ErrorCode.CANCEL);
    this.fail(new StatusError(code, details));
  }

  private fail(err: StatusError): void {
    if (this.settled) return;
    this.settle();
    err.headers = this.responseHeaders;
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.abort);
  }

  // ---- StreamHandler ----------------------------------------------------------------------------------------

  onHeaders(_stream: Http2Stream, headers: HeaderList, endStream: boolean): void {
    if (this.settled) return;
    if (!this.responseHeaders) {
      const status = Number(headerValue(headers, ':status'));
      const grpcStatus = headerValue(headers, 'grpc-status');
      if (status !== 200 && grpcStatus === undefined) {
        // gRPC http-grpc-status-mapping: an HTTP error without grpc-status
        return this.cancel(statusFromHttp(status), `received HTTP status ${status} without grpc-status`);
      }
      const contentType = headerValue(headers, 'content-type') ?? '';
      if (!contentType.startsWith('application/grpc') && grpcStatus === undefined) {
        return this.cancel(Status.UNKNOWN, `received content-type ${JSON.stringify(contentType)}, not application/grpc`);
      }
      this.responseHeaders = Metadata.fromHeaders(headers);
      if (!endStream) return;
      this.responseHeaders = new Metadata(); // Trailers-Only: the one block holds the trailers
    }
    this.finish(headers);
  }

  onData(stream: Http2Stream, data: Uint8Array): void {
    stream.consume(data.length);
    if (this.settled) return;
    try {
      this.reader.push(data, this.messages);
    } catch (err) {
      this.cancel((err as StatusError).code, (err as StatusError).details);
    }
  }

  onReset(_stream: Http2Stream, code: number, reason: string, retryable: boolean): void {
    if (this.settled) return;
    // the server never saw this stream (REFUSED_STREAM, above a GOAWAY's last-stream-id): retry it transparently once
    if (retryable && this.attempts < 2 && !this.responseHeaders) {
      void this.attempt();
      return;
    }
    const status = code === ErrorCode.INTERNAL_ERROR && /closed|GOAWAY/.test(reason) ? Status.UNAVAILABLE : statusFromRstStream(code);
    // gRPC: a call cancelled after its deadline is reported as DEADLINE_EXCEEDED
    if (status === Status.CANCELLED && this.deadline !== undefined && Date.now() >= this.deadline) {
      return this.fail(new StatusError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    }
    this.fail(new StatusError(status, reason));
  }

  onClose(): void {
    if (!this.settled) this.fail(new StatusError(Status.INTERNAL, 'the stream closed without trailers'));
  }

  private finish(trailers: HeaderList): void {
    const metadata = Metadata.fromHeaders(trailers);
    const grpcStatus = headerValue(trailers, 'grpc-status');
    const code = grpcStatus === undefined ? Status.UNKNOWN : Number(grpcStatus);
    const details = grpcStatus === undefined ? 'the response trailers have no grpc-status' : percentDecode(headerValue(trailers, 'grpc-message') ?? '');
    if (!Number.isInteger(code) || code < 0 || code > 16) return this.fail(new StatusError(Status.UNKNOWN, `grpc-status ${grpcStatus} is not a status code`, metadata));
    if (code !== Status.OK) return this.fail(new StatusError(code, details, metadata));
    if (this.reader.partial) return this.fail(new StatusError(Status.INTERNAL, 'the response ended inside a message', metadata));
    if (this.messages.length !== 1) {
      return this.fail(new StatusError(Status.INTERNAL, `a unary call expects exactly one response message, not ${this.messages.length}`, metadata));
    }
    const received = this.messages[0]!;
    if (received.compressed) return this.fail(new StatusError(Status.INTERNAL, 'a compressed message arrived without grpc-encoding', metadata));
    let message: Res;
    try {
      message = this.method.deserializeResponse(received.data) as Res;
    } catch (err) {
      return this.fail(new StatusError(Status.INTERNAL, `response message does not parse: ${(err as Error).message}`, metadata));
    }
    this.settle();
    this.resolve({ message, headers: this.responseHeaders ?? new Metadata(), trailers: metadata });
  }
}
