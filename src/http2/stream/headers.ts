import type { HeaderList } from './stream.js';

// RFC 9113 §8.2.2: fields that are specific to a connection have no place in HTTP/2
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const REQUEST_PSEUDO = new Set([':method', ':scheme', ':authority', ':path']);

/** RFC 9110 §5.6.2 tchar, lower case only (RFC 9113 §8.2.1: no upper case in HTTP/2 field names). */
const NAME_OCTET = (() => {
  const table = new Uint8Array(256);
  for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** Names known to be valid (RFC 7541 Appendix A's, gRPC's): checked without looking at each octet. */
const KNOWN_NAMES: ReadonlySet<string> = new Set([
  ':authority', ':method', ':path', ':scheme', ':status', 'accept', 'accept-encoding', 'content-length', 'content-type',
  'date', 'server', 'te', 'user-agent', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'grpc-status',
  'grpc-message', 'grpc-status-details-bin', 'grpc-previous-rpc-attempts', 'grpc-retry-pushback-ms',
]);

/** RFC 9113 §8.2.1: why a field name is not valid, or undefined. Pseudo-header names keep their leading colon. */
function badName(name: string): string | undefined {
  if (KNOWN_NAMES.has(name)) return undefined;
  const start = name.charCodeAt(0) === 0x3a ? 1 : 0;
  if (name.length === start) return 'an empty field name';
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || NAME_OCTET[c] === 0) {
      if (c >= 0x41 && c <= 0x5a) return `field name "${name}" has upper-case characters (RFC 9113 §8.2.1)`;
      return `field name ${JSON.stringify(name)} has the octet 0x${c.toString(16).padStart(2, '0')}, which is not a token character (RFC 9113 §8.2.1)`;
    }
  }
  return undefined;
}

/** RFC 9113 §8.2.1: no NUL, CR or LF anywhere in a value, and no white space at either end. */
function badValue(name: string, value: string): string | undefined {
  const n = value.length;
  if (n === 0) return undefined;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) {
    return `the value of "${name}" starts or ends with white space (RFC 9113 §8.2.1)`;
  }
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return `the value of "${name}" contains the octet 0x${c.toString(16).padStart(2, '0')} (RFC 9113 §8.2.1)`;
  }
  return undefined;
}

/**
 * RFC 9113 §8.2, §8.3: why a received field block is malformed, or undefined when it is well-formed. `kind` says
 * what the block must be. A malformed block is a stream error of type PROTOCOL_ERROR (§8.1.1).
 */
export function malformedReason(headers: HeaderList, kind: 'request' | 'response' | 'trailers'): string | undefined {
  let regularSeen = false;
  let method: string | undefined;
  let path: string | undefined;
  let scheme = false;
  let authority = false;
  let status = false;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    const reason = badName(name) ?? badValue(name, value);
    if (reason) return reason;
    if (name.charCodeAt(0) === 0x3a) {
      // §8.3: pseudo-header fields come first, once each, only those defined for the message, never in trailers
      if (regularSeen) return `pseudo-header "${name}" after a regular field`;
      if (kind === 'trailers') return `pseudo-header "${name}" in trailers`;
      if (kind === 'request' ? !REQUEST_PSEUDO.has(name) : name !== ':status') return `pseudo-header "${name}" is not allowed in a ${kind}`;
      let twice: boolean;
      if (name === ':method') (twice = method !== undefined), (method = value);
      else if (name === ':path') (twice = path !== undefined), (path = value);
      else if (name === ':scheme') (twice = scheme), (scheme = true);
      else if (name === ':authority') (twice = authority), (authority = true);
      else (twice = status), (status = true);
      if (twice) return `pseudo-header "${name}" appears twice`;
    } else {
      regularSeen = true;
      if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field "${name}"`;
      if (name === 'te' && value !== 'trailers') return `te: ${value} (only "trailers" is allowed)`;
      if (name === 'content-length' && !/^\d{1,15}$/.test(value)) return `content-length ${JSON.stringify(value)} is not a number`;
    }
  }
  if (kind === 'request') {
    // §8.3.1: CONNECT has only :method and :authority; every other request :method, :scheme and a non-empty :path
    if (method === 'CONNECT') {
      if (scheme || path !== undefined) return 'CONNECT with :scheme or :path';
      if (!authority) return 'CONNECT without :authority';
      return undefined;
    }
    if (method === undefined) return 'request without :method';
    if (!scheme) return 'request without :scheme';
    if (path === undefined) return 'request without :path';
    if (path === '') return 'an empty :path';
    if (path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')) return `:path ${JSON.stringify(path)} does not begin with "/"`;
  }
  if (kind === 'response' && !status) return 'response without :status';
  return undefined;
}

/** The value of the first field named `name`, or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

/** RFC 9113 §8.1.1: the content-length a block announces (already validated as digits), or -1 when it has none. */
export function contentLength(headers: HeaderList): number {
  const value = headerValue(headers, 'content-length');
  return value === undefined ? -1 : Number(value);
}
