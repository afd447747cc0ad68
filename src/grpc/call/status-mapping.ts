import { ErrorCode } from '../../frames/index.js';
import { Status } from './status.js';

/** gRPC http-grpc-status-mapping: the status of a response that has an HTTP status but no grpc-status. */
export function statusFromHttp(httpStatus: number): number {
  switch (httpStatus) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504: return Status.UNAVAILABLE;
    default: return Status.UNKNOWN; // 431 among them: the spec's table maps only the codes above
  }
}

/** gRPC PROTOCOL-HTTP2: the status of a call whose stream was reset with an HTTP/2 error code. */
export function statusFromRstStream(code: number): number {
  switch (code) {
    case ErrorCode.REFUSED_STREAM: return Status.UNAVAILABLE;
    case ErrorCode.CANCEL: return Status.CANCELLED;
    case ErrorCode.ENHANCE_YOUR_CALM: return Status.RESOURCE_EXHAUSTED;
    case ErrorCode.INADEQUATE_SECURITY: return Status.PERMISSION_DENIED;
    default: return Status.INTERNAL;
  }
}
