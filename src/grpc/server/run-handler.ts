import type { HeaderList } from '../../http2/index.js';
import { type CallStream, DISCARD, percentEncode, type ServerCallObserver, WithCompression } from '../call/index.js';
import type { Handler } from './handler-types.js';
import type { ServerCall } from './server-call.js';

/** Runs a handler of any of the four kinds and sends what it produces, then the status. */
export async function run(call: ServerCall, handler: Handler): Promise<void> {
  const { requestStream, responseStream } = call.method;
  try {
    const input = requestStream ? call.requests() : await call.single();
    const output = (handler as (input: unknown, call: ServerCall) => unknown)(input, call);
    if (responseStream) {
      for await (const message of output as AsyncIterable<unknown>) {
        if (call.finished) return;
        if (message instanceof WithCompression) await call.write(message.message, { compress: message.compress });
        else await call.write(message);
      }
    } else {
      const response = await output;
      if (call.finished) return;
      if (response instanceof WithCompression) await call.write(response.message, { compress: response.compress });
      else await call.write(response);
    }
    call.sendOk();
  } catch (err) {
    call.sendError(err);
  }
}

/** A Trailers-Only response: one HEADERS frame with END_STREAM carrying the status (the call's observer told). */
export function trailersOnly(stream: CallStream, code: number, details: string, extra: HeaderList = [], observer?: ServerCallObserver): void {
  const fields: HeaderList = [[':status', '200'], ['content-type', 'application/grpc'], ...extra, ['grpc-status', String(code)], ['grpc-message', percentEncode(details)]];
  if (observer?.trailers) observer.trailers(fields);
  respondAndReset(stream, fields);
  if (observer) observer.callEnded(code);
}

export function respondAndReset(stream: CallStream, fields: HeaderList): void {
  stream.handler = DISCARD;
  const halfClosed = stream.remoteClosed;
  stream.sendHeaders(fields, true);
  // gRPC PROTOCOL-HTTP2: the client may still be sending; RST_STREAM(NO_ERROR) tells it to stop
  if (!halfClosed && !stream.closed) stream.reset(0);
}
