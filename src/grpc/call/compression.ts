import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Status, StatusError } from './status.js';

// gRPC compression.md: a call's messages may be compressed with the algorithm named in grpc-encoding; each message
// says in its compressed flag whether it is, and each is compressed on its own (a fresh context every time).

/** The message encodings h2grpc speaks (grpc-encoding). */
export type Encoding = 'identity' | 'gzip' | 'deflate';

/** The encodings we can read, as sent in grpc-accept-encoding. */
export const ACCEPT_ENCODING = 'identity,deflate,gzip';
export const ENCODINGS: ReadonlySet<string> = new Set(['identity', 'deflate', 'gzip']);

/** Messages shorter than this are sent uncompressed (flag 0) even when an encoding is in force. */
export const MIN_COMPRESS_LENGTH = 64;

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const gunzip = promisify(zlib.gunzip) as (buf: Uint8Array, options: zlib.ZlibOptions) => Promise<Buffer>;
const inflate = promisify(zlib.inflate) as (buf: Uint8Array, options: zlib.ZlibOptions) => Promise<Buffer>;

/**
 * A message with its own compression choice, overriding the call's: yield `withCompression(request, false)` from a
 * client's request stream, or pass `{ compress }` to ServerCall.write.
 */
export class WithCompression<T = unknown> {
  constructor(
    readonly message: T,
    readonly compress: boolean,
  ) {}
}

/** A message with its own compression choice (true: compress under the call's encoding). */
export function withCompression<T>(message: T, compress: boolean): WithCompression<T> {
  return new WithCompression(message, compress);
}

export function isEncoding(name: string): name is Encoding {
  return ENCODINGS.has(name);
}

/** Compresses one message; gRPC's "deflate" is the zlib format (RFC 1950), as grpc-js and grpc-go send it. */
export function compress(encoding: Encoding, data: Uint8Array): Promise<Uint8Array> {
  if (encoding === 'gzip') return gzip(data);
  if (encoding === 'deflate') return deflate(data);
  return Promise.resolve(data);
}

/**
 * Decompresses one message, refusing to produce more than `maxLength` octets: a compression bomb gets
 * RESOURCE_EXHAUSTED instead of the memory it asks for.
 */
export async function decompress(encoding: string, data: Uint8Array, maxLength: number): Promise<Uint8Array> {
  if (encoding === 'identity') throw new StatusError(Status.INTERNAL, 'a compressed message arrived without grpc-encoding');
  if (!isEncoding(encoding)) throw new StatusError(Status.UNIMPLEMENTED, `grpc-encoding ${encoding} is not supported`);
  // zlib counts maxOutputLength in octets; one more than the limit tells a message at the limit from a bigger one
  const options = { maxOutputLength: Math.min(maxLength + 1, 2 ** 31 - 1) };
  let out: Buffer;
  try {
    out = encoding === 'gzip' ? await gunzip(data, options) : await inflate(data, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new StatusError(Status.RESOURCE_EXHAUSTED, `decompressed message is larger than the limit of ${maxLength} octets`);
    }
    throw new StatusError(Status.INTERNAL, `${encoding} message does not decompress: ${(err as Error).message}`);
  }
  if (out.length > maxLength) throw new StatusError(Status.RESOURCE_EXHAUSTED, `decompressed message is larger than the limit of ${maxLength} octets`);
  return out;
}

/** The encodings of a grpc-accept-encoding header. */
export function parseAcceptEncoding(header: string | undefined): Set<string> {
  return new Set((header ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** A message to send, bare or with its own compression choice (`withCompression(message, false)`). */
export type Sent<T> = T | WithCompression<T>;
