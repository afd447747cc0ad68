// A ConnectionObserver that prints a connection as it happens and/or records it to a trace file.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Duplex } from 'node:stream';
import net from 'node:net';
import path from 'node:path';
import type { ServiceDefinition } from '../grpc/index.js';
import type { ConnectionObserver, Direction, FrameTrace } from '../http2/index.js';
import { TracePrinter, type TraceLevel } from './printer.js';
import { frameLine, headerLine, prefaceLine } from './trace-file.js';
import { encodeSchema, withShippedServices } from './trace-schema.js';

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

/** A ConnectionObserver that prints and records frames, HPACK steps and messages. */
export class Tracer implements ConnectionObserver {
  private readonly started = process.hrtime.bigint();
  private readonly printer: TracePrinter | undefined;
  private readonly write: (text: string) => void;
  private readonly out: WriteStream | undefined;

  constructor(options: TracerOptions) {
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

  /** A protocol error this side found, printed where the frames go. */
  error(error: Error): void {
    if (this.printer) this.write(`!! ${error.message}`);
  }

  closed(): void {
    this.out?.end();
  }

  /** Finishes the trace file (also done when the connection closes). */
  close(): Promise<void> {
    return new Promise((resolve) => (this.out ? this.out.end(resolve) : resolve()));
  }
}
