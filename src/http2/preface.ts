import { CLIENT_PREFACE, connectionError, ErrorCode, type Frame, FrameType, type Http2Error, type SettingsFrame } from '../frames/index.js';
import type { Duplex } from 'node:stream';
import type { FrameWriter } from './frame-writer.js';
import { http1Refusal, Http1Sniffer, http1StatusLine } from './http1-preface.js';
import type { ConnectionObserver } from './observer.js';

/**
 * RFC 9113 §3.4, the connection preface each way. The client sends the preface string, then SETTINGS; the server's
 * preface is its SETTINGS, held until the client's first octets arrive, so that an HTTP/1.x client can be answered
 * in kind. Either side's first frame must be SETTINGS.
 */
export class Preface {
  /** The peer's first frame (its SETTINGS) arrived. */
  received = false;
  private sniffer: Http1Sniffer | undefined; // server: the first octets, until they are known not to be HTTP/1.x

  constructor(private readonly role: 'client' | 'server') {}

  /** Client: the preface string goes first. Server: what we write waits until the client's first octets came. */
  start(writer: FrameWriter, observer: ConnectionObserver | undefined): void {
    if (this.role === 'client') {
      writer.push(CLIENT_PREFACE);
      observer?.preface?.('out');
    } else {
      writer.held = true;
    }
  }

  /** Server, while its writer is held: 'more' to wait, 'http1' for an HTTP/1.x request, else every octet so far. */
  sniff(chunk: Buffer): Buffer | 'more' | 'http1' {
    const first = (this.sniffer ??= new Http1Sniffer()).push(chunk);
    if (first !== 'h2') return first;
    const all = this.sniffer.take();
    this.sniffer = undefined;
    return all;
  }

  /** RFC 9113 §3.3: an HTTP/1.x request is answered with a readable HTTP/1.1 505 (http1-preface.ts); the error it ends the connection with. */
  refuseHttp1(socket: Duplex, observer: ConnectionObserver | undefined): Http2Error {
    const error = connectionError(ErrorCode.PROTOCOL_ERROR, 'an HTTP/1.x request arrived instead of the HTTP/2 client preface');
    observer?.error?.(error, 0);
    socket.end(http1Refusal());
    return error;
  }

  /** Client, before the server's SETTINGS: a server that answers in HTTP/1.x is told apart from a frame header. */
  http1Answer(chunk: Buffer): Http2Error | undefined {
    const line = http1StatusLine(chunk);
    return line ? connectionError(ErrorCode.PROTOCOL_ERROR, `the server answered in HTTP/1.x (${line}), not HTTP/2: it does not speak HTTP/2 with prior knowledge on this port`) : undefined;
  }

  /** The peer's first frame, which must be SETTINGS. */
  firstFrame(frame: Frame): void {
    if (frame.type !== FrameType.SETTINGS || (frame as SettingsFrame).ack) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'the first frame was not SETTINGS');
    this.received = true;
  }
}
