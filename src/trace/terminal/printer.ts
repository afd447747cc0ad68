// The text form of a trace, in the style of `nghttp -v`: one block per frame with its time, direction, type,
// length, flags and stream, then what it carries: SETTINGS by name, windows after each WINDOW_UPDATE and DATA,
// every header field with the HPACK representation that carried it and the dynamic table's changes, and each gRPC
// message with its 5-octet prefix explained and its protobuf as JSON when the schema is known.
import { gunzipSync, inflateSync } from 'node:zlib';
import {
  DEFAULT_INITIAL_WINDOW_SIZE, errorCodeName, flagNames, type Frame, FrameDecoder, FrameType, frameTypeName, readFrameHeader, settingName, SettingId,
} from '../../frames/index.js';
import type { HpackEvent } from '../../hpack/index.js';
import { fromBinary, toJson } from '@bufbuild/protobuf';
import type protobuf from 'protobufjs';
import { descriptorsOfRoots, registryOf } from '../../codegen/index.js';
import { MessageReader, type MethodDefinition, type ServiceDefinition, TO_OBJECT } from '../../grpc/index.js';
import type { Direction } from '../../http2/index.js';
import { describeRepresentation, formatAnnotations, Http1View, MessageOctets, mirrorDecoders, traceSchema, type TraceSchema } from '../decode/index.js';

/** What a trace shows: frames, HPACK steps, gRPC messages as JSON; and (opt-in, long: not in "all") DATA octets down to the protobuf field. */
export type TraceLevel = 'frames' | 'hpack' | 'messages' | 'octets';

/** What the trace printer shows and how: role, levels, services to decode messages with, colours, times. */
export interface PrinterOptions {
  /** Whose point of view: the 'out' frames are this side's. */
  role: 'client' | 'server';
  levels?: Iterable<TraceLevel>;
  /** Services whose messages are shown as JSON. */
  services?: ServiceDefinition[];
  /** Their schema as descriptors, when the caller has it already (else built from the services when first needed). */
  schema?: TraceSchema;
  /** ANSI colours (for a terminal). Default false. */
  color?: boolean;
  /** Print the time of each frame. Default true. */
  times?: boolean;
}

interface StreamInfo {
  path?: string;
  method?: MethodDefinition;
  encoding: { in: string; out: string };
  readers: { in: MessageReader; out: MessageReader };
  sendWindow: number;
  receiveWindow: number;
}

const INDENT = '          ';

/**
 * Turns frames, as octets with a time and a direction, into text. It decodes everything itself (a FrameDecoder
 * per frame, an HPACK decoder per direction mirroring each side's table), so the same printer serves a live
 * connection and a recorded trace.
 */
export class TracePrinter {
  private readonly levels: ReadonlySet<TraceLevel>;
  private readonly hpack = mirrorDecoders();
  private readonly streams = new Map<number, StreamInfo>();
  private readonly methods = new Map<string, MethodDefinition>();
  private sendConnection = DEFAULT_INITIAL_WINDOW_SIZE;
  private receiveConnection = DEFAULT_INITIAL_WINDOW_SIZE;
  private peerInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private ownInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private readonly blocks = { in: [] as Uint8Array[], out: [] as Uint8Array[] }; // header blocks awaiting CONTINUATION
  /** DATA octets down to the field, for the 'octets' level. */
  private readonly octets: MessageOctets | undefined;
  /** The services' schemas (ProtoJSON, octets), made once when first needed (null: not possible). */
  private traced: TraceSchema | null | undefined;
  /** HTTP/1.1's parts and what they carry (made on the first). */
  private http1View: Http1View | undefined;

  constructor(
    private readonly options: PrinterOptions,
    private readonly write: (text: string) => void,
  ) {
    this.levels = new Set(options.levels ?? ['frames', 'hpack', 'messages']);
    if (options.schema) this.traced = options.schema;
    // octets without field names when the schema cannot be had
    if (this.levels.has('octets')) this.octets = new MessageOctets(this.schema() ?? undefined);
    for (const service of options.services ?? []) for (const method of Object.values(service.methods)) this.methods.set(method.path, method);
  }

  /** The services' schemas as descriptors, built on first use (null: a schema the descriptors cannot carry). */
  private schema(): TraceSchema | null {
    if (this.traced === undefined) {
      try {
        this.traced = traceSchema(registryOf(descriptorsOfRoots((this.options.services ?? []).map((s) => s.root))));
      } catch {
        this.traced = null;
      }
    }
    return this.traced;
  }

  /** Messages as ProtoJSON (lowerCamelCase, defaults left out), else protobufjs's own rendering. */
  private json(type: protobuf.Type, body: Uint8Array): string {
    const schema = this.schema();
    const desc = schema?.registry.getMessage(type.fullName.slice(1));
    if (!schema || !desc) return JSON.stringify(type.toObject(type.decode(body), TO_OBJECT), jsonBytes);
    return JSON.stringify(toJson(desc, fromBinary(desc, body), { registry: schema.registry }));
  }

  /** The client preface: 24 octets before the first frame. */
  preface(direction: Direction, time: number): void {
    if (!this.levels.has('frames')) return;
    this.write(`${this.stamp(time)}${this.verb(direction)} the client preface <24 octets: "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n">`);
  }

  /**
   * One part of an HTTP/1.1 message (a head, a chunk, the last chunk, a run of content): its start line or size,
   * its fields, and the messages its content carries.
   */
  http1(direction: Direction, bytes: Uint8Array, time: number): void {
    this.http1View ??= new Http1View(this.options.role, (path, request, body) => this.decoded(path ? this.methods.get(path) : undefined, request, body));
    const view = this.http1View.part(direction, bytes);
    const lines: string[] = [];
    if (this.levels.has('frames')) {
      lines.push(`${this.stamp(time)}${this.verb(direction)} ${this.bold(view.title)} <HTTP/1.1, ${bytes.length} octets, exchange ${view.exchange}>`);
      for (const line of view.lines) lines.push(`${INDENT}${line}`);
    }
    if (this.levels.has('octets')) lines.push(...formatAnnotations(view.annotations).split('\n').map((l) => `${INDENT}${l}`));
    if (this.levels.has('messages')) {
      for (const item of view.messages) {
        if (this.levels.has('frames')) lines.push(`${INDENT}${item.text}`);
        else if (!item.framing) lines.push(`${this.stamp(time)}${this.verb(direction)} message on exchange ${view.exchange}${view.path ? ` (${view.path})` : ''}: ${item.text}`);
      }
    }
    if (lines.length) this.write(lines.join('\n'));
  }

  /** A message of `method`'s request or response type, as JSON with its type's name (or why not). */
  private decoded(method: MethodDefinition | undefined, request: boolean, body: Uint8Array): string {
    if (!method) return `(protobuf ${Buffer.from(body.subarray(0, 32)).toString('hex')}${body.length > 32 ? '…' : ''}; schema unknown)`;
    try {
      const type = request ? method.requestType : method.responseType;
      return `${type.fullName.slice(1)} ${this.json(type, body)}`;
    } catch (err) {
      return `(does not parse: ${(err as Error).message})`;
    }
  }

  /** One frame, header included. */
  frame(direction: Direction, bytes: Uint8Array, time: number): void {
    const header = readFrameHeader(bytes, 0);
    const decoder = new FrameDecoder({ maxFrameSize: 2 ** 24 - 1 });
    decoder.push(bytes);
    let frame: Frame | undefined;
    let error = '';
    try {
      frame = decoder.next();
    } catch (err) {
      error = (err as Error).message;
    }
    const lines: string[] = [];
    if (this.levels.has('frames')) {
      const flags = flagNames(header.type, header.flags);
      lines.push(`${this.stamp(time)}${this.verb(direction)} ${this.bold(`${frameTypeName(header.type)} frame`)} <length=${header.length}, flags=0x${header.flags.toString(16).padStart(2, '0')}, stream_id=${header.streamId}>`);
      if (flags.length) lines.push(`${INDENT}; ${flags.join(' | ')}`);
      if (error) lines.push(`${INDENT}!! malformed: ${error}`);
    }
    if (frame) lines.push(...this.payload(direction, frame, time));
    if (lines.length) this.write(lines.join('\n'));
  }

  private payload(direction: Direction, frame: Frame, time: number): string[] {
    const frames = this.levels.has('frames');
    const out: string[] = [];
    switch (frame.type) {
      case FrameType.SETTINGS: {
        const f = frame as Extract<Frame, { type: 4 }>;
        if (f.ack) break;
        for (const [id, value] of f.settings) {
          if (frames) out.push(`${INDENT}[${settingName(id)}(0x${id.toString(16).padStart(2, '0')}):${value}]`);
          if (id === SettingId.INITIAL_WINDOW_SIZE) {
            if (direction === 'in') this.peerInitialWindow = value;
            else this.ownInitialWindow = value;
          }
        }
        if (frames && f.settings.length === 0) out.push(`${INDENT}(no parameters: all at their initial values)`);
        break;
      }
      case FrameType.WINDOW_UPDATE: {
        const { streamId, increment } = frame as Extract<Frame, { type: 8 }>;
        // a WINDOW_UPDATE we send opens what the peer may send us, and the other way round
        let now: number;
        if (streamId === 0) now = direction === 'out' ? (this.receiveConnection += increment) : (this.sendConnection += increment);
        else {
          const s = this.stream(streamId);
          now = direction === 'out' ? (s.receiveWindow += increment) : (s.sendWindow += increment);
        }
        const whose = direction === 'out' ? 'we may receive' : 'we may send';
        if (frames) out.push(`${INDENT}(window_size_increment=${increment}; ${streamId === 0 ? 'connection' : `stream ${streamId}`} window: ${whose} ${now})`);
        break;
      }
      case FrameType.RST_STREAM:
        if (frames) out.push(`${INDENT}(error_code=${errorCodeName((frame as Extract<Frame, { type: 3 }>).errorCode)})`);
        break;
      case FrameType.GOAWAY: {
        const f = frame as Extract<Frame, { type: 7 }>;
        const debug = f.debugData.length ? `, opaque_data="${Buffer.from(f.debugData).toString('latin1')}"` : '';
        if (frames) out.push(`${INDENT}(last_stream_id=${f.lastStreamId}, error_code=${errorCodeName(f.errorCode)}${debug})`);
        break;
      }
      case FrameType.PING:
        if (frames) out.push(`${INDENT}(opaque_data=${Buffer.from((frame as Extract<Frame, { type: 6 }>).data).toString('hex')})`);
        break;
      case FrameType.PRIORITY: {
        const p = (frame as Extract<Frame, { type: 2 }>).priority;
        if (frames) out.push(`${INDENT}(dep_stream_id=${p.streamDependency}, weight=${p.weight}, exclusive=${p.exclusive ? 1 : 0})`);
        break;
      }
      case FrameType.HEADERS:
      case FrameType.CONTINUATION: {
        const f = frame as Extract<Frame, { type: 1 }>;
        if (frame.type === FrameType.HEADERS && f.padding !== undefined && frames) out.push(`${INDENT}(padlen=${f.padding})`);
        this.blocks[direction].push(f.headerBlock);
        if (!f.endHeaders) {
          if (frames) out.push(`${INDENT}(field block continues in CONTINUATION)`);
          break;
        }
        const block = Buffer.concat(this.blocks[direction]);
        this.blocks[direction] = [];
        out.push(...this.headerBlock(direction, frame.streamId, block));
        break;
      }
      case FrameType.DATA: {
        const f = frame as Extract<Frame, { type: 0 }>;
        const length = f.data.length + (f.padding === undefined ? 0 : f.padding + 1);
        const s = this.stream(f.streamId);
        if (direction === 'out') {
          this.sendConnection -= length;
          s.sendWindow -= length;
        } else {
          this.receiveConnection -= length;
          s.receiveWindow -= length;
        }
        if (frames) {
          if (f.padding !== undefined) out.push(`${INDENT}(padlen=${f.padding})`);
          const [conn, own] = direction === 'out' ? [this.sendConnection, s.sendWindow] : [this.receiveConnection, s.receiveWindow];
          out.push(`${INDENT}(${direction === 'out' ? 'we may send' : 'we may receive'} ${conn} more on the connection, ${own} on stream ${f.streamId})`);
        }
        if (this.octets) {
          const request = (direction === 'out') === (this.options.role === 'client');
          out.push(...formatAnnotations(this.octets.data(f.streamId, direction, f.data, request)).split('\n').map((l) => `${INDENT}${l}`));
        }
        out.push(...this.messages(direction, f.streamId, f.data, time));
        break;
      }
      default:
        if (frames) out.push(`${INDENT}(a frame of an unknown type: ignored)`);
    }
    return out;
  }

  private headerBlock(direction: Direction, streamId: number, block: Uint8Array): string[] {
    const events: HpackEvent[] = [];
    const decoder = this.hpack[direction];
    decoder.observer = (e) => events.push(e);
    let fields: Array<[string, string]> = [];
    try {
      fields = decoder.decode(block);
    } catch (err) {
      return [`${INDENT}!! the field block does not decode: ${(err as Error).message}`];
    } finally {
      decoder.observer = undefined;
    }
    const s = this.stream(streamId);
    for (const [name, value] of fields) {
      if (name === ':path') {
        s.path = value;
        s.method = this.methods.get(value);
      }
      if (name === 'grpc-encoding') s.encoding[direction] = value;
    }
    this.octets?.headers(streamId, direction, fields);
    const out: string[] = [];
    const showFrames = this.levels.has('frames');
    const showHpack = this.levels.has('hpack');
    for (const e of events) {
      if (e.representation === 'size-update') {
        if (showHpack) out.push(`${INDENT}  HPACK ${describeRepresentation(e)}`);
        continue;
      }
      if (showFrames) out.push(`${INDENT}${e.name}: ${e.value}`);
      if (showHpack) {
        out.push(`${INDENT}  HPACK ${describeRepresentation(e).replace(/: .*$/, '')}`);
        for (const [n, v] of e.evicted) out.push(`${INDENT}  HPACK table: evicts ${n}: ${v}`);
        if (e.representation === 'incremental') out.push(`${INDENT}  HPACK table: + ${e.name}: ${e.value} (table ${e.tableSize} octets)`);
      }
    }
    return out;
  }

  private messages(direction: Direction, streamId: number, data: Uint8Array, time: number): string[] {
    const showMessages = this.levels.has('messages');
    if (!showMessages) return [];
    const s = this.stream(streamId);
    const out: string[] = [];
    let messages;
    try {
      messages = s.readers[direction].push(data);
    } catch (err) {
      return [`${INDENT}!! gRPC framing: ${(err as Error).message}`];
    }
    const requests = (direction === 'out') === (this.options.role === 'client');
    for (const m of messages) {
      const prefix = `gRPC message: compressed flag ${m.compressed ? 1 : 0}, length ${m.data.length}`;
      let body = m.data;
      let note = '';
      if (m.compressed) {
        const encoding = s.encoding[direction];
        try {
          body = encoding === 'gzip' ? gunzipSync(body) : encoding === 'deflate' ? inflateSync(body) : body;
          note = ` (${encoding}; ${body.length} octets decompressed)`;
        } catch {
          note = ` (${encoding}; does not decompress)`;
        }
      }
      const decoded = this.decoded(s.method, requests, body);
      if (this.levels.has('frames')) {
        out.push(`${INDENT}${prefix}${note}`);
        out.push(`${INDENT}${decoded}`);
      } else {
        out.push(`${this.stamp(time)}${this.verb(direction)} message on stream ${streamId}${s.path ? ` (${s.path})` : ''}: ${decoded}${note}`);
      }
    }
    return out;
  }

  private stream(id: number): StreamInfo {
    let s = this.streams.get(id);
    if (!s) {
      s = {
        encoding: { in: 'identity', out: 'identity' },
        readers: { in: new MessageReader(2 ** 31), out: new MessageReader(2 ** 31) },
        sendWindow: this.peerInitialWindow,
        receiveWindow: this.ownInitialWindow,
      };
      this.streams.set(id, s);
    }
    return s;
  }

  private stamp(time: number): string {
    return this.options.times === false ? '' : `[${(time / 1000).toFixed(3).padStart(7)}] `;
  }

  private verb(direction: Direction): string {
    const word = direction === 'out' ? 'send' : 'recv';
    if (!this.options.color) return word;
    return direction === 'out' ? `\x1b[36m${word}\x1b[0m` : `\x1b[32m${word}\x1b[0m`;
  }

  private bold(text: string): string {
    return this.options.color ? `\x1b[1m${text}\x1b[0m` : text;
  }
}

/** Buffers inside decoded messages print as hex rather than as arrays of numbers. */
function jsonBytes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return raw.length > 32 ? `<${raw.length} octets: ${Buffer.from(raw.subarray(0, 16)).toString('hex')}…>` : `<${Buffer.from(raw).toString('hex')}>`;
  return value;
}

/** The words a level list may hold: the levels, "all" (frames, hpack, messages), and those that turn tracing off. */
export const LEVEL_WORDS = ['frames', 'hpack', 'messages', 'octets', 'all', 'none'] as const;

/**
 * "frames,hpack", "all", … as levels ("1" and "true" are "all"; "none", "0", "false" and "off" are none). Throws
 * on a word that is none of these, naming the valid ones.
 */
export function parseLevels(spec: string | undefined): TraceLevel[] {
  if (!spec) return [];
  const levels = new Set<TraceLevel>();
  for (const word of spec.trim().split(/[,\s]+/)) {
    if (word === '' || word === 'none' || word === '0' || word === 'false' || word === 'off') continue;
    if (word === 'all' || word === '1' || word === 'true') ['frames', 'hpack', 'messages'].forEach((l) => levels.add(l as TraceLevel));
    else if (word === 'frames' || word === 'hpack' || word === 'messages' || word === 'octets') levels.add(word);
    else throw new Error(`unknown trace level "${word}" (the levels: ${LEVEL_WORDS.join(', ')})`);
  }
  return [...levels];
}
