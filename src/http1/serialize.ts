// Writing HTTP/1.1 messages (RFC 9112): heads, chunks and the last chunk with trailers. Names and values are
// checked before they reach the wire, so no caller can split a message by putting CR or LF in a field.
import type { Http1Fields } from './head.js';
import { allIn, FIELD_VALUE, TARGET, TCHAR } from './syntax.js';

const CRLF = Buffer.from('\r\n', 'latin1');

/** RFC 9110 §15: the reason phrases we send (the phrase is informational; a client ignores it, RFC 9112 §4). */
const REASONS: Record<number, string> = {
  100: 'Continue', 200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed',
  413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

function fieldLines(fields: Http1Fields): string {
  let out = '';
  for (const [name, value] of fields) {
    if (!allIn(TCHAR, name)) throw new TypeError(`invalid HTTP field name ${JSON.stringify(name)}`);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0xff || FIELD_VALUE[c] !== 1) throw new TypeError(`invalid octet in the value of HTTP field ${name}`);
    }
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

/** RFC 9112 §3: request-line CRLF *( field-line CRLF ) CRLF. Framing fields are the caller's to include. */
export function serializeRequestHead(method: string, target: string, fields: Http1Fields): Buffer {
  if (!allIn(TCHAR, method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(method)}`);
  if (!allIn(TARGET, target)) throw new TypeError(`invalid request-target ${JSON.stringify(target)}`);
  return Buffer.from(`${method} ${target} HTTP/1.1\r\n${fieldLines(fields)}\r\n`, 'latin1');
}

/** RFC 9112 §4: status-line CRLF *( field-line CRLF ) CRLF. */
export function serializeResponseHead(status: number, fields: Http1Fields, reason = reasonPhrase(status)): Buffer {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new TypeError(`invalid HTTP status ${status}`);
  for (let i = 0; i < reason.length; i++) {
    if (FIELD_VALUE[reason.charCodeAt(i)] !== 1) throw new TypeError('invalid octet in the reason phrase');
  }
  return Buffer.from(`HTTP/1.1 ${status} ${reason}\r\n${fieldLines(fields)}\r\n`, 'latin1');
}

/**
 * RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF. Returns the three pieces so the data is written as
 * given, not copied (socket.cork / writev). An empty data would be the last chunk, so it yields nothing.
 */
export function encodeChunk(data: Uint8Array): Buffer[] {
  if (data.length === 0) return [];
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.length), CRLF];
}

/** RFC 9112 §7.1: last-chunk = 1*("0") [ chunk-ext ] CRLF, then the trailer section and CRLF (§7.1.2). */
export function encodeLastChunk(trailers: Http1Fields = []): Buffer {
  return Buffer.from(`0\r\n${fieldLines(trailers)}\r\n`, 'latin1');
}
