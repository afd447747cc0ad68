// The character classes of RFC 9110 §5.6.2 (tchar), §5.5 (field-vchar) and the hex digits of RFC 9112 §7.1,
// as 256-entry tables so that checking an octet is one lookup.

function table(test: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = test(c) ? 1 : 0;
  return t;
}

const TCHAR_PUNCT = "!#$%&'*+-.^_`|~";

/** RFC 9110 §5.6.2: tchar = "!" / "#" / ... / DIGIT / ALPHA. */
export const TCHAR = table(
  (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || TCHAR_PUNCT.includes(String.fromCharCode(c)),
);

/** RFC 9110 §5.5: field-value octets: VCHAR, obs-text, SP and HTAB (no CR, LF, NUL or other controls). */
export const FIELD_VALUE = table((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

/** RFC 9112 §3.2: request-target octets we accept: VCHAR and obs-text, no whitespace or controls. */
export const TARGET = table((c) => c > 0x20 && c !== 0x7f);

/** The value of a hex digit, or -1. */
export const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) {
  HEX['0123456789abcdef'.charCodeAt(c)] = c;
  HEX['0123456789ABCDEF'.charCodeAt(c)] = c;
}

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

/** Whether every octet of s (a latin1 string) is in the table, and s is not empty. */
export function allIn(t: Uint8Array, s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (t[s.charCodeAt(i) & 0xff] !== 1 || s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** A field value with its leading and trailing OWS (RFC 9110 §5.6.3: SP / HTAB) removed. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HTAB)) a++;
  while (b > a && (s.charCodeAt(b - 1) === SP || s.charCodeAt(b - 1) === HTAB)) b--;
  return s.slice(a, b);
}
