import { HpackError } from './errors.js';

/** The largest integer we accept in a field block: 2^32-1 (RFC 7541 §5.1 leaves the limit to the decoder). */
export const MAX_INTEGER = 0xffffffff;

/** A read position in a field block, moved forward by the readers. */
export interface Cursor {
  buf: Uint8Array;
  pos: number;
}

/**
 * RFC 7541 §5.1: decodes an integer with an N-bit prefix at cursor.pos. The prefix's high bits (the
 * representation's pattern) are masked off. Guards against overflow and against a block that ends mid-integer.
 */
export function decodeInteger(cursor: Cursor, prefixBits: number): number {
  const { buf } = cursor;
  const max = (1 << prefixBits) - 1;
  if (cursor.pos >= buf.length) throw new HpackError('field block ends before an integer');
  let value = buf[cursor.pos++]! & max;
  if (value < max) return value;
  let shift = 0;
  for (;;) {
    if (cursor.pos >= buf.length) throw new HpackError('field block ends inside an integer');
    const octet = buf[cursor.pos++]!;
    // a shift in integer range keeps the value a small integer (a double here deoptimizes every caller)
    value += shift <= 21 ? (octet & 0x7f) << shift : (octet & 0x7f) * 2 ** shift;
    if (value > MAX_INTEGER) throw new HpackError(`integer exceeds ${MAX_INTEGER}`);
    if ((octet & 0x80) === 0) return value;
    shift += 7;
  }
}

/**
 * RFC 7541 §5.1: writes `value` with an N-bit prefix; `pattern` holds the representation's high bits of the first
 * octet. Returns the new write position. `out` must have room (at most 6 octets for a 32-bit value).
 */
export function encodeInteger(out: Uint8Array, pos: number, value: number, prefixBits: number, pattern: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out[pos++] = pattern | value;
    return pos;
  }
  out[pos++] = pattern | max;
  value -= max;
  while (value >= 128) {
    out[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}
