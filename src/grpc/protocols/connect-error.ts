import type { HeaderList } from '../../http2/index.js';
import { percentDecode, percentEncode, richStatus, Status } from '../call/index.js';

// The Connect protocol's errors (connectrpc.com/docs/protocol#error-codes): a code name, a message and details, as
// JSON; in a unary response the body, with an HTTP status chosen by the code, in a stream the end-of-stream message.

/** Connect's name of each gRPC status code (Connect spells CANCELLED "canceled"). */
const CODE_NAMES = [
  'ok', 'canceled', 'unknown', 'invalid_argument', 'deadline_exceeded', 'not_found', 'already_exists',
  'permission_denied', 'resource_exhausted', 'failed_precondition', 'aborted', 'out_of_range', 'unimplemented',
  'internal', 'unavailable', 'data_loss', 'unauthenticated',
];

/** Connect's HTTP status for each code in a unary response. */
const HTTP_STATUS = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

export function connectCodeName(code: number): string {
  return CODE_NAMES[code] ?? 'unknown';
}

export function connectHttpStatus(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

export interface ConnectError {
  code: string;
  message?: string;
  details?: Array<{ type: string; value: string }>;
}

/** The error a call's gRPC trailers describe (grpc-status, grpc-message, grpc-status-details-bin); undefined for OK. */
export function errorOfTrailers(trailers: HeaderList): { code: number; error: ConnectError } | undefined {
  let code: number = Status.UNKNOWN;
  let message = '';
  let details: ConnectError['details'];
  for (const [name, value] of trailers) {
    if (name === 'grpc-status') code = Number(value);
    else if (name === 'grpc-message') message = percentDecode(value);
    else if (name === 'grpc-status-details-bin') {
      // Connect: each detail's type by full name (the type URL's prefix dropped), its value base64 without padding
      details = richStatus.decodePacked(Buffer.from(value, 'base64')).details.map(({ type_url, value: packed }) => ({
        type: type_url.slice(type_url.lastIndexOf('/') + 1),
        value: packed.toString('base64').replace(/=+$/, ''),
      }));
    }
  }
  if (code === Status.OK) return undefined;
  const error: ConnectError = { code: connectCodeName(code) };
  if (message) error.message = message;
  if (details?.length) error.details = details;
  return { code, error };
}

/** The fields of trailers that are metadata (not gRPC's own). */
export function isMetadata(name: string): boolean {
  return !name.startsWith(':') && !name.startsWith('grpc-') && name !== 'content-type' && name !== 'te';
}

// ---- the client's side: a Connect error read back as gRPC's trailers ------------------------------------------

/** The gRPC code of a Connect code name, or undefined for a name Connect does not have. */
export function connectCode(name: unknown): number | undefined {
  const code = typeof name === 'string' ? CODE_NAMES.indexOf(name) : -1;
  return code > 0 ? code : undefined;
}

/**
 * A Connect error (parsed JSON) as gRPC status fields: grpc-status, grpc-message, and the details packed into
 * grpc-status-details-bin, each `{"type", "value"}` an Any again. `fallback` is the code when the error names none
 * Connect knows (connectrpc.com/docs/protocol#error-codes: the HTTP status decides then). Undefined when `json` is
 * not an error object at all.
 */
export function statusOfConnectError(json: unknown, fallback: number): HeaderList | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { code: name, message, details } = json as { code?: unknown; message?: unknown; details?: unknown };
  const code = connectCode(name) ?? fallback;
  const text = typeof message === 'string' ? message : '';
  const out: HeaderList = [['grpc-status', String(code)], ['grpc-message', percentEncode(text)]];
  if (Array.isArray(details) && details.length > 0) {
    const packed = details.flatMap((d: { type?: unknown; value?: unknown }) =>
      typeof d?.type === 'string' && typeof d.value === 'string'
        ? [{ '@type': `type.googleapis.com/${d.type}`, value: Buffer.from(d.value, 'base64') }] // base64 with or without padding
        : []);
    out.push(['grpc-status-details-bin', richStatus.encode({ code, message: text, details: packed }).toString('base64')]);
  }
  return out;
}
