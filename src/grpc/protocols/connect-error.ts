import type { HeaderList } from '../../http2/index.js';
import { percentDecode, Status } from '../call/index.js';

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
    else if (name === 'grpc-status-details-bin') details = statusDetails(Buffer.from(value, 'base64'));
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

/** google.rpc.Status's details (field 3, Any: type_url 1, value 2), decoded by hand: the Any stays as it is. */
function statusDetails(bytes: Uint8Array): ConnectError['details'] {
  const details: NonNullable<ConnectError['details']> = [];
  for (const [number, value] of fields(bytes)) {
    if (number !== 3 || typeof value === 'number') continue;
    let type = '';
    let data: Uint8Array = new Uint8Array(0);
    for (const [n, v] of fields(value)) {
      if (n === 1 && typeof v !== 'number') type = Buffer.from(v).toString('utf8');
      if (n === 2 && typeof v !== 'number') data = v;
    }
    // Connect: the type's full name, without the type URL's prefix; the value base64 without padding
    details.push({ type: type.slice(type.lastIndexOf('/') + 1), value: Buffer.from(data).toString('base64').replace(/=+$/, '') });
  }
  return details;
}

/** The fields of a protobuf message: varints as numbers, length-delimited ones as views (other wire types skipped). */
function* fields(bytes: Uint8Array): Generator<[number, number | Uint8Array]> {
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; at < bytes.length; shift += 7) {
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new Error('truncated varint');
  };
  while (at < bytes.length) {
    const key = varint();
    const type = key & 7;
    if (type === 0) yield [Math.floor(key / 8), varint()];
    else if (type === 2) {
      const length = varint();
      yield [Math.floor(key / 8), bytes.subarray(at, at + length)];
      at += length;
    } else if (type === 1) at += 8;
    else if (type === 5) at += 4;
    else return;
  }
}
