import { ErrorCode } from '../../frames/index.js';
import type { HeaderList } from '../../http2/index.js';
import { type CallTransport, type ClientStream, type ClientStreamHandler, percentEncode, Status } from '../call/index.js';

/**
 * The client's translating stream, the twin of TranslatingStream: a client call speaks gRPC over HTTP/2 to it —
 * request headers, 5-octet-prefixed messages; response headers, messages and trailers back — while the wire speaks
 * gRPC-Web or Connect. A subclass renames the request headers, and turns what the response ends with (a trailer
 * frame, an end-of-stream message, an HTTP status and JSON) into the trailers the call reads.
 */
export abstract class ClientTranslation implements ClientStream, ClientStreamHandler {
  protected wire: ClientStream | undefined;
  /** The trailers are given (or the stream reset): the call is told nothing more. */
  protected answered = false;
  /** The trailers wait for something asynchronous (decompressing them): the wire's close is told after them. */
  protected settling = false;
  private closeHeld = false;
  /** The response was refused here (failWith): the call's reset of the wire is CANCEL, whatever code it gives. */
  private refused = false;

  constructor(protected readonly handler: ClientStreamHandler) {}

  /** Opens the wire stream with the request headers translated. */
  open(transport: CallTransport, headers: HeaderList): this {
    this.wire = transport.request(this.requestHeaders(headers), this);
    return this;
  }

  protected abstract requestHeaders(headers: HeaderList): HeaderList;

  get closed(): boolean {
    return this.wire?.closed ?? false;
  }

  get pendingBytes(): number {
    return this.wire?.pendingBytes ?? 0;
  }

  get highWaterMark(): number {
    return this.wire?.highWaterMark ?? 64 * 1024;
  }

  write(data: Uint8Array, endStream = false): boolean {
    return this.wire!.write(data, endStream);
  }

  end(): void {
    this.wire!.end();
  }

  reset(code: number): void {
    this.answered = true;
    // RFC 9113 §8.1: NO_ERROR (the call's answer to its trailers) would say the response was whole; a refused one was not
    this.wire?.reset(this.refused ? ErrorCode.CANCEL : code);
  }

  consume(length: number, used = true): void {
    this.wire?.consume(length, used);
  }

  // ---- StreamHandler of the wire ------------------------------------------------------------------------------

  abstract onHeaders(stream: ClientStream, headers: HeaderList, endStream: boolean): void;
  abstract onData(stream: ClientStream, data: Uint8Array, endStream: boolean): void;

  onReset(_stream: ClientStream, code: number, reason: string, retryable: boolean): void {
    // a reset after the whole status arrived (RST_STREAM NO_ERROR while it decompresses) changes nothing
    if (this.answered || this.settling) return;
    this.answered = true;
    this.handler.onReset(this, code, reason, retryable);
  }

  onDrain(): void {
    this.handler.onDrain?.(this);
  }

  onClose(): void {
    if (this.settling) this.closeHeld = true;
    else this.handler.onClose?.(this);
  }

  /** Ends the call with these trailers (a grpc-status among them). */
  protected trailers(trailers: HeaderList): void {
    this.settling = false;
    if (!this.answered) {
      this.answered = true;
      this.handler.onHeaders(this, trailers, true);
    }
    if (this.closeHeld) this.handler.onClose?.(this);
  }

  /** Ends the call with a status found here (a malformed response): Trailers-Only as gRPC would say it. */
  protected failWith(code: number, message: string, headersSent: boolean): void {
    const status: HeaderList = [['grpc-status', String(code)], ['grpc-message', percentEncode(message)]];
    this.refused = true;
    this.trailers(headersSent ? status : [[':status', '200'], ['content-type', 'application/grpc'], ...status]);
    if (this.wire && !this.wire.closed) this.wire.reset(ErrorCode.CANCEL);
  }
}

/** gRPC's response content-type, which the call checks. */
export const GRPC_CONTENT_TYPE = 'application/grpc';

/** The status a response without one ends with (gRPC-Web and Connect clients say INTERNAL, as connect-es does). */
export const MISSING_STATUS = Status.INTERNAL;

/**
 * Splits a response body into its envelopes (the 5-octet prefix of gRPC, gRPC-Web and Connect streaming): message
 * envelopes go to the call as they come (their octets as views, the prefix as a copy), so the call's reader and its
 * flow control work as over gRPC; the one envelope whose flag has `finalFlag` set (gRPC-Web's trailers, Connect's
 * end of stream) is collected whole, up to `maxFinal` octets, and its window given back at once.
 */
export class EnvelopeSplitter {
  private readonly prefix = Buffer.alloc(5);
  private prefixed = 0;
  /** Octets of the current message envelope still to pass through. */
  private left = 0;
  private final: Buffer[] | undefined;
  private finalLeft = 0;
  /** The final envelope, once whole: its flag and content. */
  done: { flag: number; data: Buffer } | undefined;

  constructor(
    private readonly finalFlag: number,
    private readonly maxFinal: number,
  ) {}

  /** True while an envelope is begun and not complete. */
  get partial(): boolean {
    return this.prefixed > 0 || this.left > 0 || this.final !== undefined;
  }

  /**
   * Feeds one DATA payload: message octets go to `pass`; octets of the final envelope are given to `credit`. Returns
   * an error text when the body is malformed (something after the final envelope, a final envelope over the limit).
   */
  push(data: Uint8Array, pass: (octets: Uint8Array) => void, credit: (octets: number) => void): string | undefined {
    let at = 0;
    while (at < data.length) {
      if (this.done) return 'the response body continues after its final envelope';
      if (this.left > 0) {
        const n = Math.min(this.left, data.length - at);
        pass(data.subarray(at, at + n));
        this.left -= n;
        at += n;
        continue;
      }
      if (this.final) {
        const n = Math.min(this.finalLeft, data.length - at);
        this.final.push(Buffer.from(data.subarray(at, at + n)));
        credit(n);
        this.finalLeft -= n;
        at += n;
        if (this.finalLeft === 0) this.finish();
        continue;
      }
      const n = Math.min(5 - this.prefixed, data.length - at);
      this.prefix.set(data.subarray(at, at + n), this.prefixed);
      this.prefixed += n;
      at += n;
      if (this.prefixed < 5) continue;
      this.prefixed = 0;
      const length = this.prefix.readUInt32BE(1);
      if ((this.prefix[0]! & this.finalFlag) === 0) {
        pass(Buffer.from(this.prefix)); // a message: the call's reader checks its length against its limit
        this.left = length;
        continue;
      }
      credit(5);
      if (length > this.maxFinal) return `the response's final envelope of ${length} octets is larger than the limit of ${this.maxFinal}`;
      this.final = [];
      this.finalLeft = length;
      if (length === 0) this.finish();
    }
    return undefined;
  }

  private finish(): void {
    this.done = { flag: this.prefix[0]!, data: Buffer.concat(this.final!) };
    this.final = undefined;
  }
}
