// A ConnectionObserver (HTTP/2) and Http1Observer (HTTP/1.1) that prints a connection as it happens and/or records
// it to a trace file.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Duplex } from 'node:stream';
import net from 'node:net';
import path from 'node:path';
import type { ServiceDefinition } from '../grpc/index.js';
import type { ConnectionObserver, Direction, FrameTrace } from '../http2/index.js';
import type { Http1Observer } from '../http1-connection/index.js';
import { Http1Parts } from './decode/index.js';
import { encodeSchema, frameLine, headerLine, http1Line, prefaceLine, withShippedServices } from './file/index.js';
import { TracePrinter, type TraceLevel } from './terminal/index.js';

/** Options of a Tracer: role, levels to print and where, file to record to, schemas to decode messages with. */
export interface TracerOptions {
  role: 'client' | 'server';
  /** What to print; none prints nothing (a recording only). */
  levels?: TraceLevel[];
  /** Where printed text goes. Default: standard error. */
  write?: (text: string) => void;
  /** Record to this trace file (JSON Lines). */
  file?: string;
  services?: ServiceDefinition[];
  protos?: string[];
  color?: boolean;
  times?: boolean;
  socket?: Duplex;
}

/** An observer that prints and records frames, HPACK steps and messages; on HTTP/1.1, each part of each message. */
export class Tracer implements ConnectionObserver, Http1Observer {
  private readonly started = process.hrtime.bigint();
  private readonly role: 'client' | 'server';
  /** HTTP/1.1: each direction's octets cut into parts (made on the first octets). */
  private parts: { in: Http1Parts; out: Http1Parts } | undefined;
  private readonly printer: TracePrinter | undefined;
  private readonly write: (text: string) => void;
  private readonly out: WriteStream | undefined;

  constructor(options: TracerOptions) {
    this.role = options.role;
    this.write = options.write ?? ((text: string) => process.stderr.write(`${text}\n`));
    if (options.levels && options.levels.length > 0) {
      this.printer = new TracePrinter({ role: options.role, levels: options.levels, services: withShippedServices(options.services ?? []), color: options.color, times: options.times }, this.write);
    }
    if (options.file) {
      this.out = createWriteStream(options.file);
      const socket = options.socket instanceof net.Socket ? options.socket : undefined;
      this.out.write(`${headerLine({
        h2grpc_trace: 1,
        role: options.role,
        started: new Date().toISOString(),
        local: socket ? `${socket.localAddress}:${socket.localPort}` : undefined,
        remote: socket ? `${socket.remoteAddress}:${socket.remotePort}` : undefined,
        protos: options.protos?.map((p) => (path.isAbsolute(p) ? path.relative(process.cwd(), p) : p)),
        schema: encodeSchema(options.services ?? []),
      })}\n`);
    }
  }

  private now(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e6;
  }

  preface(direction: Direction): void {
    const t = this.now();
    this.printer?.preface(direction, t);
    this.out?.write(`${prefaceLine(t, direction)}\n`);
  }

  frame(trace: FrameTrace): void {
    const t = this.now();
    this.printer?.frame(trace.direction, trace.bytes, t);
    this.out?.write(`${frameLine(t, trace.direction, trace.bytes)}\n`);
  }

  /** HTTP/1.1 octets in or out: printed and recorded a part (head, chunk, content) at a time. */
  http1(direction: Direction, bytes: Uint8Array): void {
    const client = this.role === 'client';
    this.parts ??= { out: new Http1Parts(client ? 'request' : 'response'), in: new Http1Parts(client ? 'response' : 'request') };
    this.record(direction, this.parts[direction].push(bytes));
  }

  private record(direction: Direction, parts: Buffer[]): void {
    if (parts.length === 0) return;
    const t = this.now();
    for (const part of parts) {
      this.printer?.http1(direction, part, t);
      this.out?.write(`${http1Line(t, direction, part)}\n`);
    }
  }

  /** A protocol error this side found, printed where the frames go. */
  error(error: Error): void {
    if (this.printer) this.write(`!! ${error.message}`);
  }

  closed(): void {
    if (this.parts) for (const direction of ['out', 'in'] as const) this.record(direction, this.parts[direction].flush());
    this.out?.end();
  }

  /** Finishes the trace file (also done when the connection closes). */
  close(): Promise<void> {
    return new Promise((resolve) => (this.out ? this.out.end(resolve) : resolve()));
  }
}
