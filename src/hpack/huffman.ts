import { HpackError } from './errors.js';
import { HUFFMAN_CODES } from './huffman-code.js';

// RFC 7541 §5.2 and Appendix B: Huffman coding of string literals.

const EOS = 256;
const CODES = Uint32Array.from(HUFFMAN_CODES, ([code]) => code);
const LENGTHS = Uint8Array.from(HUFFMAN_CODES, ([, bits]) => bits);

/**
 * The number of octets `s` takes Huffman-coded. Field octets are carried as Latin-1 strings (one character per
 * octet); a character above U+00FF is a TypeError, since it has no single octet.
 */
export function huffmanLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw notLatin1(s);
    bits += LENGTHS[c]!;
  }
  return (bits + 7) >>> 3;
}

function notLatin1(s: string): TypeError {
  return new TypeError(`header field text ${JSON.stringify(s.slice(0, 40))} has a character above U+00FF`);
}

/**
 * Huffman-codes the Latin-1 string `s` into `out` at `pos` and returns the new position. The last octet is
 * padded with the most significant bits of EOS, that is with ones (RFC 7541 §5.2). A character above U+00FF is a
 * TypeError. Octets past the end of `out` are dropped (a typed array ignores them): callers that encode on the chance
 * of a shorter result check the length returned.
 */
export function huffmanEncode(s: string, out: Uint8Array, pos: number): number {
  let acc = 0; // pending bits, fewer than 8 between symbols
  let pending = 0;
  for (let i = 0; i < s.length; i++) {
    const symbol = s.charCodeAt(i);
    if (symbol > 0xff) throw notLatin1(s);
    let code = CODES[symbol]!;
    let bits = LENGTHS[symbol]!;
    if (bits > 24) {
      // keep acc within 31 bits: emit the high part of a long code first
      const high = bits - 16;
      acc = (acc << high) | (code >>> 16);
      pending += high;
      while (pending >= 8) out[pos++] = (acc >>> (pending -= 8)) & 0xff;
      code &= 0xffff;
      bits = 16;
    }
    acc = ((acc & 0xff) << bits) | code;
    pending += bits;
    while (pending >= 8) out[pos++] = (acc >>> (pending -= 8)) & 0xff;
  }
  if (pending > 0) out[pos++] = ((acc << (8 - pending)) | (0xff >>> pending)) & 0xff;
  return pos;
}

// The decoder is a state machine over 4-bit nibbles, as in nghttp2: each state is an internal node of the code
// tree (256 of them for 257 symbols), and TRANSITIONS[state * 16 + nibble] packs the next state (bits 0-7), the
// symbol emitted (bits 8-15), and flags. No code is shorter than 5 bits, so a nibble emits at most one symbol.
const EMIT = 1 << 16;
const FAIL = 1 << 17; // the nibble completes EOS, which must not appear in a string (RFC 7541 §5.2)

const { transitions: TRANSITIONS, accepting: ACCEPTING } = buildDecoder();

function buildDecoder(): { transitions: Uint32Array; accepting: Uint8Array } {
  // children[node * 2 + bit]: an internal node number, or ~symbol (negative) for a leaf
  const children: number[] = [0, 0];
  const depth = [0];
  const allOnes = [true];
  HUFFMAN_CODES.forEach(([code, bits], symbol) => {
    let node = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (code >>> i) & 1;
      const slot = node * 2 + bit;
      if (i === 0) {
        children[slot] = ~symbol;
      } else {
        if (children[slot] === 0) {
          const child = depth.length;
          children.push(0, 0);
          depth.push(depth[node]! + 1);
          allOnes.push(allOnes[node]! && bit === 1);
          children[slot] = child;
        }
        node = children[slot]!;
      }
    }
  });
  const states = depth.length;
  const transitions = new Uint32Array(states * 16);
  // A string may end only in a state reached by at most 7 one-bits of padding from a symbol boundary
  const accepting = Uint8Array.from(depth, (d, node) => (allOnes[node] && d <= 7 ? 1 : 0));
  for (let state = 0; state < states; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let i = 3; i >= 0; i--) {
        const next = children[node * 2 + ((nibble >>> i) & 1)]!;
        if (next < 0) {
          const symbol = ~next;
          if (symbol === EOS) entry |= FAIL;
          else entry |= EMIT | (symbol << 8);
          node = 0;
        } else {
          node = next;
        }
      }
      transitions[state * 16 + nibble] = entry | node;
    }
  }
  return { transitions, accepting };
}

/**
 * Decodes `length` octets of Huffman-coded string from `src` at `start` into `out` (which needs room for
 * length * 8 / 5 octets) and returns the number of octets written. Rejects EOS in the string, and padding that
 * is longer than 7 bits or not all ones (RFC 7541 §5.2).
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const octet = src[i]!;
    let entry = TRANSITIONS[(state << 4) | (octet >>> 4)]!;
    if (entry & (EMIT | FAIL)) {
      if (entry & FAIL) throw new HpackError('Huffman-coded string contains EOS');
      out[n++] = (entry >>> 8) & 0xff;
    }
    state = entry & 0xff;
    entry = TRANSITIONS[(state << 4) | (octet & 0xf)]!;
    if (entry & (EMIT | FAIL)) {
      if (entry & FAIL) throw new HpackError('Huffman-coded string contains EOS');
      out[n++] = (entry >>> 8) & 0xff;
    }
    state = entry & 0xff;
  }
  if (!ACCEPTING[state]) throw new HpackError('Huffman-coded string ends with padding longer than 7 bits or not all ones');
  return n;
}
