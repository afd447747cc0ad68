import { Fifo } from '../../http2/index.js';
import type { MessageObserver } from './call-observer.js';
import { Status, StatusError } from './status.js';

/** The 5-octet prefix of every gRPC message: compressed flag (1), length (4, big-endian). */
export const PREFIX_LENGTH = 5;

/** Default limits, as in grpc-js and grpc-go: 4 MiB received, unlimited sent. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH = 4 * 1024 * 1024;

/** A message with its length prefix, in one buffer (`length`: the whole message's, when this is its first part). */
export function frameMessage(message: Uint8Array, compressed = false, length = message.length): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_LENGTH + message.length);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(length, 1);
  out.set(message, PREFIX_LENGTH);
  return out;
}

/** Messages at least this long are sent as two pieces, so that most of their octets are never copied. */
const LARGE_MESSAGE = 64 * 1024;
/** The first piece: the prefix and the start of the message, filling a DATA frame of the default 16 KiB. */
const FIRST_PIECE = 16 * 1024 - PREFIX_LENGTH;

/**
 * A message with its length prefix as the octets to queue on a stream: one buffer for a small message; for a large
 * one, the prefix with the first 16 KiB − 5 octets (a copy of those only), then a view of the rest, which goes to
 * the socket as it is.
 */
export function framePieces(message: Uint8Array, compressed = false): Uint8Array[] {
  if (message.length < LARGE_MESSAGE) return [frameMessage(message, compressed)];
  return [frameMessage(message.subarray(0, FIRST_PIECE), compressed, message.length), message.subarray(FIRST_PIECE)];
}

export interface ReceivedMessage {
  compressed: boolean;
  data: Uint8Array;
}

/** Queues a message's pieces on a stream, END_STREAM with the last when asked; false when the stream is full. */
export function writePieces(stream: { write(data: Uint8Array, endStream?: boolean): boolean }, pieces: Uint8Array[], endStream = false): boolean {
  let room = true;
  for (let i = 0; i < pieces.length; i++) room = stream.write(pieces[i]!, endStream && i === pieces.length - 1);
  return room;
}

/** Where MessageReader.push puts the messages it completes: an array, or the Inbox's queue. */
export interface MessageSink {
  push(message: ReceivedMessage): unknown;
}

/** Pieces of a split message shorter than this are copied into a gathering buffer instead of kept as views. */
const SMALL_PIECE = 1024;
/** The largest gathering buffer: a message sent in tiny DATA frames is held in buffers of up to this many octets. */
const GATHER_SIZE = 16 * 1024;

/**
 * Reassembles length-prefixed messages from DATA payloads, which may split a message (or its prefix) anywhere or
 * carry several. A message wholly inside one payload is returned as a view of it; only split ones are copied.
 * What a split message holds is proportional to its octets, however it was cut: large pieces are kept as views of
 * the socket's buffers, small ones copied into a gathering buffer (a view costs ~100 octets and pins the whole
 * socket chunk, so 1-octet DATA frames kept as views cost a hundred times their data: gRPC-Go CVE-2026-84304).
 */
export class MessageReader {
  private parts: Uint8Array[] = [];
  private buffered = 0;
  private gather: Buffer | undefined; // where small pieces are copied, parts' last member once sealed
  private gathered = 0;
  private expected = -1; // length of the message being gathered, or -1 while its prefix is incomplete
  private compressed = false;

  constructor(readonly maxLength = DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH) {}

  /** True while part of a message has arrived but not all of it. */
  get partial(): boolean {
    return this.buffered > 0 || this.expected >= 0;
  }

  /** Feeds one DATA payload; returns the messages it completes. Throws RESOURCE_EXHAUSTED past maxLength. */
  push(data: Uint8Array): ReceivedMessage[];
  push<Out extends MessageSink>(data: Uint8Array, out: Out): Out;
  push(data: Uint8Array, out: MessageSink = []): MessageSink {
    let at = 0;
    while (at < data.length) {
      if (this.expected < 0 && this.buffered === 0 && data.length - at >= PREFIX_LENGTH) {
        // fast path: the prefix is whole in this payload
        const length = readLength(data, at + 1);
        this.check(data[at]!, length);
        if (data.length - at - PREFIX_LENGTH >= length) {
          out.push({ compressed: data[at] === 1, data: data.subarray(at + PREFIX_LENGTH, at + PREFIX_LENGTH + length) });
          at += PREFIX_LENGTH + length;
          continue;
        }
      }
      // slow path: gather the prefix, then the body, across payloads
      const need = this.expected < 0 ? PREFIX_LENGTH - this.buffered : this.expected - this.buffered;
      const take = Math.min(need, data.length - at);
      if (take < SMALL_PIECE) this.copy(data, at, take, need);
      else {
        this.seal();
        this.parts.push(data.subarray(at, at + take));
      }
      this.buffered += take;
      at += take;
      if (this.buffered < (this.expected < 0 ? PREFIX_LENGTH : this.expected)) continue;
      this.seal();
      const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.buffered);
      this.parts = [];
      this.buffered = 0;
      if (this.expected < 0) {
        const length = readLength(whole, 1);
        this.check(whole[0]!, length);
        this.compressed = whole[0] === 1;
        if (length === 0) out.push({ compressed: this.compressed, data: new Uint8Array(0) });
        else this.expected = length;
      } else {
        out.push({ compressed: this.compressed, data: whole });
        this.expected = -1;
      }
    }
    return out;
  }

  /** Copies a small piece into the gathering buffer, starting one sized for what the message still needs. */
  private copy(data: Uint8Array, at: number, length: number, need: number): void {
    while (length > 0) {
      if (!this.gather || this.gathered === this.gather.length) {
        this.seal();
        this.gather = Buffer.allocUnsafe(Math.min(GATHER_SIZE, need));
      }
      const n = Math.min(length, this.gather.length - this.gathered);
      this.gather.set(data.subarray(at, at + n), this.gathered);
      this.gathered += n;
      at += n;
      length -= n;
      need -= n;
    }
  }

  /** Ends the gathering buffer: what it holds becomes the next part. */
  private seal(): void {
    if (!this.gather) return;
    const { gather, gathered } = this;
    // less than half full (a large piece came between small ones): its octets move out, so the rest is not held
    if (gathered > 0) this.parts.push(gathered === gather.length ? gather : gathered * 2 >= gather.length ? gather.subarray(0, gathered) : Buffer.from(gather.subarray(0, gathered)));
    this.gather = undefined;
    this.gathered = 0;
  }

  private check(flag: number, length: number): void {
    if (flag > 1) throw new StatusError(Status.INTERNAL, `message prefix has compressed flag ${flag}, not 0 or 1`);
    if (length > this.maxLength) {
      throw new StatusError(Status.RESOURCE_EXHAUSTED, `received message of ${length} octets is larger than the limit of ${this.maxLength}`);
    }
  }
}

function readLength(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/**
 * The messages a call has received and not yet handed out, with the flow-control window they hold (RFC 9113 §6.9):
 * a message's octets are given back when it is taken, so a slow reader slows the sender down; the octets of a
 * message still being reassembled are given back at once while no whole message waits (they are bounded by the
 * reader's maximum length), so a message larger than the window can arrive at all.
 */
export class Inbox {
  private readonly queue = new Fifo<ReceivedMessage>(); // taken from the front in O(1), however long the backlog
  private unconsumed = 0; // DATA octets received but not yet given back
  private reader: MessageReader;
  /** Where the reader puts whole messages: the queue, or (observed) a sink that tells the observer first. */
  private readonly sink: MessageSink;

  constructor(
    private readonly maxLength: number,
    /**
     * Gives window back to the sender (the call's stream's consume). `used` is true once no message is half-read:
     * the small DATA frames that carried them have served their purpose (RFC 9113 §10.5's framing budget).
     */
    private readonly credit: (octets: number, used: boolean) => void,
    /** Told of each whole message as it arrives (telemetry, binary log); one sink made here, nothing per message when absent. */
    observer?: MessageObserver,
  ) {
    this.reader = new MessageReader(maxLength);
    this.sink = observer ? new ObservedSink(this.queue, observer) : this.queue;
  }

  /** True while part of a message has arrived but not all of it. */
  get partial(): boolean {
    return this.reader.partial;
  }

  /** A DATA payload; throws the reader's StatusError past the maximum length. */
  push(data: Uint8Array): void {
    this.unconsumed += data.length;
    this.reader.push(data, this.sink);
    if (this.queue.length === 0) this.giveBack(this.unconsumed);
    else if (!this.reader.partial) this.credit(0, true);
  }

  /** The oldest whole message, its window given back; undefined when none waits. */
  take(): ReceivedMessage | undefined {
    const message = this.queue.shift();
    if (message) this.giveBack(this.queue.length === 0 ? this.unconsumed : message.data.length + PREFIX_LENGTH);
    return message;
  }

  /** True while whole messages wait to be taken. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Drops the messages not read yet (their window stays held until release()). */
  drop(): void {
    this.queue.clear();
  }

  /** Starts over with a new reader (a retried call's next attempt). */
  restart(): void {
    this.reader = new MessageReader(this.maxLength);
    this.queue.clear();
  }

  /** Gives back all the window still held: the call has ended, and the connection's window must not leak. */
  release(): void {
    if (this.unconsumed > 0) this.giveBack(this.unconsumed);
  }

  private giveBack(length: number): void {
    const n = Math.min(length, this.unconsumed);
    this.unconsumed -= n;
    this.credit(n, !this.reader.partial);
  }
}

/** The Inbox's queue with an observer in front: each message's size (gRFC A66, A72) and octets (A16) as it completes. */
class ObservedSink implements MessageSink {
  constructor(
    private readonly queue: MessageSink,
    private readonly observer: MessageObserver,
  ) {}

  push(message: ReceivedMessage): void {
    this.observer.messageReceived(message.data.length);
    this.observer.messageOctetsReceived?.(message.data, message.compressed);
    this.queue.push(message);
  }
}
