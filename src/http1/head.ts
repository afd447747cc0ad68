// The head of a message: its start line (RFC 9112 §3 request line, §4 status line), its field lines (§5), and
// what they say about the body's framing (§6.3) and the connection's persistence (§9.3).
import { Http1Error, type Http1Limits } from './limits.js';
import { allIn, FIELD_VALUE, HTAB, SP, TARGET, TCHAR, trimOws } from './syntax.js';

/** Field lines in order, names lowercased (RFC 9110 §5.1: case-insensitive), values trimmed of OWS. */
export type Http1Fields = Array<[name: string, value: string]>;

/** How the content of a message is delimited (RFC 9112 §6.3). */
export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

export interface RequestHead {
  method: string;
  target: string;
  version: '1.0' | '1.1';
  fields: Http1Fields;
  framing: BodyFraming;
  /** RFC 9112 §9.3: whether the connection persists after this exchange. */
  keepAlive: boolean;
}

export interface ResponseHead {
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  fields: Http1Fields;
  framing: BodyFraming;
  keepAlive: boolean;
}

/** RFC 9112 §3: request-line = method SP request-target SP HTTP-version (single spaces, nothing else). */
export function parseRequestLine(line: string): { method: string; target: string; version: '1.0' | '1.1' } {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  if (a <= 0 || b < 0 || line.indexOf(' ', b + 1) >= 0) throw new Http1Error(400, 'malformed request line');
  const method = line.slice(0, a);
  const target = line.slice(a + 1, b);
  if (!allIn(TCHAR, method)) throw new Http1Error(400, 'invalid method token');
  if (!allIn(TARGET, target)) throw new Http1Error(400, 'invalid request-target');
  return { method, target, version: parseVersion(line.slice(b + 1)) };
}

/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. */
export function parseStatusLine(line: string): { status: number; reason: string; version: '1.0' | '1.1' } {
  const reasonGap = line.length === 12 || line.charCodeAt(12) === SP; // "HTTP/1.1 204" without SP is tolerated
  if (line.length < 12 || line.charCodeAt(8) !== SP || !reasonGap) {
    throw new Http1Error(400, 'malformed status line');
  }
  const version = parseVersion(line.slice(0, 8));
  const code = line.slice(9, 12);
  if (!/^[1-9][0-9][0-9]$/.test(code)) throw new Http1Error(400, 'malformed status code');
  const reason = line.slice(13);
  for (let i = 0; i < reason.length; i++) if (FIELD_VALUE[reason.charCodeAt(i)] !== 1) throw new Http1Error(400, 'invalid reason phrase');
  return { status: Number(code), reason, version };
}

function parseVersion(v: string): '1.0' | '1.1' {
  if (v === 'HTTP/1.1') return '1.1';
  if (v === 'HTTP/1.0') return '1.0';
  throw new Http1Error(v.startsWith('HTTP/') ? 505 : 400, `unsupported HTTP version ${JSON.stringify(v.slice(0, 16))}`);
}

/**
 * RFC 9112 §5: field-line = field-name ":" OWS field-value OWS. No whitespace before the colon (§5.1: MUST 400),
 * no obs-fold (§5.2: a line starting with SP/HTAB is refused), field-value octets only (RFC 9110 §5.5).
 */
export function parseFieldLine(line: string, fields: Http1Fields): void {
  const first = line.charCodeAt(0);
  if (first === SP || first === HTAB) throw new Http1Error(400, 'obs-fold (line folding) is not accepted');
  const colon = line.indexOf(':');
  if (colon <= 0) throw new Http1Error(400, 'field line without a name and colon');
  const name = line.slice(0, colon);
  if (!allIn(TCHAR, name)) {
    const last = name.charCodeAt(name.length - 1);
    throw new Http1Error(400, last === SP || last === HTAB ? 'whitespace between field name and colon' : 'invalid field name');
  }
  for (let i = colon + 1; i < line.length; i++) {
    if (FIELD_VALUE[line.charCodeAt(i)] !== 1) throw new Http1Error(400, `invalid octet in the value of ${name}`);
  }
  fields.push([name.toLowerCase(), trimOws(line.slice(colon + 1))]);
}

/** The comma-separated list elements of every field named `name` (RFC 9110 §5.6.1), lowercased, empty ones dropped. */
function listOf(fields: Http1Fields, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of fields) {
    if (n !== name) continue;
    for (const part of v.split(',')) {
      const element = trimOws(part).toLowerCase();
      if (element !== '') out.push(element);
    }
  }
  return out;
}

/** RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive". */
export function persists(version: '1.0' | '1.1', fields: Http1Fields): boolean {
  const connection = listOf(fields, 'connection');
  if (connection.includes('close')) return false;
  return version === '1.1' || connection.includes('keep-alive');
}

/**
 * RFC 9112 §6.3 for either role. Refused (400, must close) as request smuggling vectors: Transfer-Encoding with
 * Content-Length (§6.3 item 3), chunked not last (§6.3 item 4), Transfer-Encoding in HTTP/1.0 (§6.1), more than
 * one Content-Length value even if equal (stricter than RFC 9110 §8.6, which lets a recipient keep equal copies),
 * a non-digit Content-Length.
 * A transfer coding we do not implement is 501 (RFC 9112 §6.1).
 */
export function framingOf(fields: Http1Fields, version: '1.0' | '1.1', isRequest: boolean, limits: Http1Limits): BodyFraming {
  let te: string[] | undefined;
  const lengths: string[] = [];
  for (const [n, v] of fields) {
    if (n === 'transfer-encoding') te = listOf(fields, n);
    else if (n === 'content-length') for (const part of v.split(',')) lengths.push(trimOws(part));
  }
  if (te !== undefined) {
    if (lengths.length > 0) throw new Http1Error(400, 'both Transfer-Encoding and Content-Length');
    if (version === '1.0' && isRequest) throw new Http1Error(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (te.length === 0) throw new Http1Error(400, 'empty Transfer-Encoding');
    const chunkedAt = te.indexOf('chunked');
    if (chunkedAt >= 0 && chunkedAt !== te.length - 1) throw new Http1Error(400, 'chunked is not the last transfer coding');
    if (chunkedAt < 0) {
      if (isRequest) throw new Http1Error(400, 'chunked is not the last transfer coding of the request');
      return { kind: 'close' }; // §6.3 item 4 for a response: read until the connection closes
    }
    if (te.length !== 1) throw new Http1Error(501, `unsupported transfer coding ${te[0]!}`);
    return { kind: 'chunked' };
  }
  if (lengths.length > 1) throw new Http1Error(400, 'more than one Content-Length value');
  if (lengths.length === 1) {
    const v = lengths[0]!;
    if (!/^[0-9]+$/.test(v)) throw new Http1Error(400, 'invalid Content-Length');
    if (v.length > 15 || Number(v) > limits.maxBodyOctets) {
      throw new Http1Error(413, `Content-Length ${v.length > 15 ? v.slice(0, 15) + '…' : v} over ${limits.maxBodyOctets}`, 'maxBodyOctets');
    }
    const length = Number(v);
    return length === 0 ? { kind: 'none' } : { kind: 'length', length };
  }
  return isRequest ? { kind: 'none' } : { kind: 'close' };
}

/** RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without exactly one Host field. */
export function checkHost(version: '1.0' | '1.1', fields: Http1Fields): void {
  let hosts = 0;
  for (const [n] of fields) if (n === 'host') hosts++;
  if (hosts > 1 || (hosts === 0 && version === '1.1')) throw new Http1Error(400, hosts > 1 ? 'more than one Host' : 'no Host in an HTTP/1.1 request');
}
