// The incremental HTTP/1.1 message parser (RFC 9112): octets in, events out, from any chunking of the input.
// One class for both roles: 'request' (a server reading requests) and 'response' (a client reading responses).
// Body octets are handed out as subarrays of the pushed Buffers, never copied; only head lines are assembled.
import { checkHost, framingOf, parseFieldLine, parseRequestLine, parseStatusLine, persists, type Http1Fields, type RequestHead, type ResponseHead } from './head.js';
import { Http1Error, http1Limits, type Http1Limits } from './limits.js';
import { CR, HEX, LF, SP, HTAB } from './syntax.js';

export type Http1Event<Head> =
  | { type: 'head'; head: Head }
  | { type: 'data'; data: Buffer }
  | { type: 'trailers'; fields: Http1Fields }
  | { type: 'end'; keepAlive: boolean };

/**
 * Where the parser stands: before a message, in its fields, in content (by length, by chunk: size line, data, the
 * CRLF after it; until close), in the trailers, or failed.
 */
export type Http1Phase = 'start' | 'fields' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'failed';
type State = Http1Phase;

/** Parses a stream of requests (role 'request') or responses (role 'response'); see push(). */
export class Http1Parser<Role extends 'request' | 'response'> {
  readonly limits: Http1Limits;
  private state: State = 'start';
  private line: Buffer[] = []; // the pieces of the line being assembled
  private lineOctets = 0;
  private headOctets = 0; // field (or trailer) octets so far
  private fields: Http1Fields = [];
  private startLine = '';
  private remaining = 0; // octets left of the content or of the current chunk
  private bodyOctets = 0;
  private keepAlive = true;
  private expectNoBody = false; // 'response': the request was HEAD (RFC 9112 §6.3 item 1)

  constructor(
    readonly role: Role,
    limits: Partial<Http1Limits> = {},
  ) {
    this.limits = http1Limits(limits);
  }

  /** Whether the parser sits between messages (nothing of a next one seen yet): idle for the transport. */
  get idle(): boolean {
    return this.state === 'start' && this.lineOctets === 0;
  }

  /** Where the parser stands (a tool that cuts a stream into its parts reads it: the trace). */
  get phase(): Http1Phase {
    return this.state;
  }

  /** 'response' role: the next response answers a HEAD request, so it has no content (RFC 9110 §9.3.2). */
  expectHeadResponse(isHead: boolean): void {
    this.expectNoBody = isHead;
  }

  /**
   * Feeds octets; returns the events they complete, in order. Throws Http1Error on anything refused, after which
   * the parser stays failed (the connection must close).
   */
  push(chunk: Buffer): Array<Http1Event<Role extends 'request' ? RequestHead : ResponseHead>> {
    const events: Array<Http1Event<RequestHead | ResponseHead>> = [];
    if (this.state === 'failed') throw new Http1Error(400, 'parser used after an error');
    try {
      let at = 0;
      while (at < chunk.length) at = this.step(chunk, at, events);
    } catch (error) {
      this.state = 'failed';
      throw error;
    }
    return events as Array<Http1Event<Role extends 'request' ? RequestHead : ResponseHead>>;
  }

  /** The peer closed: ends a close-delimited body (RFC 9112 §6.3 item 8), or throws if a message was cut short. */
  finish(): Array<Http1Event<ResponseHead>> {
    if (this.state === 'close') {
      this.state = 'start';
      return [{ type: 'end', keepAlive: false }];
    }
    if (this.idle || this.state === 'failed') return [];
    this.state = 'failed';
    throw new Http1Error(400, 'connection closed inside a message');
  }

  private step(chunk: Buffer, at: number, events: Array<Http1Event<RequestHead | ResponseHead>>): number {
    switch (this.state) {
      case 'length':
      case 'chunk-data':
      case 'close': {
        const take = this.state === 'close' ? chunk.length - at : Math.min(this.remaining, chunk.length - at);
        if (this.state === 'close') this.countBody(take);
        events.push({ type: 'data', data: chunk.subarray(at, at + take) });
        this.remaining -= take;
        if (this.remaining === 0 && this.state === 'length') this.endMessage(events);
        else if (this.remaining === 0 && this.state === 'chunk-data') this.state = 'chunk-end';
        return at + take;
      }
      default:
        return this.readLine(chunk, at, events);
    }
  }

  /** Assembles one CRLF-terminated line (RFC 9112 §2.2: bare LF and bare CR refused), then handles it. */
  private readLine(chunk: Buffer, at: number, events: Array<Http1Event<RequestHead | ResponseHead>>): number {
    const lf = chunk.indexOf(LF, at);
    const end = lf < 0 ? chunk.length : lf + 1;
    this.lineOctets += end - at;
    this.checkLineBound(this.lineOctets - (lf < 0 ? 0 : 2));
    this.line.push(chunk.subarray(at, end));
    if (lf < 0) return end;
    const raw = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line);
    this.line = [];
    this.lineOctets = 0;
    if (raw.length < 2 || raw[raw.length - 2] !== CR) throw new Http1Error(400, 'bare LF as a line terminator');
    const body = raw.subarray(0, raw.length - 2);
    if (body.includes(CR)) throw new Http1Error(400, 'bare CR in a line');
    this.handleLine(body, events);
    return end;
  }

  /** The bound on the line being assembled, by what it is (octets without the CRLF). */
  private checkLineBound(octets: number): void {
    const l = this.limits;
    if (this.state === 'start' && octets > l.maxStartLineOctets) {
      throw new Http1Error(this.role === 'request' ? 414 : 400, `start line over ${l.maxStartLineOctets} octets`, 'maxStartLineOctets');
    }
    if ((this.state === 'fields' || this.state === 'trailers') && this.headOctets + octets > l.maxHeaderOctets) {
      throw new Http1Error(431, `header section over ${l.maxHeaderOctets} octets`, 'maxHeaderOctets');
    }
    if (this.state === 'chunk-size' && octets > l.maxChunkSizeDigits + 1 + l.maxChunkExtensionOctets) {
      throw new Http1Error(400, `chunk extensions over ${l.maxChunkExtensionOctets} octets`, 'maxChunkExtensionOctets');
    }
    if (this.state === 'chunk-end' && octets > 1) throw new Http1Error(400, 'chunk data longer than its size');
  }

  private handleLine(line: Buffer, events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    switch (this.state) {
      case 'start':
        if (line.length === 0) return; // RFC 9112 §2.2: SHOULD ignore empty lines before a request line
        this.startLine = line.toString('latin1');
        this.state = 'fields';
        this.fields = [];
        this.headOctets = 0;
        return;
      case 'fields':
      case 'trailers':
        if (line.length > 0) return this.addField(line);
        return this.state === 'fields' ? this.endHead(events) : this.endTrailers(events);
      case 'chunk-size':
        return this.chunkSize(line, events);
      case 'chunk-end':
        if (line.length > 0) throw new Http1Error(400, 'chunk data longer than its size');
        this.state = 'chunk-size'; // RFC 9112 §7.1: chunk-data CRLF
        return;
      default:
        throw new Error(`unreachable: line in state ${this.state}`);
    }
  }

  private addField(line: Buffer): void {
    this.headOctets += line.length + 2;
    if (this.fields.length >= this.limits.maxHeaderCount) {
      throw new Http1Error(431, `more than ${this.limits.maxHeaderCount} fields`, 'maxHeaderCount');
    }
    parseFieldLine(line.toString('latin1'), this.fields);
  }

  private endHead(events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    const fields = this.fields;
    if (this.role === 'request') {
      const { method, target, version } = parseRequestLine(this.startLine);
      checkHost(version, fields);
      const framing = framingOf(fields, version, true, this.limits);
      this.keepAlive = persists(version, fields);
      events.push({ type: 'head', head: { method, target, version, fields, framing, keepAlive: this.keepAlive } });
      this.startBody(framing, events);
    } else {
      const { status, reason, version } = parseStatusLine(this.startLine);
      // RFC 9112 §6.3 item 1: HEAD responses, 1xx, 204 and 304 have no content whatever their fields say
      const bodiless = this.expectNoBody || status < 200 || status === 204 || status === 304;
      let framing = framingOf(fields, version, false, this.limits);
      if (bodiless) framing = { kind: 'none' };
      this.keepAlive = persists(version, fields) && framing.kind !== 'close';
      events.push({ type: 'head', head: { status, reason, version, fields, framing, keepAlive: this.keepAlive } });
      if (status < 200) {
        this.state = 'start'; // an interim response: the final one follows (RFC 9110 §15.2)
        events.push({ type: 'end', keepAlive: true });
        return;
      }
      this.startBody(framing, events);
    }
  }

  private startBody(framing: RequestHead['framing'], events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    this.bodyOctets = 0;
    if (framing.kind === 'none') return this.endMessage(events);
    if (framing.kind === 'length') {
      this.countBody(framing.length);
      this.remaining = framing.length;
      this.state = 'length';
    } else this.state = framing.kind === 'chunked' ? 'chunk-size' : 'close';
  }

  /**
   * RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG; chunk-ext = *( BWS ";" BWS name [ BWS
   * "=" BWS value ] ). Extensions are bounded and ignored; their octets must be visible (no controls).
   */
  private chunkSize(line: Buffer, events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    let size = 0;
    let i = 0;
    while (i < line.length && HEX[line[i]!]! >= 0) {
      if (i === this.limits.maxChunkSizeDigits) {
        throw new Http1Error(400, `chunk size over ${this.limits.maxChunkSizeDigits} hex digits`, 'maxChunkSizeDigits');
      }
      size = size * 16 + HEX[line[i]!]!;
      i++;
    }
    if (i === 0) throw new Http1Error(400, 'invalid chunk size');
    let j = i;
    while (j < line.length && (line[j] === SP || line[j] === HTAB)) j++;
    if (j < line.length) {
      if (line[j] !== 0x3b) throw new Http1Error(400, 'invalid chunk size');
      if (line.length - i > this.limits.maxChunkExtensionOctets) {
        throw new Http1Error(400, `chunk extensions over ${this.limits.maxChunkExtensionOctets} octets`, 'maxChunkExtensionOctets');
      }
      for (let k = j; k < line.length; k++) if (line[k]! < 0x20 && line[k] !== HTAB || line[k] === 0x7f) throw new Http1Error(400, 'invalid chunk extension');
    }
    if (size === 0) {
      this.state = 'trailers'; // RFC 9112 §7.1.2: last-chunk, then the trailer section
      this.fields = [];
      this.headOctets = 0;
      return;
    }
    this.countBody(size);
    this.remaining = size;
    this.state = 'chunk-data';
    void events;
  }

  private endTrailers(events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    if (this.fields.length > 0) events.push({ type: 'trailers', fields: this.fields });
    this.endMessage(events);
  }

  private countBody(octets: number): void {
    this.bodyOctets += octets;
    if (this.bodyOctets > this.limits.maxBodyOctets) {
      throw new Http1Error(413, `content over ${this.limits.maxBodyOctets} octets`, 'maxBodyOctets');
    }
  }

  private endMessage(events: Array<Http1Event<RequestHead | ResponseHead>>): void {
    events.push({ type: 'end', keepAlive: this.keepAlive });
    this.state = 'start';
    this.expectNoBody = false;
  }
}
