// gRPC PROTOCOL-HTTP2: grpc-message is percent-encoded UTF-8: octets outside 0x20-0x7E, and "%" itself, become
// %XX. Receivers decode leniently: a malformed sequence passes through as it is.

/** Percent-encodes a status message for grpc-message (gRPC's PROTOCOL-HTTP2). */
export function percentEncode(message: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(message)) return message;
  let out = '';
  for (const octet of Buffer.from(message, 'utf8')) {
    out += octet >= 0x20 && octet <= 0x7e && octet !== 0x25 ? String.fromCharCode(octet) : `%${octet.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes grpc-message's percent-encoding (a malformed sequence passes through as it is). */
export function percentDecode(encoded: string): string {
  if (!encoded.includes('%')) return encoded;
  const octets: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      octets.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      octets.push(c & 0xff);
    }
  }
  return Buffer.from(octets).toString('utf8');
}
