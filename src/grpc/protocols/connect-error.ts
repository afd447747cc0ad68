import type { HeaderList } from '../../http2/index.js';
import { percentDecode, richStatus, Status } from '../call/index.js';

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
