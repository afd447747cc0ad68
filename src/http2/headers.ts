import type { HeaderList } from './stream.js';

// RFC 9113 §8.2.2: fields that are specific to a connection have no place in HTTP/2
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const REQUEST_PSEUDO = new Set([':method', ':scheme', ':authority', ':path']);

/**
 * RFC 9113 §8.2, §8.3: why a received field block is malformed, or undefined when it is well-formed. `kind` says
 * what the block must be. A malformed block is a stream error of type PROTOCOL_ERROR (§8.1.1).
 */
export function malformedReason(headers: HeaderList, kind: 'request' | 'response' | 'trailers'): string | undefined {
  let regularSeen = false;
  const pseudo = new Set<string>();
  for (const [name, value] of headers) {
    if (name.length === 0) return 'an empty field name';
    if (name !== name.toLowerCase()) return `field name "${name}" has upper-case characters (RFC 9113 §8.2.1)`;
    if (name.charCodeAt(0) === 0x3a) {
      // §8.3: pseudo-header fields come first, once each, only those defined for the message, never in trailers
      if (regularSeen) return `pseudo-header "${name}" after a regular field`;
      if (kind === 'trailers') return `pseudo-header "${name}" in trailers`;
      if (kind === 'request' ? !REQUEST_PSEUDO.has(name) : name !== ':status') return `pseudo-header "${name}" is not allowed in a ${kind}`;
      if (pseudo.has(name)) return `pseudo-header "${name}" appears twice`;
      pseudo.add(name);
    } else {
      regularSeen = true;
      if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field "${name}"`;
      if (name === 'te' && value !== 'trailers') return `te: ${value} (only "trailers" is allowed)`;
    }
  }
  if (kind === 'request') {
    for (const required of [':method', ':scheme', ':path']) if (!pseudo.has(required)) return `request without ${required}`;
  }
  if (kind === 'response' && !pseudo.has(':status')) return 'response without :status';
  return undefined;
}

/** The value of the first field named `name`, or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}
