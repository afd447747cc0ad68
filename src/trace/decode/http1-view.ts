// The parts of an HTTP/1.1 connection (http1-parts.ts) as text: a head's start line and fields, a chunk's size line
// and data (RFC 9112 §7.1), the last chunk's trailers (§7.1.2), content by Content-Length; and what the content
// carries for the protocols served over HTTP/1.1: gRPC-Web's messages and trailer frame (binary, or base64 in
// grpc-web-text, shown with what it decodes to), Connect's enveloped stream messages and end-stream, Connect unary's
// bare message. Requests and responses pair up in order (§9.3: responses come in the order of the requests).
import { Http1Parser, type Http1Event, type Http1Fields, type RequestHead, type ResponseHead } from '../../http1/index.js';
import type { Annotation } from './annotate.js';

/** One part as the trace shows it: its title, the lines under it, its messages, its octets annotated. */
export interface Http1PartView {
  /** "POST /pi.PiCalculator/Calc HTTP/1.1", "chunk of 14 octets", … */
  title: string;
  /** The part's framing: fields, sizes (the 'frames' level). */
  lines: string[];
  /** What its content carries: envelopes and base64 (framing: true), and the messages decoded (the 'messages' level). */
  messages: ContentItem[];
  annotations: Annotation[];
  /** The exchange (request and its response) it belongs to, counted from 1 on the connection. */
  exchange: number;
  /** The path of that exchange's request, once known. */
  path?: string;
}

/** Decodes a message of `path`'s request or response type from protobuf octets (the printer's schema). */
/** A line about content: its framing (an envelope's prefix, base64), or a message. */
export interface ContentItem {
  text: string;
  framing?: boolean;
}

export type DecodeMessage = (path: string | undefined, request: boolean, body: Uint8Array) => string;

interface Exchange {
  n: number;
  path?: string;
  request: ContentReader;
  response?: ContentReader;
}

const MAX_SHOWN = 120;
const shown = (s: string) => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
const octetsOf = (n: number) => `${n} octet${n === 1 ? '' : 's'}`;

/** Reads one direction of a connection, part by part; `request`: whether it carries the requests. */
class Side {
  readonly parser: Http1Parser<'request' | 'response'>;
  framing = '';

  constructor(readonly request: boolean) {
    this.parser = new Http1Parser(request ? 'request' : 'response', { maxBodyOctets: Number.MAX_SAFE_INTEGER, maxHeaderOctets: 2 ** 24, maxStartLineOctets: 2 ** 24, maxHeaderCount: 2 ** 16 });
  }
}

/** HTTP/1.1 parts as text: start lines, fields, chunk sizes, and the messages their content carries. */
export class Http1View {
  private readonly sides: { in: Side; out: Side };
  private readonly pending: Exchange[] = []; // requests whose responses have not ended, oldest first
  private count = 0;

  constructor(
    role: 'client' | 'server',
    private readonly decode: DecodeMessage,
  ) {
    this.sides = { out: new Side(role === 'client'), in: new Side(role === 'server') };
  }

  /** One part (exactly the octets of a head, a chunk, a last chunk, or a run of content). */
  part(direction: 'in' | 'out', bytes: Uint8Array): Http1PartView {
    const side = this.sides[direction];
    const octets = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const phase = side.parser.phase;
    let events: Array<Http1Event<RequestHead | ResponseHead>>;
    try {
      events = side.parser.push(octets);
    } catch (err) {
      const exchange = this.exchangeOf(side);
      return { title: `${octetsOf(octets.length)} that do not parse`, lines: [`!! ${(err as Error).message}`], messages: [], annotations: [{ bytes: octets, note: 'not HTTP/1.1' }], exchange: exchange?.n ?? 0, path: exchange?.path };
    }
    const view: Http1PartView = { title: '', lines: [], messages: [], annotations: [], exchange: 0 };
    let answered = false;
    if (phase === 'chunk-size') this.chunk(view, octets);
    for (const event of events) {
      if (event.type === 'head') this.head(side, view, event.head, octets);
      else if (event.type === 'data') {
        const reader = this.readerOf(side);
        view.messages.push(...(reader?.push(event.data) ?? []));
        if (!view.title) {
          view.title = `content, ${octetsOf(event.data.length)}`;
          view.annotations.push({ bytes: event.data, note: `content (${side.framing})` });
        }
      } else if (event.type === 'trailers') {
        for (const [name, value] of event.fields) view.lines.push(`trailer ${name}: ${value}`);
      } else {
        view.messages.push(...(this.readerOf(side)?.end() ?? []));
        answered = !side.request && this.pending[0]?.response !== undefined; // not after an interim (1xx) response
      }
    }
    const exchange = this.exchangeOf(side);
    view.exchange = exchange?.n ?? 0;
    view.path = exchange?.path;
    if (answered) this.pending.shift();
    if (!view.title) view.title = `${octetsOf(octets.length)} of framing`;
    return view;
  }

  /** A part that starts with a chunk's size line: the size, the data and its CRLF, or the last chunk and trailers. */
  private chunk(view: Http1PartView, octets: Buffer): void {
    const eol = octets.indexOf('\r\n');
    if (eol < 0) return;
    const line = octets.subarray(0, eol).toString('latin1');
    const size = parseInt(line, 16);
    view.annotations.push({ bytes: octets.subarray(0, eol + 2), note: `chunk size line "${line}": ${size === 0 ? 'the last chunk' : octetsOf(size)} (RFC 9112 §7.1)` });
    if (size === 0) {
      view.title = 'last chunk';
      const rest = octets.subarray(eol + 2);
      if (rest.length > 2) view.annotations.push({ bytes: rest.subarray(0, rest.length - 2), note: 'trailer section (RFC 9112 §7.1.2)' });
      view.annotations.push({ bytes: rest.subarray(rest.length - 2), note: 'CRLF: the end of the message' });
      view.lines.push(`(chunk size line "${line}": no more content${rest.length > 2 ? '; trailers follow' : ''})`);
      return;
    }
    view.title = `chunk of ${octetsOf(size)}`;
    view.annotations.push({ bytes: octets.subarray(eol + 2, eol + 2 + size), note: `chunk data (${octetsOf(size)})` });
    view.annotations.push({ bytes: octets.subarray(eol + 2 + size), note: 'CRLF after the chunk data' });
    view.lines.push(`(chunk size line "${line}" + CRLF, ${octetsOf(size)} of data, CRLF: ${octetsOf(octets.length)} on the wire)`);
  }

  private head(side: Side, view: Http1PartView, head: RequestHead | ResponseHead, octets: Buffer): void {
    const lines = octets.toString('latin1').split('\r\n');
    const framing = head.framing;
    side.framing = framing.kind === 'length' ? `content-length ${framing.length}` : framing.kind === 'chunked' ? 'chunked' : framing.kind === 'close' ? 'until close' : 'none';
    const contentType = fieldOf(head.fields, 'content-type') ?? '';
    if ('method' in head) {
      view.title = `${head.method} ${head.target} HTTP/${head.version}`;
      const path = head.target.split('?')[0];
      const exchange: Exchange = { n: ++this.count, path, request: new ContentReader(contentType, true, (body) => this.decode(path, true, body)) };
      this.pending.push(exchange);
    } else {
      view.title = `HTTP/${head.version} ${head.status} ${head.reason}`.trimEnd();
      const exchange = this.pending.find((e) => e.response === undefined);
      if (exchange && head.status >= 200) exchange.response = new ContentReader(contentType, false, (body) => this.decode(exchange.path, false, body));
    }
    for (const [name, value] of head.fields) view.lines.push(`${name}: ${value}`);
    view.lines.push(`(${octetsOf(octets.length)} of head; content: ${side.framing})`);
    lines.forEach((line, i) => {
      if (i === lines.length - 1) return;
      const bytes = Buffer.from(`${line}\r\n`, 'latin1');
      const note = i === 0 ? ('method' in head ? 'request line (RFC 9112 §3)' : 'status line (RFC 9112 §4)') : line === '' ? 'empty line: the end of the head' : 'field line';
      view.annotations.push({ bytes, note: line === '' ? note : `${note}: ${shown(line)}` });
    });
  }

  /** The exchange a part of this side belongs to: a request's is the newest; a response's, the oldest unanswered. */
  private exchangeOf(side: Side): Exchange | undefined {
    if (side.request) return this.pending[this.pending.length - 1];
    return this.pending[0];
  }

  private readerOf(side: Side): ContentReader | undefined {
    const exchange = this.exchangeOf(side);
    return side.request ? exchange?.request : exchange?.response;
  }
}

function fieldOf(fields: Http1Fields, name: string): string | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

/**
 * What a message's content carries, by its content-type: enveloped messages (gRPC-Web, Connect streaming: a flags
 * octet and a 4-octet length before each), base64 first for grpc-web-text, or one bare message (Connect unary).
 */
class ContentReader {
  private readonly kind: 'grpc-web' | 'grpc-web-text' | 'connect' | 'unary' | 'other';
  private readonly json: boolean;
  private envelopes = Buffer.alloc(0);
  private text = '';
  private whole: Buffer[] = [];

  constructor(
    contentType: string,
    private readonly request: boolean,
    private readonly decode: (body: Uint8Array) => string,
  ) {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    this.json = /json$/.test(type);
    this.kind = type.startsWith('application/grpc-web-text') ? 'grpc-web-text' : type.startsWith('application/grpc-web') ? 'grpc-web'
      : type.startsWith('application/connect+') ? 'connect' : type === 'application/proto' || type === 'application/json' ? 'unary' : 'other';
  }

  push(data: Buffer): ContentItem[] {
    if (this.kind === 'unary' || this.kind === 'other') {
      this.whole.push(Buffer.from(data));
      return [];
    }
    if (this.kind === 'grpc-web-text') {
      // base64 in groups of four characters; each group decodes alone (a writer may pad every message)
      this.text += data.toString('latin1');
      const usable = this.text.length - (this.text.length % 4);
      const chars = this.text.slice(0, usable);
      this.text = this.text.slice(usable);
      if (!chars) return [];
      const parts: Buffer[] = [];
      for (let i = 0; i < chars.length; i += 4) parts.push(Buffer.from(chars.slice(i, i + 4), 'base64'));
      const decoded = Buffer.concat(parts);
      const note = `base64 ${shown(chars)} (${chars.length} characters) decodes to ${octetsOf(decoded.length)}: ${decoded.subarray(0, 24).toString('hex')}${decoded.length > 24 ? '…' : ''}`;
      return [{ text: note, framing: true }, ...this.envelope(decoded)];
    }
    return this.envelope(data);
  }

  end(): ContentItem[] {
    const out: ContentItem[] = [];
    if (this.text) out.push({ text: `!! ${this.text.length} base64 characters left over (not a group of four)` });
    if (this.envelopes.length) out.push({ text: `!! ${octetsOf(this.envelopes.length)} of an unfinished envelope` });
    if (this.kind === 'unary' || this.kind === 'other') {
      const body = Buffer.concat(this.whole);
      if (body.length === 0) return out;
      if (this.kind === 'other') out.push({ text: `content ${shown(body.toString('latin1'))}` });
      else {
        out.push({ text: `Connect unary ${this.request ? 'request' : 'response'}: ${octetsOf(body.length)}, no envelope`, framing: true });
        out.push({ text: this.json ? body.toString('utf8') : this.decode(body) });
      }
    }
    return out;
  }

  private envelope(data: Buffer): ContentItem[] {
    this.envelopes = this.envelopes.length ? Buffer.concat([this.envelopes, data]) : Buffer.from(data);
    const out: ContentItem[] = [];
    while (this.envelopes.length >= 5) {
      const flags = this.envelopes[0]!;
      const length = this.envelopes.readUInt32BE(1);
      if (this.envelopes.length < 5 + length) break;
      const body = this.envelopes.subarray(5, 5 + length);
      this.envelopes = this.envelopes.subarray(5 + length);
      const what = this.kind === 'connect' ? 'Connect envelope' : 'gRPC-Web frame';
      out.push({ text: `${what}: flags 0x${flags.toString(16).padStart(2, '0')}, length ${length}`, framing: true });
      if (this.kind !== 'connect' && flags & 0x80) out.push({ text: `trailers ${shown(body.toString('latin1'))}` }); // gRPC-Web: the trailer frame
      else if (this.kind === 'connect' && flags & 0x02) out.push({ text: `end of stream ${body.toString('utf8')}` }); // Connect: EndStreamResponse
      else if (flags & 0x01) out.push({ text: `(compressed: ${octetsOf(length)})` });
      else out.push({ text: this.json ? body.toString('utf8') : this.decode(body) });
    }
    return out;
  }
}
