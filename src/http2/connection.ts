import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  CLIENT_PREFACE, connectionError, ErrorCode, errorCodeName, type Frame,
  FrameDecoder, FrameType, type GoawayFrame, type HeadersFrame, Http2Error, MAX_WINDOW_SIZE, type SettingsFrame,
} from '../frames/index.js';
import { HpackDecoder, HpackError } from '../hpack/index.js';
import { DataScheduler } from './data-scheduler.js';
import { FrameWriter } from './frame-writer.js';
import { ReceiveWindow } from './flow-control.js';
import { FrameOutput } from './frame-output.js';
import { HeaderBlock } from './header-block.js';
import { Fifo } from './fifo.js';
import { Keepalive, type KeepaliveOptions } from './keepalive.js';
import { PingPolicy, PingTracker } from './pings.js';
import { type ConnectionLimits, DEFAULT_LIMITS } from './limits.js';
import { PeerRates } from './rate-limit.js';
import { StreamReceiver } from './stream-receiver.js';
import { StreamStore } from './stream-store.js';
import type { ConnectionObserver } from './observer.js';
import { applyRemoteSettings, PROTOCOL_DEFAULTS, type Settings, SettingsInFlight } from './settings.js';
import { type HeaderList, Http2Stream, type StreamHandler } from './stream.js';

/** Options of a connection: settings, windows, timeouts, keepalive and ping policy, limits, observer. */
export interface ConnectionOptions {
  /** The settings we advertise. Defaults: see DEFAULT_LOCAL_SETTINGS. */
  settings?: Partial<Settings>;
  /** Our connection-level receive window, opened right after the preface. Default 16 MiB. */
  connectionWindowSize?: number;
  /** How long to wait for the peer to acknowledge our SETTINGS (RFC 9113 §6.5.3). Default 10000 ms. */
  settingsTimeout?: number;
  /** Octets queued on a stream before write() returns false. Default 65536. */
  highWaterMark?: number;
  /** The largest HPACK table our encoder uses, whatever the peer allows. Default 4096. */
  maxEncoderTableSize?: number;
  /** Our own keepalive PINGs. Default none. */
  keepalive?: KeepaliveOptions;
  /**
   * PINGs from the peer closer together than this (ms) while no stream sends anything are strikes; after
   * `maxPingStrikes` of them we send GOAWAY ENHANCE_YOUR_CALM "too_many_pings", as gRPC servers do. Default 0 (off).
   */
  minPingInterval?: number;
  /** Default 2. */
  maxPingStrikes?: number;
  /** Bounds on what the peer can make us hold or do (src/http2/limits.ts; docs/security.md). */
  limits?: Partial<ConnectionLimits>;
  observer?: ConnectionObserver;
}

/** The start of an HTTP/1.x request line (a method, then a space), which no HTTP/2 client preface is. */
const HTTP1_REQUEST = /^(?!PRI )[A-Z]{3,10} /;

/** How long a connection ended by an error keeps its socket open (reading nothing) so the peer can read our GOAWAY. */
const LINGER_MS = 250;

/** The code StreamHandler.onReset gets when the whole connection went away (closed, failed, keepalive timeout). */
export const CONNECTION_LOST = -1;

/** The settings an h2grpc endpoint advertises unless told otherwise. */
export const DEFAULT_LOCAL_SETTINGS: Readonly<Settings> = {
  ...PROTOCOL_DEFAULTS,
  enablePush: 0,
  maxConcurrentStreams: 1000,
  initialWindowSize: 1 << 20,
  maxHeaderListSize: 16384,
};

/**
 * One HTTP/2 connection over any Duplex (a net.Socket, a TLS socket, a test pipe), in the client or the server
 * role: the preface, SETTINGS, PING, GOAWAY, RST_STREAM, the stream states of RFC 9113 §5.1, header blocks with
 * CONTINUATION, and flow control in both directions at both levels.
 *
 * Events: 'stream' (server: stream, headers, endStream), 'goaway' (frame), 'remoteSettings' (settings),
 * 'close' (error?), 'error' is never emitted; failures end the connection and are reported through 'close'.
 */
export class Connection extends EventEmitter {
  readonly role: 'client' | 'server';
  readonly local: Settings;
  readonly remote: Settings = { ...PROTOCOL_DEFAULTS };
  private observed: ConnectionObserver | undefined;
  /** GOAWAY received from the peer: no new streams on this connection. */
  goawayReceived: GoawayFrame | undefined;
  /** We sent GOAWAY: no new streams accepted. */
  goawaySent = false;
  closed = false;
  closeError: Error | undefined;

  private readonly decoder: FrameDecoder;
  private readonly hpackIn: HpackDecoder;
  private readonly out: FrameOutput;
  private readonly writer: FrameWriter;
  private readonly data: DataScheduler;
  private readonly receiveWindow: ReceiveWindow;
  private readonly maxEncoderTableSize: number;
  private readonly store: StreamStore;
  private readonly receiver: StreamReceiver;
  private readonly limits: ConnectionLimits;
  private readonly rates: PeerRates;
  private goawayLastStreamId = 0; // the last-stream-id of the GOAWAY we sent
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly waitingToOpen = new Fifo<Http2Stream>(); // streams over the peer's MAX_CONCURRENT_STREAMS, in order
  private headerBlock: HeaderBlock | undefined;
  private prefaceReceived = false;
  private readonly settings: SettingsInFlight;
  private readonly pings = new PingTracker();
  private hpackStreamId = 0; // the stream whose block the HPACK observer is being told about
  private readonly pingPolicy: PingPolicy;

  constructor(
    readonly socket: Duplex,
    role: 'client' | 'server',
    options: ConnectionOptions = {},
  ) {
    super();
    this.role = role;
    this.local = { ...DEFAULT_LOCAL_SETTINGS, ...options.settings };
    this.observer = options.observer;
    this.maxEncoderTableSize = options.maxEncoderTableSize ?? 4096;
    this.pingPolicy = new PingPolicy(options.minPingInterval ?? 0, options.maxPingStrikes ?? 2);
    this.limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS; // the defaults are shared
    this.rates = new PeerRates(this.limits);
    this.store = new StreamStore(role, this.limits.maxClosedStreams, this.limits.resetStreamGrace);
    this.decoder = new FrameDecoder({ expectPreface: role === 'server', maxFrameSize: PROTOCOL_DEFAULTS.maxFrameSize });
    this.decoder.keepFrameBytes = this.observer?.frame !== undefined; // the octets are kept only for a tracer
    const observer = this.observer;
    this.hpackIn = new HpackDecoder({
      maxTableSize: this.local.headerTableSize,
      maxHeaderListSize: this.local.maxHeaderListSize,
      observer: observer?.hpack ? (event) => observer.hpack!({ direction: 'in', streamId: this.hpackStreamId, event }) : undefined,
    });
    this.receiveWindow = new ReceiveWindow(PROTOCOL_DEFAULTS.initialWindowSize);
    this.writer = new FrameWriter(socket, {
      drain: () => this.data.flushBlocked(),
      overflow: (limit) => this.fail(connectionError(ErrorCode.ENHANCE_YOUR_CALM, `${limit}: the peer is not reading what we send`)),
      pressure: (high) => this.onPressure(high),
    }, this.limits.maxQueuedControlFrames, this.limits.maxOutboundBuffer);
    this.out = new FrameOutput(this.writer, this.observer, Math.min(PROTOCOL_DEFAULTS.headerTableSize, this.maxEncoderTableSize));
    this.receiver = new StreamReceiver(this, {
      newStream: () => new Http2Stream(this, NO_HANDLER, this.remote.initialWindowSize, this.local.initialWindowSize),
      goawayLastStreamId: () => this.goawayLastStreamId,
      giveBackConnection: (length) => this.giveBackConnection(length),
      closeRemote: (stream) => this.closeRemote(stream),
      streamClosed: (stream) => this.streamClosed(stream),
      closeStream: (stream, cause) => this.closeStream(stream, cause),
      flush: (stream) => this.data.flush(stream),
      decoding: (streamId) => (this.hpackStreamId = streamId),
    }, this.store, this.rates, this.hpackIn, this.receiveWindow);
    this.data = new DataScheduler({
      sendData: (streamId, data, endStream) => this.out.data(streamId, data, endStream),
      sendTrailers: (stream, trailers) => this.sendHeaders(stream, trailers, true),
      closeLocal: (stream) => this.closeLocal(stream),
      maxFrameSize: () => this.remote.maxFrameSize,
    }, this.writer, options.highWaterMark ?? 65536);

    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('error', (err: Error) => this.destroy(err));
    socket.on('close', () => this.destroy());
    socket.on('end', () => this.destroy(this.streams.size > 0 ? new Error('the peer closed the connection') : undefined));

    // RFC 9113 §3.4: the client sends the preface then SETTINGS; the server's preface is a SETTINGS frame, sent once
    // the client's first octets arrive (clients never wait for it)
    if (role === 'client') {
      this.writer.push(CLIENT_PREFACE);
      this.observer?.preface?.('out');
    } else {
      this.writer.held = true;
    }
    this.settings = new SettingsInFlight(options.settingsTimeout ?? 10_000, () => {
      this.fail(connectionError(ErrorCode.SETTINGS_TIMEOUT, 'the peer did not acknowledge our SETTINGS'));
    });
    this.out.frame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: this.settings.sent(this.local) });
    const window = options.connectionWindowSize ?? 16 << 20;
    if (window > PROTOCOL_DEFAULTS.initialWindowSize) {
      this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: this.receiveWindow.grow(window - PROTOCOL_DEFAULTS.initialWindowSize) });
    }
    if (options.keepalive) new Keepalive(this, options.keepalive);
  }

  /** Told about every frame, HPACK step and error (tracing); none by default. */
  get observer(): ConnectionObserver | undefined {
    return this.observed;
  }

  set observer(observer: ConnectionObserver | undefined) {
    this.observed = observer;
    if (this.out) this.out.observer = observer;
    if (this.decoder) this.decoder.keepFrameBytes = observer?.frame !== undefined;
  }

  // ---- opening streams --------------------------------------------------------------------------------------

  /** Octets queued on a stream before write() returns false. */
  get highWaterMark(): number {
    return this.data.highWaterMark;
  }

  /** The streams open or half-closed, by id. */
  get streams(): ReadonlyMap<number, Http2Stream> {
    return this.store.live;
  }

  /** True while new streams may be opened here (client): no GOAWAY either way, ids not exhausted, not closed. */
  get acceptingStreams(): boolean {
    return !this.closed && !this.goawayReceived && !this.goawaySent && this.store.nextLocalId <= MAX_WINDOW_SIZE;
  }

  /** Streams opened or waiting to open. */
  get activeStreams(): number {
    return this.streams.size + this.waitingToOpen.length;
  }

  /**
   * Client: a new stream whose request headers go out at once, or as soon as the peer's MAX_CONCURRENT_STREAMS
   * allows (calls queue). DATA written meanwhile waits with it.
   */
  request(headers: HeaderList, handler: StreamHandler, endStream = false): Http2Stream {
    if (this.role !== 'client') throw new Error('only a client opens streams');
    if (!this.acceptingStreams) throw new Error('the connection does not accept new streams');
    const stream = new Http2Stream(this, handler, this.remote.initialWindowSize, this.local.initialWindowSize);
    stream.pendingOpen = { headers, endStream };
    if (this.store.activeLocal < this.remote.maxConcurrentStreams) this.open(stream);
    else this.waitingToOpen.push(stream);
    return stream;
  }

  private open(stream: Http2Stream): void {
    const { headers, endStream } = stream.pendingOpen!;
    stream.pendingOpen = undefined;
    this.store.add(stream);
    this.sendHeaders(stream, headers, endStream);
    if (stream.pendingBytes > 0 || stream.pendingEnd) this.data.flush(stream);
  }

  private openWaiting(): void {
    while (this.waitingToOpen.length > 0 && this.store.activeLocal < this.remote.maxConcurrentStreams && this.acceptingStreams) {
      this.open(this.waitingToOpen.shift()!);
    }
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** A header block as HEADERS and, past the peer's SETTINGS_MAX_FRAME_SIZE, CONTINUATION frames. */
  sendHeaders(stream: Http2Stream, headers: HeaderList, endStream: boolean): void {
    if (stream.pendingOpen) throw new Error('headers were already given for a stream that is still waiting to open');
    if (stream.localClosed) throw new Error(`stream ${stream.id} is already closed for sending`);
    this.out.headers(stream.id, headers, endStream, this.remote.maxFrameSize, this.remote.maxHeaderListSize);
    if (endStream) this.closeLocal(stream);
  }

  writeData(stream: Http2Stream, data: Uint8Array, endStream: boolean): boolean {
    return this.data.write(stream, data, endStream);
  }

  endStream(stream: Http2Stream, trailers?: HeaderList): void {
    this.data.end(stream, trailers);
  }

  resetStream(stream: Http2Stream, code: number): void {
    if (stream.pendingOpen) {
      this.waitingToOpen.remove(stream);
      stream.pendingOpen = undefined;
      stream.state = 'closed';
      return;
    }
    if (stream.state === 'closed') return;
    this.out.control({ type: FrameType.RST_STREAM, streamId: stream.id, errorCode: code });
    this.closeStream(stream, 'reset-sent');
  }

  /** The application consumed received DATA: give the window back, in batches. */
  consume(stream: Http2Stream, length: number): void {
    if (length <= 0 || this.closed) return;
    const connection = this.receiveWindow.consume(length);
    if (connection > 0) this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: connection });
    if (!stream.remoteClosed) {
      const own = stream.receiveWindow.consume(length);
      if (own > 0) this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: stream.id, increment: own });
    }
  }

  /** RFC 9113 §6.7: resolves with the round-trip time in milliseconds. */
  ping(): Promise<number> {
    const { data, rtt } = this.pings.start();
    this.out.frame({ type: FrameType.PING, streamId: 0, ack: false, data });
    return rtt;
  }

  /**
   * Sends GOAWAY (RFC 9113 §6.8): no stream above the last one the peer opened will be processed. With NO_ERROR
   * the streams in flight finish and the connection closes when the last one does.
   */
  goaway(code: number = ErrorCode.NO_ERROR, debug = ''): void {
    if (this.closed || this.goawaySent) return;
    this.goawaySent = true;
    this.goawayLastStreamId = this.store.highestPeerId;
    this.out.frame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: this.goawayLastStreamId, errorCode: code, debugData: Buffer.from(debug) });
    if (code !== ErrorCode.NO_ERROR || this.streams.size === 0) this.closeSoon();
  }

  /** Flushes what is queued, then closes the socket. */
  private closeSoon(): void {
    this.writer.flush(true);
    this.socket.end();
    // a closing connection does not keep the process alive (what was written still goes out)
    (this.socket as Duplex & { unref?: () => void }).unref?.();
    // a peer that never closes its side must not keep us open
    setTimeout(() => {
      this.destroy();
      this.socket.destroy();
    }, 1000).unref();
  }

  /** Closes the connection now; every open stream fails (retryable when it never reached the peer). */
  destroy(error?: Error, linger = false): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    this.settings.stop();
    clearTimeout(this.stallTimer);
    let reason = error ? error.message : 'the connection closed';
    // RFC 9113 §3.4: a peer's first frame is SETTINGS; one that closes before it may not speak HTTP/2 at all
    if (!this.prefaceReceived) reason += ', before the peer sent any HTTP/2 frame';
    for (const stream of [...this.streams.values()]) {
      this.closeStream(stream, 'reset-received');
      stream.handler.onReset(stream, CONNECTION_LOST, reason, false);
    }
    for (const stream of this.waitingToOpen.drain()) {
      stream.state = 'closed';
      stream.handler.onReset(stream, ErrorCode.REFUSED_STREAM, reason, true);
    }
    this.pings.failAll(new Error(reason));
    if (linger) {
      // nothing more is read; the socket closes once the GOAWAY had time to be read by the peer
      this.socket.pause();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    } else if (!this.socket.destroyed) {
      this.socket.destroy();
    }
    this.observer?.closed?.(error);
    this.emit('close', error);
  }

  /** RFC 9113 §10.5 (CVE-2019-9517): while the peer does not read what we owe it, we read nothing more from it. */
  private onPressure(high: boolean): void {
    if (this.closed) return;
    if (high) {
      this.socket.pause();
      const ms = this.limits.outboundStallTimeout;
      this.stallTimer ??= setTimeout(() => {
        this.fail(connectionError(ErrorCode.ENHANCE_YOUR_CALM, `outboundStallTimeout: the peer read nothing for ${ms} ms`));
      }, ms);
    } else {
      this.socket.resume();
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
    }
  }

  private fail(error: Http2Error): void {
    if (this.closed) return;
    this.observer?.error?.(error, 0);
    // the GOAWAY must reach the peer: closing at once with its octets unread would reset the TCP connection and
    // could discard the GOAWAY before the peer reads it, so the socket lingers (reading nothing) for LINGER_MS
    this.goawaySent = false; // RFC 9113 §6.8: a GOAWAY with an error may follow a graceful one
    this.goaway(error.code, error.message.slice(0, 200));
    this.destroy(error, true);
  }

  // ---- receiving --------------------------------------------------------------------------------------------

  private onSocketData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.writer.held) {
      // RFC 9113 §3.4: our preface waits for the client's first octets, so an HTTP/1.x client can be answered in kind
      if (HTTP1_REQUEST.test(chunk.toString('latin1', 0, 16))) return this.refuseHttp1();
      this.writer.release();
    }
    this.decoder.push(chunk);
    while (!this.closed) {
      try {
        const awaitingPreface = this.decoder.awaitingPreface;
        const frame = this.decoder.next();
        if (awaitingPreface && !this.decoder.awaitingPreface) this.observer?.preface?.('in');
        if (!frame) break;
        if (this.observer?.frame) this.observer.frame({ direction: 'in', frame, bytes: this.decoder.lastFrameBytes });
        this.onFrame(frame);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /**
   * RFC 9113 §3.3: this server speaks HTTP/2 with prior knowledge only. An HTTP/1.x request (curl, a browser) is told
   * so in a readable HTTP/1.1 response rather than a binary GOAWAY it would show as garbage.
   */
  private refuseHttp1(): void {
    const body = 'This port speaks HTTP/2 only (gRPC with prior knowledge, RFC 9113 §3.3): use a gRPC client, nghttp, or curl --http2-prior-knowledge.\n';
    const error = connectionError(ErrorCode.PROTOCOL_ERROR, 'an HTTP/1.x request arrived instead of the HTTP/2 client preface');
    this.observer?.error?.(error, 0);
    this.socket.end(`HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    this.destroy(error, true);
  }

  private onError(err: unknown): void {
    if (err instanceof Http2Error && err.scope === 'stream') {
      this.observer?.error?.(err, err.streamId);
      const stream = this.store.get(err.streamId);
      if (stream) {
        this.resetStream(stream, err.code);
        stream.handler.onReset(stream, err.code, err.message, false);
      } else {
        this.out.control({ type: FrameType.RST_STREAM, streamId: err.streamId, errorCode: err.code });
        this.store.rememberReset(err.streamId);
      }
      // RFC 9113 §10.5: stream errors the peer provokes cost it (MadeYouReset, CVE-2025-8671)
      try {
        this.rates.glitch();
      } catch (calm) {
        this.fail(calm as Http2Error);
      }
    } else if (err instanceof Http2Error) {
      this.fail(err);
    } else if (err instanceof HpackError) {
      this.fail(connectionError(ErrorCode.COMPRESSION_ERROR, err.message));
    } else {
      // a bug of ours or of a handler: end the connection rather than go on in an unknown state
      this.fail(connectionError(ErrorCode.INTERNAL_ERROR, (err as Error)?.message ?? String(err)));
    }
  }

  private onFrame(frame: Frame): void {
    // RFC 9113 §3.4: the first frame from either side is SETTINGS
    if (!this.prefaceReceived) {
      if (frame.type !== FrameType.SETTINGS || (frame as SettingsFrame).ack) {
        throw connectionError(ErrorCode.PROTOCOL_ERROR, 'the first frame was not SETTINGS');
      }
      this.prefaceReceived = true;
    }
    // RFC 9113 §6.10: while a header block is open, only its CONTINUATION frames may arrive
    if (this.headerBlock && (frame.type !== FrameType.CONTINUATION || frame.streamId !== this.headerBlock.streamId)) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, `a ${frame.type === FrameType.CONTINUATION ? 'CONTINUATION for another stream' : 'frame other than CONTINUATION'} arrived inside a header block`);
    }
    switch (frame.type) {
      case FrameType.DATA: return this.receiver.data(frame as Extract<Frame, { type: 0 }>);
      case FrameType.HEADERS: return this.onHeadersFrame(frame as HeadersFrame);
      case FrameType.CONTINUATION: {
        const block = this.headerBlock;
        if (!block) throw connectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION without a header block in progress');
        // the block is dropped before the error so a failed CONTINUATION does not leave it half-built
        this.headerBlock = undefined;
        block.add((frame as Extract<Frame, { type: 9 }>).headerBlock);
        if ((frame as Extract<Frame, { type: 9 }>).endHeaders) this.receiver.headerBlock(block.streamId, block.join(), block.endStream);
        else this.headerBlock = block;
        return;
      }
      case FrameType.PRIORITY: return this.rates.priorityFrame(); // RFC 9113 §5.3.2: priority signals may be ignored
      case FrameType.RST_STREAM: return this.receiver.rstStream(frame.streamId, (frame as Extract<Frame, { type: 3 }>).errorCode);
      case FrameType.SETTINGS: return this.onSettings(frame as SettingsFrame);
      case FrameType.PUSH_PROMISE:
        // RFC 9113 §8.4: we advertise SETTINGS_ENABLE_PUSH 0, and a client never pushes
        throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE received, but push is disabled');
      case FrameType.PING: {
        const ping = frame as Extract<Frame, { type: 6 }>;
        if (!ping.ack) {
          if (!this.pingPolicy.allow(this.streams.size)) {
            // gRPC keepalive.md: too many PINGs with nothing else going on earn GOAWAY ENHANCE_YOUR_CALM
            this.goaway(ErrorCode.ENHANCE_YOUR_CALM, 'too_many_pings');
            return this.destroy(new Error('the peer sent too many PINGs'));
          }
          this.out.control({ type: FrameType.PING, streamId: 0, ack: true, data: Buffer.from(ping.data) });
          this.writer.flush(); // RFC 9113 §6.7: answer PINGs promptly
        } else {
          this.pings.acknowledged(ping.data);
        }
        return;
      }
      case FrameType.GOAWAY: return this.onGoaway(frame as GoawayFrame);
      case FrameType.WINDOW_UPDATE: return this.onWindowUpdate(frame.streamId, (frame as Extract<Frame, { type: 8 }>).increment);
      default:
        return; // RFC 9113 §5.5: unknown frame types are ignored
    }
  }

  private onHeadersFrame(frame: HeadersFrame): void {
    if (frame.endHeaders) return this.receiver.headerBlock(frame.streamId, frame.headerBlock, frame.endStream);
    const { maxHeaderBlockSize, maxContinuationFrames } = this.limits;
    this.headerBlock = new HeaderBlock(frame.streamId, frame.endStream, maxHeaderBlockSize, maxContinuationFrames, frame.headerBlock);
  }

  private giveBackConnection(length: number): void {
    const increment = this.receiveWindow.consume(length);
    if (increment > 0) this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment });
  }

  private onSettings(frame: SettingsFrame): void {
    if (frame.ack) {
      // our settings take effect for what the peer sends from now on
      const applied = this.settings.acknowledged();
      this.decoder.maxFrameSize = applied.maxFrameSize;
      this.hpackIn.setMaxTableSize(applied.headerTableSize);
      return;
    }
    this.rates.settingsFrame();
    const { windowDelta: delta, tableSize } = applyRemoteSettings(this.remote, frame.settings, this.role);
    if (tableSize) this.out.hpack.setMaxTableSize(Math.min(this.remote.headerTableSize, this.maxEncoderTableSize));
    // RFC 9113 §6.9.2: a new initial window size changes every stream's send window by the difference
    if (delta !== 0) {
      for (const stream of this.streams.values()) {
        if (stream.sendWindow.size + delta > MAX_WINDOW_SIZE) {
          throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE pushes stream ${stream.id} beyond 2^31-1`);
        }
        stream.sendWindow.size += delta;
      }
    }
    this.out.control({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    this.emit('remoteSettings', this.remote);
    this.openWaiting();
    if (delta > 0) this.data.flushBlocked();
  }

  private onGoaway(frame: GoawayFrame): void {
    this.goawayReceived = frame;
    const reason = `the server sent GOAWAY ${errorCodeName(frame.errorCode)}${frame.debugData.length ? ` (${Buffer.from(frame.debugData).toString('latin1')})` : ''}`;
    // RFC 9113 §6.8: streams we opened above last-stream-id were not processed and may be retried elsewhere
    for (const stream of [...this.streams.values()]) {
      const ours = (stream.id & 1) === (this.role === 'client' ? 1 : 0);
      if (ours && stream.id > frame.lastStreamId) {
        this.closeStream(stream, 'reset-received');
        stream.handler.onReset(stream, ErrorCode.REFUSED_STREAM, reason, true);
      }
    }
    for (const stream of this.waitingToOpen.drain()) {
      stream.state = 'closed';
      stream.handler.onReset(stream, ErrorCode.REFUSED_STREAM, reason, true);
    }
    this.emit('goaway', frame);
    if (frame.errorCode !== ErrorCode.NO_ERROR || this.streams.size === 0) this.closeSoon();
  }

  private onWindowUpdate(streamId: number, increment: number): void {
    if (streamId !== 0) return this.receiver.windowUpdate(streamId, increment);
    this.data.window.increase(increment, 0);
    this.data.flushBlocked();
  }

  // ---- stream state transitions (RFC 9113 §5.1) -------------------------------------------------------------

  private closeLocal(stream: Http2Stream): void {
    stream.state = stream.state === 'half-closed (remote)' ? 'closed' : 'half-closed (local)';
    if (stream.state === 'closed') this.streamClosed(stream);
  }

  private closeRemote(stream: Http2Stream): void {
    stream.state = stream.state === 'half-closed (local)' ? 'closed' : 'half-closed (remote)';
  }

  /** Closed both ways in the normal course: forget it and tell the handler. */
  private streamClosed(stream: Http2Stream): void {
    if (!this.store.get(stream.id)) return;
    this.closeStream(stream, 'end');
    stream.handler.onClose?.(stream);
  }

  private closeStream(stream: Http2Stream, cause: 'end' | 'reset-sent' | 'reset-received'): void {
    this.data.forget(stream);
    if (!this.store.close(stream, cause)) return;
    if (this.role === 'client') this.openWaiting();
    if ((this.goawaySent || this.goawayReceived) && this.streams.size === 0 && !this.closed) this.closeSoon();
    if (this.streams.size === 0) this.emit('idle');
  }
}

/** A server stream's handler until the 'stream' listener sets its own: anything it is told is dropped. */
const NO_HANDLER: StreamHandler = {
  onHeaders() {},
  onData(stream, data) {
    stream.consume(data.length);
  },
  onReset() {},
};
