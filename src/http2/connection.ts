import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  connectionError, type ContinuationFrame, type DataFrame, ErrorCode, type Frame, FrameDecoder, FrameType,
  type GoawayFrame, type HeadersFrame, type Http2Error, MAX_WINDOW_SIZE, type PingFrame, type RstStreamFrame,
  type SettingsFrame, type WindowUpdateFrame,
} from '../frames/index.js';
import { HpackDecoder } from '../hpack/index.js';
import { asHttp2Error } from './failure.js';
import { FrameWriter, type WriterEvents } from './frame-writer.js';
import { ReceiveWindow, StreamStore, CONNECTION_LOST, type HeaderList, type Http2Stream, type StreamHandler } from './stream/index.js';
import { FrameOutput } from './frame-output.js';
import { GoAway, type GoAwayHost } from './goaway.js';
import { HeaderAssembly } from './header-block.js';
import { Preface } from './preface.js';
import type { ConnectionOptions } from './connection-options.js';
import { Keepalive, type KeepaliveHost } from './keepalive.js';
import { Pings } from './pings.js';
import { type ConnectionLimits, DEFAULT_LIMITS, PeerRates, OutboundStall } from './limits/index.js';
import { type ReceiverHost, StreamReceiver } from './stream-receiver.js';
import { type SenderHost, StreamSender } from './stream-sender.js';
import type { ConnectionObserver } from './observer.js';
import { ConnectionStats } from './connection-stats.js';
import { DEFAULT_LOCAL_SETTINGS, PROTOCOL_DEFAULTS, type Settings, SettingsExchange } from './settings.js';

/**
 * One HTTP/2 connection over any Duplex (a net.Socket, a TLS socket, a test pipe), in the client or the server
 * role: the preface, SETTINGS, PING, GOAWAY, RST_STREAM, the stream states of RFC 9113 §5.1, header blocks with
 * CONTINUATION, and flow control in both directions at both levels.
 *
 * Events: 'stream' (server: stream, headers, endStream), 'goaway' (frame), 'remoteSettings' (settings),
 * 'close' (error?), 'error' is never emitted; failures end the connection and are reported through 'close'.
 *
 * The frame dispatch is here; SETTINGS, PING, GOAWAY, keepalive and both sides of streams are parts it calls.
 */
export class Connection extends EventEmitter {
  readonly local: Settings;
  readonly remote: Settings;
  private observed: ConnectionObserver | undefined;
  closed = false;
  closeError: Error | undefined;

  private readonly decoder: FrameDecoder;
  private readonly hpackIn: HpackDecoder;
  private readonly out: FrameOutput;
  private readonly writer: FrameWriter;
  private readonly store: StreamStore;
  private readonly receiver: StreamReceiver;
  private readonly sender: StreamSender;
  private readonly limits: ConnectionLimits;
  private readonly rates: PeerRates;
  private readonly settings: SettingsExchange;
  private readonly pings: Pings;
  private readonly closing: GoAway;
  private readonly keepalive: Keepalive | undefined;
  private readonly stall: OutboundStall;
  private readonly receiveWindow: ReceiveWindow;
  private counted: ConnectionStats | undefined;
  private readonly preface: Preface;
  private readonly headerBlocks: HeaderAssembly;

  constructor(
    readonly socket: Duplex,
    readonly role: 'client' | 'server',
    options: ConnectionOptions = {},
  ) {
    super();
    const local = { ...DEFAULT_LOCAL_SETTINGS, ...options.settings };
    const maxEncoderTableSize = options.maxEncoderTableSize ?? 4096;
    this.settings = new SettingsExchange(local, role, maxEncoderTableSize, options.settingsTimeout ?? 10_000, () => {
      this.fail(connectionError(ErrorCode.SETTINGS_TIMEOUT, 'the peer did not acknowledge our SETTINGS'));
    });
    this.local = this.settings.local;
    this.remote = this.settings.remote;
    this.pings = new Pings(options.minPingInterval ?? 0, options.maxPingStrikes ?? 2);
    this.limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS; // the defaults are shared
    this.rates = new PeerRates(this.limits);
    this.store = new StreamStore(role, this.limits.maxClosedStreams, this.limits.resetStreamGrace);
    this.preface = new Preface(role);
    this.headerBlocks = new HeaderAssembly(this.limits.maxHeaderBlockSize, this.limits.maxContinuationFrames);
    this.decoder = new FrameDecoder({ expectPreface: role === 'server', maxFrameSize: PROTOCOL_DEFAULTS.maxFrameSize });
    const observer = options.observer;
    this.hpackIn = new HpackDecoder({
      maxTableSize: this.local.headerTableSize,
      maxHeaderListSize: this.local.maxHeaderListSize,
      observer: observer?.hpack ? (event) => observer.hpack!({ direction: 'in', streamId: this.receiver.decodingStreamId, event }) : undefined,
    });
    const receiveWindow = (this.receiveWindow = new ReceiveWindow(PROTOCOL_DEFAULTS.initialWindowSize));
    const host = new Connection.Host(this);
    this.writer = new FrameWriter(socket, host, this.limits.maxQueuedControlFrames, this.limits.maxOutboundBuffer);
    this.out = new FrameOutput(this.writer, observer, Math.min(PROTOCOL_DEFAULTS.headerTableSize, maxEncoderTableSize));
    this.observer = observer; // the decoder keeps each frame's octets only for a tracer
    this.closing = new GoAway(socket, this.writer, host);
    this.sender = new StreamSender(host, this.out, this.writer, this.store, this.local, this.remote, receiveWindow, options.highWaterMark ?? 65536);
    this.receiver = new StreamReceiver(host, this.store, this.sender, this.rates, this.hpackIn, receiveWindow);
    this.stall = new OutboundStall(this.limits.outboundStallTimeout, this.sender.data, (error) => this.fail(error));

    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('error', (err: Error) => this.destroy(err));
    socket.on('close', () => this.destroy());
    socket.on('end', () => this.destroy(this.streams.size > 0 ? new Error('the peer closed the connection') : undefined));

    this.preface.start(this.writer, observer); // RFC 9113 §3.4: then our SETTINGS
    this.settings.send(this.out);
    const window = options.connectionWindowSize ?? 16 << 20;
    if (window > PROTOCOL_DEFAULTS.initialWindowSize) {
      this.out.frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: receiveWindow.grow(window - PROTOCOL_DEFAULTS.initialWindowSize) });
    }
    if (options.keepalive) this.keepalive = new Keepalive(host, options.keepalive);
  }

  /**
   * The one object through which the parts of this connection reach it (they import only its interfaces): a class,
   * so each connection costs one small object whose methods live on the prototype, not a closure per callback.
   */
  private static readonly Host = class implements ReceiverHost, SenderHost, GoAwayHost, KeepaliveHost, WriterEvents {
    readonly role: 'client' | 'server';
    readonly limits: ConnectionLimits;
    constructor(private readonly c: Connection) {
      this.role = c.role;
      this.limits = c.limits;
    }
    get closed() { return this.c.closed; }
    get acceptingStreams() { return this.c.acceptingStreams; }
    get goawaySent() { return this.c.closing.sent; }
    get goawayLastStreamId() { return this.c.closing.lastStreamId; }
    get maxConcurrentStreams() { return this.c.local.maxConcurrentStreams; }
    get observer() { return this.c.observer; }
    opened(stream: Http2Stream, headers: HeaderList, endStream: boolean) { this.c.emit('stream', stream, headers, endStream); }
    streamClosed(stream: Http2Stream) { this.c.streamClosed(stream); }
    closeStream(stream: Http2Stream, cause: 'reset-sent' | 'reset-received') { this.c.closeStream(stream, cause); }
    settle(stream: Http2Stream) { this.c.rates.settle(stream); }
    windowBlocked() { this.c.stall.windowBlocked(); }
    drain() { this.c.sender.data.flushBlocked(); }
    overflow(limit: string) { this.c.fail(connectionError(ErrorCode.ENHANCE_YOUR_CALM, `${limit}: the peer is not reading what we send`)); }
    pressure(high: boolean) { this.c.onPressure(high); }
    ping() {
      if (this.c.counted) this.c.counted.keepalivesSent++;
      return this.c.ping();
    }
    streamCount() { return this.c.streams.size; }
    dead(error: Error) { this.c.destroy(error); }
    destroy() { this.c.destroy(); }
  };

  /** Told about every frame, HPACK step and error (tracing); none by default. */
  get observer(): ConnectionObserver | undefined {
    return this.observed;
  }

  set observer(observer: ConnectionObserver | undefined) {
    this.observed = observer;
    this.out.observer = observer;
    this.decoder.keepFrameBytes = observer?.frame !== undefined;
  }

  /** GOAWAY received from the peer: no new streams on this connection. */
  get goawayReceived(): GoawayFrame | undefined {
    return this.closing.received;
  }

  /** We sent GOAWAY: no new streams accepted. */
  get goawaySent(): boolean {
    return this.closing.sent;
  }

  // ---- what channelz reads (gRFC A14 SocketData) ------------------------------------------------------------

  /** Starts counting streams and keepalive PINGs (once asked, for the connection's life); the counts. */
  collectStats(): ConnectionStats {
    if (!this.counted) this.store.stats = this.counted = new ConnectionStats();
    return this.counted;
  }

  /** The counts, if collectStats() was called. */
  get stats(): ConnectionStats | undefined {
    return this.counted;
  }

  /** RFC 9113 §6.9.1: the connection-level window the peer granted us, octets of DATA we may send now. */
  get sendWindow(): number {
    return this.sender.data.window.size;
  }

  /** The connection-level window we granted the peer, octets of DATA it may send us now. */
  get receiveWindowSize(): number {
    return this.receiveWindow.available;
  }

  // ---- opening streams --------------------------------------------------------------------------------------

  /** Octets queued on a stream before write() returns false. */
  get highWaterMark(): number {
    return this.sender.highWaterMark;
  }

  /** The streams open or half-closed, by id. */
  get streams(): ReadonlyMap<number, Http2Stream> {
    return this.store.live;
  }

  /** True while new streams may be opened here (client): no GOAWAY either way, ids not exhausted, not closed. */
  get acceptingStreams(): boolean {
    return !this.closed && !this.closing.either && this.store.nextLocalId <= MAX_WINDOW_SIZE;
  }

  /** Streams opened or waiting to open. */
  get activeStreams(): number {
    return this.streams.size + this.sender.waitingCount;
  }

  /**
   * Client: a new stream whose request headers go out at once, or as soon as the peer's MAX_CONCURRENT_STREAMS
   * allows (calls queue). DATA written meanwhile waits with it.
   */
  request(headers: HeaderList, handler: StreamHandler, endStream = false): Http2Stream {
    if (this.role !== 'client') throw new Error('only a client opens streams');
    if (!this.acceptingStreams) throw new Error('the connection does not accept new streams');
    return this.sender.request(handler, headers, endStream);
  }

  /** RFC 9113 §6.7: resolves with the round-trip time in milliseconds. */
  ping(): Promise<number> {
    return this.pings.send(this.out);
  }

  /**
   * Sends GOAWAY (RFC 9113 §6.8): no stream above the last one the peer opened will be processed. With NO_ERROR
   * the streams in flight finish and the connection closes when the last one does.
   */
  goaway(code: number = ErrorCode.NO_ERROR, debug = ''): void {
    if (this.closed || this.closing.sent) return;
    this.closing.send(this.out, code, debug, this.store.highestPeerId);
    if (code !== ErrorCode.NO_ERROR || this.streams.size === 0) this.closing.closeSoon();
  }

  /** Closes the connection now; every open stream fails (retryable when it never reached the peer). */
  destroy(error?: Error, linger = false): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    this.settings.stop();
    this.keepalive?.stop();
    this.stall.stop();
    let reason = error ? error.message : 'the connection closed';
    // RFC 9113 §3.4: a peer's first frame is SETTINGS; one that closes before it may not speak HTTP/2 at all
    if (!this.preface.received) reason += ', before the peer sent any HTTP/2 frame';
    for (const stream of [...this.streams.values()]) {
      this.closeStream(stream, 'reset-received');
      stream.handler.onReset(stream, CONNECTION_LOST, reason, false);
    }
    this.sender.refuseWaiting(reason);
    this.pings.failAll(new Error(reason));
    if (linger) this.closing.linger(); // nothing more is read; the socket closes once the peer could read our GOAWAY
    else if (!this.socket.destroyed) this.socket.destroy();
    this.observer?.closed?.(error);
    this.emit('close', error);
  }

  /** RFC 9113 §10.5 (CVE-2019-9517): while the peer does not read what we owe it, we read nothing more from it. */
  private onPressure(high: boolean): void {
    if (this.closed) return;
    if (high) this.socket.pause();
    else this.socket.resume();
    this.stall.pressure(high);
  }

  /** A connection error: GOAWAY with its code, then the socket lingers so that the peer can read it. */
  private fail(error: Http2Error): void {
    if (this.closed) return;
    this.observer?.error?.(error, 0);
    this.closing.sent = false; // RFC 9113 §6.8: a GOAWAY with an error may follow a graceful one
    this.goaway(error.code, error.message.slice(0, 200));
    this.destroy(error, true);
  }

  // ---- receiving --------------------------------------------------------------------------------------------

  private onSocketData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.writer.held) {
      // RFC 9113 §3.4: our preface waits for the client's first octets, so an HTTP/1.x client can be answered in kind
      const first = this.preface.sniff(chunk);
      if (first === 'more') return;
      if (first === 'http1') return this.destroy(this.preface.refuseHttp1(this.socket, this.observer), true);
      chunk = first;
      this.writer.release();
    } else if (!this.preface.received && this.role === 'client') {
      const answer = this.preface.http1Answer(chunk);
      if (answer) return this.fail(answer);
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

  private onError(err: unknown): void {
    const error = asHttp2Error(err);
    if (error.scope !== 'stream') return this.fail(error);
    this.receiver.streamError(error);
    // RFC 9113 §10.5: stream errors the peer provokes cost it (MadeYouReset, CVE-2025-8671)
    try {
      this.rates.glitch();
    } catch (calm) {
      this.fail(calm as Http2Error);
    }
  }

  private onFrame(frame: Frame): void {
    if (!this.preface.received) this.preface.firstFrame(frame); // RFC 9113 §3.4: SETTINGS
    if (this.headerBlocks.open) this.headerBlocks.check(frame); // RFC 9113 §6.10: only its CONTINUATION frames
    switch (frame.type) {
      case FrameType.DATA: return this.receiver.data(frame as DataFrame);
      case FrameType.HEADERS: {
        const { streamId, endStream, endHeaders, headerBlock } = frame as HeadersFrame;
        if (endHeaders) return this.receiver.headerBlock(streamId, headerBlock, endStream);
        return this.headerBlocks.begin(streamId, endStream, headerBlock);
      }
      case FrameType.CONTINUATION: {
        const block = this.headerBlocks.continuation((frame as ContinuationFrame).headerBlock, (frame as ContinuationFrame).endHeaders);
        if (block) this.receiver.headerBlock(block.streamId, block.join(), block.endStream);
        return;
      }
      case FrameType.PRIORITY: return this.rates.priorityFrame(); // RFC 9113 §5.3.2: priority signals may be ignored
      case FrameType.RST_STREAM: return this.receiver.rstStream(frame.streamId, (frame as RstStreamFrame).errorCode);
      case FrameType.SETTINGS: return this.onSettings(frame as SettingsFrame);
      case FrameType.PUSH_PROMISE:
        // RFC 9113 §8.4: we advertise SETTINGS_ENABLE_PUSH 0, and a client never pushes
        throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE received, but push is disabled');
      case FrameType.PING:
        if (this.pings.recv(frame as PingFrame, this.out, this.streams.size)) return;
        // gRPC keepalive.md: too many PINGs with nothing else going on earn GOAWAY ENHANCE_YOUR_CALM
        this.goaway(ErrorCode.ENHANCE_YOUR_CALM, 'too_many_pings');
        return this.destroy(new Error('the peer sent too many PINGs'));
      case FrameType.GOAWAY: return this.onGoaway(frame as GoawayFrame);
      case FrameType.WINDOW_UPDATE: {
        const { streamId, increment } = frame as WindowUpdateFrame;
        return streamId === 0 ? this.sender.windowUpdate(increment) : this.receiver.windowUpdate(streamId, increment);
      }
      default:
        return; // RFC 9113 §5.5: unknown frame types are ignored
    }
  }

  /** RFC 9113 §6.5.3: an ACK puts our SETTINGS in force; the peer's are applied and may let waiting streams open. */
  private onSettings(frame: SettingsFrame): void {
    if (frame.ack) return this.settings.recvAck(this.decoder, this.hpackIn);
    this.rates.settingsFrame();
    const delta = this.settings.recv(frame, this.out, this.streams);
    this.emit('remoteSettings', this.remote);
    this.sender.openWaiting();
    if (delta > 0) this.sender.data.flushBlocked();
  }

  /** The peer's GOAWAY (RFC 9113 §6.8): our streams above its last-stream-id are refused, the others may finish. */
  private onGoaway(frame: GoawayFrame): void {
    const reason = this.closing.recv(frame, this.store);
    this.sender.refuseWaiting(reason);
    this.emit('goaway', frame);
    if (frame.errorCode !== ErrorCode.NO_ERROR || this.streams.size === 0) this.closing.closeSoon();
  }

  // ---- streams closing (RFC 9113 §5.1) ----------------------------------------------------------------------

  /** Closed both ways in the normal course: forget it and tell the handler. */
  private streamClosed(stream: Http2Stream): void {
    if (!this.store.get(stream.id)) return;
    this.closeStream(stream, 'end');
    stream.handler.onClose?.(stream);
  }

  private closeStream(stream: Http2Stream, cause: 'end' | 'reset-sent' | 'reset-received'): void {
    this.sender.data.forget(stream);
    if (stream.framingCharge > 0) this.rates.settle(stream);
    if (!this.store.close(stream, cause)) return;
    if (this.role === 'client') this.sender.openWaiting();
    if (this.closing.either && this.streams.size === 0 && !this.closed) this.closing.closeSoon();
    if (this.streams.size === 0) this.emit('idle');
  }
}
