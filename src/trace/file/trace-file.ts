// The trace file format (docs/trace-format.md): JSON Lines, a header line, then one line per event.
import { readFileSync } from 'node:fs';
import type { Direction } from '../../http2/index.js';

/** The first line of a trace file: format version, role, start time, addresses, .proto files, the schema. */
export interface TraceHeader {
  h2grpc_trace: 1;
  /** Whose connection: its 'out' frames are the recording side's. */
  role: 'client' | 'server';
  /** When the connection started (ISO 8601); event times are milliseconds after it. */
  started: string;
  local?: string;
  remote?: string;
  /** .proto files whose messages a reader may decode, relative to where the trace was recorded (older traces). */
  protos?: string[];
  /** The services' schema: a serialized google.protobuf.FileDescriptorSet, base64. */
  schema?: string;
}

/** One line of a trace file after the header: the HTTP/2 preface, an HTTP/2 frame, or a part of an HTTP/1.1 message. */
export type TraceEntry =
  | { t: number; dir: Direction; preface: true }
  | { t: number; dir: Direction; hex: string }
  | { t: number; dir: Direction; http1: string };

export function headerLine(header: TraceHeader): string {
  return JSON.stringify(header);
}

export function prefaceLine(t: number, dir: Direction): string {
  return JSON.stringify({ t: round(t), dir, preface: true });
}

export function frameLine(t: number, dir: Direction, bytes: Uint8Array): string {
  return JSON.stringify({ t: round(t), dir, hex: Buffer.from(bytes).toString('hex') });
}

/** A part of an HTTP/1.1 message (a head, a chunk, the last chunk and trailers, a run of content), its octets in hex. */
export function http1Line(t: number, dir: Direction, bytes: Uint8Array): string {
  return JSON.stringify({ t: round(t), dir, http1: Buffer.from(bytes).toString('hex') });
}

/** An entry's octets: the preface's 24, a frame's, or an HTTP/1.1 part's. */
export function entryOctets(entry: TraceEntry): Buffer {
  if ('preface' in entry) return Buffer.from(PREFACE, 'latin1');
  return Buffer.from('hex' in entry ? entry.hex : entry.http1, 'hex');
}

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const round = (t: number) => Math.round(t * 1000) / 1000;

/** A file's text, or an error of one line that says why not ("pi.trace: no such file"). */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a trace file' : code === 'EACCES' ? 'not readable (permission denied)' : (err as Error).message;
    throw new Error(`${path}: ${why}`);
  }
}

/** Reads a trace file; throws with the line number on anything malformed, and a one-line error when it cannot be read. */
export function readTrace(path: string): { header: TraceHeader; entries: TraceEntry[] } {
  // numbered as in the file (blank lines are skipped, not renumbered)
  const lines = readText(path).split('\n').map((text, i) => ({ text, n: i + 1 })).filter((l) => l.text.trim() !== '');
  if (lines.length === 0) throw new Error(`${path} is empty`);
  const parse = (line: string, n: number) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${path}:${n}: not JSON`);
    }
  };
  const header = parse(lines[0]!.text, lines[0]!.n) as unknown as TraceHeader;
  if (header?.h2grpc_trace !== 1) throw new Error(`${path}:${lines[0]!.n}: not an h2grpc trace (no "h2grpc_trace": 1)`);
  const entries = lines.slice(1).map(({ text, n }) => {
    const e = parse(text, n);
    if (e === null || typeof e !== 'object' || typeof e.t !== 'number' || (e.dir !== 'in' && e.dir !== 'out') || (typeof e.hex !== 'string' && typeof e.http1 !== 'string' && e.preface !== true)) {
      throw new Error(`${path}:${n}: an event needs t, dir ("in"/"out") and hex, http1 or preface`);
    }
    if (typeof e.hex === 'string' && !/^(?:[0-9a-fA-F]{2})+$/.test(e.hex)) throw new Error(`${path}:${n}: "hex" is not an even number of hex digits`);
    if (typeof e.http1 === 'string' && !/^(?:[0-9a-fA-F]{2})*$/.test(e.http1)) throw new Error(`${path}:${n}: "http1" is not an even number of hex digits`);
    return e as unknown as TraceEntry;
  });
  return { header, entries };
}
