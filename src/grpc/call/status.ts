import type { Metadata } from './metadata.js';
import type { StatusDetail } from './rich-status.js';

/** The 17 gRPC status codes (grpc/doc/statuscodes.md). */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
/** One of the gRPC status codes of Status. */
export type StatusCode = (typeof Status)[keyof typeof Status];

const names: readonly string[] = Object.keys(Status);

/** "INVALID_ARGUMENT", …; a code outside 0..16 is reported as UNKNOWN by receivers. */
export function statusName(code: number): string {
  return names[code] ?? `UNKNOWN(${code})`;
}

/**
 * A call that ended with a status other than OK. Thrown by handlers to choose the status, and by clients when a
 * call fails: `code`, `details` (grpc-message), `metadata` (trailing metadata), `headers` (initial metadata), and
 * `errorDetails`: the typed details of google.rpc.Status (ErrorInfo, BadRequest, RetryInfo…), carried in
 * grpc-status-details-bin.
 */
export class StatusError extends Error {
  override name = 'StatusError';
  readonly metadata: Metadata | undefined;
  headers: Metadata | undefined;

  constructor(
    readonly code: number,
    readonly details: string,
    metadata?: Metadata,
    readonly errorDetails: StatusDetail[] = [],
  ) {
    super(`${code} ${statusName(code)}: ${details}`);
    this.metadata = metadata;
  }

  get codeName(): string {
    return statusName(this.code);
  }
}
