import type { HeaderList } from '../../http2/index.js';
import type { CallTransport, ClientCallObserver, Encoding, Metadata, RichStatusCodec } from '../call/index.js';
import type { NormalizedRetryPolicy, RetryThrottle } from './retry.js';
import type { MethodDefinition } from '../schema/index.js';

// What a client call is made with: the caller's options, the client's configuration, and where its connection
// comes from.

/** Options of one call: timeout or deadline, metadata, cancellation signal, wait for ready, compression. */
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
  /** Compress the request messages: gzip, deflate or identity (the client's default otherwise). */
  compression?: Encoding;
}

/** What a unary or client-streaming call resolves with: the response and both sets of metadata. */
export interface UnaryResult<Res = unknown> {
  message: Res;
  /** The response's initial metadata. */
  headers: Metadata;
  /** The trailing metadata. */
  trailers: Metadata;
}

/** The user-agent h2grpc clients send. */
export const USER_AGENT = 'h2grpc/0.1.0';

/** Where a call gets its connection: a channel (picking among its subchannels) or one connection. */
export interface CallChannel {
  /**
   * A connection (or HTTP/1.1 pool) that accepts a new stream, speaking the call's protocol; with waitForReady,
   * failures are waited out instead of failing fast.
   */
  getTransport(waitForReady?: boolean): Promise<CallTransport>;
  readonly authority: string;
  readonly scheme: string;
}

export interface ClientCallConfig {
  channel: CallChannel;
  /** The header lists of plain calls (no deadline, metadata or compression) by method path, shared by a client's calls. */
  headerCache?: Map<string, HeaderList>;
  method: MethodDefinition;
  options: CallOptions;
  deadline: number | undefined;
  maxReceiveMessageLength: number;
  maxSendMessageLength: number;
  compression: Encoding;
  minCompressLength: number;
  /** The method's retry policy from the service config, if any. */
  retryPolicy?: NormalizedRetryPolicy;
  /** The channel's retry throttle, if the service config has one. */
  throttle?: RetryThrottle;
  /** Decodes error details (grpc-status-details-bin); default: the standard google.rpc types only. */
  statusCodec?: () => RichStatusCodec;
  /** Told of the call's attempts, messages and status (telemetry); none by default. */
  observer?: ClientCallObserver;
}

