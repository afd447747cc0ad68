import protobuf from 'protobufjs';
import { TO_OBJECT } from '../schema/index.js';

// The richer error model of Google APIs (google/rpc/status.proto, google/rpc/error_details.proto): a
// google.rpc.Status carried in the grpc-status-details-bin trailer, whose details are google.protobuf.Any messages.
const PROTO = `
syntax = "proto3";
package google.protobuf;
message Any { string type_url = 1; bytes value = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
`;
const RPC = `
syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { google.protobuf.Duration retry_delay = 1; }
message DebugInfo { repeated string stack_entries = 1; string detail = 2; }
message QuotaFailure { message Violation { string subject = 1; string description = 2; } repeated Violation violations = 1; }
message PreconditionFailure { message Violation { string type = 1; string subject = 2; string description = 3; } repeated Violation violations = 1; }
message BadRequest { message FieldViolation { string field = 1; string description = 2; } repeated FieldViolation field_violations = 1; }
message RequestInfo { string request_id = 1; string serving_data = 2; }
message ResourceInfo { string resource_type = 1; string resource_name = 2; string owner = 3; string description = 4; }
message Help { message Link { string description = 1; string url = 2; } repeated Link links = 1; }
message LocalizedMessage { string locale = 1; string message = 2; }
`;

/** The schema of google.rpc.Status and the standard detail types, built once from the text above. */
export function richStatusRoot(): protobuf.Root {
  const root = new protobuf.Root();
  protobuf.parse(PROTO, root, { keepCase: true });
  protobuf.parse(RPC.replace('import "google/protobuf/any.proto";', ''), root, { keepCase: true });
  root.resolveAll();
  return root;
}

const TYPE_PREFIX = 'type.googleapis.com/';

/** One detail: '@type' names the message (e.g. "type.googleapis.com/google.rpc.ErrorInfo"), the rest are its fields. */
export interface StatusDetail {
  '@type': string;
  [field: string]: unknown;
}

/** google.rpc.Status: code, message and typed details (grpc-status-details-bin). */
export interface RichStatus {
  code: number;
  message: string;
  details: StatusDetail[];
}

/**
 * Encodes and decodes google.rpc.Status. Details of the standard types, or of types in `extra` (roots the caller
 * loaded: a server passes its services' schemas and its typeRegistry), are encoded from and decoded to plain objects.
 * A detail given as `{ '@type': url, value: bytes }` is sent as it is (already encoded); an unknown type decodes to
 * that same form.
 */
export class RichStatusCodec {
  private parsed: { root: protobuf.Root; status: protobuf.Type } | undefined;
  private readonly extra: readonly protobuf.Root[];

  constructor(extra?: protobuf.Root | readonly protobuf.Root[]) {
    this.extra = extra === undefined ? [] : extra instanceof protobuf.Root ? [extra] : extra;
  }

  /** The schema, parsed on first use (the shared codec is made at import, and most programs never need it). */
  private get root(): protobuf.Root {
    return this.schema().root;
  }

  private get status(): protobuf.Type {
    return this.schema().status;
  }

  private schema(): { root: protobuf.Root; status: protobuf.Type } {
    if (!this.parsed) {
      const root = richStatusRoot();
      this.parsed = { root, status: root.lookupType('google.rpc.Status') };
    }
    return this.parsed;
  }

  private type(typeUrl: string): protobuf.Type | undefined {
    const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    for (const root of [this.root, ...this.extra]) {
      try {
        const found = root.lookupType(name);
        if (found) return found;
      } catch {
        // not in this root
      }
    }
    return undefined;
  }

  encode(status: RichStatus): Buffer {
    const details = status.details.map((detail) => {
      const { '@type': typeUrl, ...fields } = detail;
      const url = typeUrl.includes('/') ? typeUrl : TYPE_PREFIX + typeUrl;
      if (fields.value instanceof Uint8Array && Object.keys(fields).length === 1) return { type_url: url, value: fields.value };
      const type = this.type(url);
      if (!type) throw new TypeError(`unknown detail type ${url}: it is in no served service's schema; give its root in the server's typeRegistry option, or send it encoded as { '@type', value: bytes }`);
      return { type_url: url, value: type.encode(type.fromObject(fields)).finish() };
    });
    return Buffer.from(this.status.encode(this.status.fromObject({ code: status.code, message: status.message, details })).finish());
  }

  /** google.rpc.Status with its details left packed, each an Any's type URL and encoded value (as Connect sends them). */
  decodePacked(bytes: Uint8Array): { code: number; message: string; details: Array<{ type_url: string; value: Buffer }> } {
    return this.status.toObject(this.status.decode(bytes), { ...TO_OBJECT, bytes: Buffer }) as ReturnType<RichStatusCodec['decodePacked']>;
  }

  decode(bytes: Uint8Array): RichStatus {
    const decoded = this.decodePacked(bytes);
    return {
      code: decoded.code,
      message: decoded.message,
      details: decoded.details.map(({ type_url, value }) => {
        const type = this.type(type_url);
        if (!type) return { '@type': type_url, value };
        return { '@type': type_url, ...(type.toObject(type.decode(value), TO_OBJECT) as Record<string, unknown>) };
      }),
    };
  }
}

/** The codec for the standard detail types, shared: it holds no state that changes. */
export const richStatus = new RichStatusCodec();
