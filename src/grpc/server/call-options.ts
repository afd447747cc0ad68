import type { Encoding, Metadata, RichStatusCodec, ServerCallObserver } from '../call/index.js';
import type { MethodDefinition } from '../schema/index.js';

// What a server call is made with: the request's method, metadata and deadline, the server's limits and
// encodings, and whom to tell of it. `Call` is ServerCall (named by it, so that this file imports nothing back).

/** What a handler gets besides the request: metadata, deadline, cancellation, and ways to answer with metadata. */
export interface ServerCallOptions<Call> {
  method: MethodDefinition;
  metadata: Metadata;
  deadline: number | undefined;
  peer: string;
  maxReceiveMessageLength: number;
  maxSendMessageLength: number;
  /** The request's grpc-encoding. */
  requestEncoding: Encoding;
  /** The encoding for responses (one the client accepts). */
  responseEncoding: Encoding;
  /** The client's grpc-accept-encoding. */
  acceptedEncodings: ReadonlySet<string>;
  minCompressLength: number;
  /** Told once the call has ended (the server's set of calls). */
  onFinish: (call: Call) => void;
  /** Encodes a StatusError's details (grpc-status-details-bin); default: the standard google.rpc types only. */
  statusCodec?: () => RichStatusCodec;
  /** Told of the call's messages and status (telemetry); none by default. */
  observer?: ServerCallObserver;
}
