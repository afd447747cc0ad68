import { FRAME_HEADER_LENGTH } from './constants.js';

/** The 9-octet frame header (RFC 9113 §4.1): Length (24), Type (8), Flags (8), R (1), Stream Identifier (31). */
export interface FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

/** Writes a frame header at `offset` of `out`. */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  out[offset] = (length >>> 16) & 0xff;
  out[offset + 1] = (length >>> 8) & 0xff;
  out[offset + 2] = length & 0xff;
  out[offset + 3] = type;
  out[offset + 4] = flags;
  writeUint31(out, offset + 5, streamId);
}

/** Reads a frame header at `offset`; the reserved bit is ignored (RFC 9113 §4.1). */
export function readFrameHeader(buf: Uint8Array, offset: number): FrameHeader {
  return {
    length: (buf[offset]! << 16) | (buf[offset + 1]! << 8) | buf[offset + 2]!,
    type: buf[offset + 3]!,
    flags: buf[offset + 4]!,
    streamId: readUint31(buf, offset + 5),
  };
}

/** Allocates a frame and writes its header; the caller fills the payload from offset 9. */
export function allocFrame(length: number, type: number, flags: number, streamId: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + length);
  writeFrameHeader(out, 0, length, type, flags, streamId);
  return out;
}

/** A big-endian 32-bit unsigned integer at offset. */
export function readUint32(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

/** A 31-bit value after a reserved (or flag) bit, which is masked off. */
export function readUint31(buf: Uint8Array, offset: number): number {
  return readUint32(buf, offset) & 0x7fffffff;
}

/** Writes a big-endian 32-bit unsigned integer at offset. */
export function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 24) & 0xff;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

/** Writes a 31-bit value with the top bit clear. */
export function writeUint31(out: Uint8Array, offset: number, value: number): void {
  writeUint32(out, offset, value & 0x7fffffff);
}
