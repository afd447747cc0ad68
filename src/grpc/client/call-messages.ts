import { compress, decompress, framePieces, Status, StatusError, WithCompression } from '../call/index.js';
import type { MethodDefinition } from '../schema/index.js';
import type { ClientCallConfig } from './call-config.js';

// A client call's messages between their values and their wire form: a request checked against
// maxSendMessageLength, compressed as the call says and framed; a response decompressed and parsed.

/** A request framed: its pieces, and `size`, its payload's octets as sent (compressed or not; gRFC A66 counts them). */
export interface FramedRequest {
  pieces: Uint8Array[];
  size: number;
}

/**
 * The one request of a unary or server-streaming call given as a one-element array, serialized before the stream
 * opens (so one that cannot be sends nothing); undefined for any other call. Throws what the serializer throws.
 */
export function serializeFirst(method: MethodDefinition, requests: unknown, serialize: (request: unknown) => Uint8Array): Uint8Array | undefined {
  if (method.requestStream || !Array.isArray(requests) || requests.length !== 1) return undefined;
  const item: unknown = requests[0];
  return serialize(item instanceof WithCompression ? item.message : item);
}

/** A request framed; a StatusError RESOURCE_EXHAUSTED when it is over maxSendMessageLength. */
export async function frameRequest(config: ClientCallConfig, bytes: Uint8Array, compressThis: boolean | undefined): Promise<FramedRequest> {
  if (bytes.length > config.maxSendMessageLength) {
    throw new StatusError(Status.RESOURCE_EXHAUSTED, `request message of ${bytes.length} octets is larger than the limit of ${config.maxSendMessageLength}`);
  }
  const compressed = config.compression !== 'identity' && (compressThis ?? bytes.length >= config.minCompressLength);
  const payload = compressed ? await compress(config.compression, bytes) : bytes;
  return { pieces: framePieces(payload, compressed), size: payload.length };
}

/** gRPC (as grpc-js): a request the serializer refuses fails the call INTERNAL with the serializer's message. */
export function unserializable(err: unknown): StatusError {
  return new StatusError(Status.INTERNAL, `the request message does not serialize: ${(err as Error)?.message ?? String(err)}`);
}

/** One response message's octets as the response type; a StatusError with the status the call ends with if not. */
export async function readResponse(method: MethodDefinition, encoding: string, maxLength: number, data: Uint8Array, compressed: boolean): Promise<unknown> {
  if (compressed) {
    try {
      data = await decompress(encoding, data, maxLength);
    } catch (err) {
      // gRPC compression.md: UNIMPLEMENTED is the server's answer; a client that cannot read a response says INTERNAL
      const { code, details } = err as StatusError;
      throw new StatusError(code === Status.UNIMPLEMENTED ? Status.INTERNAL : code, details);
    }
  }
  try {
    return method.deserializeResponse(data);
  } catch (err) {
    throw new StatusError(Status.INTERNAL, `response message does not parse: ${(err as Error).message}`);
  }
}
