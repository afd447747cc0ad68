// A connection as a picture, in the manner of the tutorial's figure of duplexing: a lane per HTTP/2 stream, each
// frame a mark on a time axis shared by all lanes, each stream's life a bar from its first frame to its last, so
// calls in flight at once overlap; an HTTP/1.1 connection is one lane whose exchanges (a request and its response)
// are bars one after another, as RFC 9112 §9.3 has them. This is the model the page draws (html.ts); several
// connections (trace files) share one axis, placed by their start times.
import { FrameType, frameTypeName, readFrameHeader } from '../../frames/index.js';
import { Http1View } from '../decode/index.js';
import type { TraceEntry, TraceHeader } from './trace-file.js';

/** A stream's life or an HTTP/1.1 exchange: from its first entry's time to its last's (ms on the shared axis). */
export interface LaneBlock {
  from: number;
  to: number;
  /** "stream 3", "1. POST /pi.PiCalculator/Calc → 200" */
  label: string;
  /** Its first entry, by its number in the page's list (from 0). */
  first: number;
}

/** One lane of the picture: an HTTP/2 stream (or the connection's own frames), or an HTTP/1.1 connection. */
export interface Lane {
  /** "connection 1", "stream 3", "HTTP/1.1 connection 2" */
  name: string;
  /** Which connection (trace file) it belongs to, from 1. */
  connection: number;
  blocks: LaneBlock[];
}

/** What the page draws: the lanes top to bottom, and each entry's lane (entries numbered across all connections). */
export interface LaneModel {
  lanes: Lane[];
  /** For each entry in the page's order: the index of its lane in `lanes`. */
  laneOf: number[];
  /** For each entry: its time on the shared axis (ms after the first connection started). */
  times: number[];
  /** The end of the axis (ms). */
  end: number;
}

/** A connection to draw: its header and its entries. */
export interface LaneTrace {
  header: TraceHeader;
  entries: TraceEntry[];
}

/** Each entry's stream (HTTP/2; 0 for the connection's own frames and the preface) or exchange (HTTP/1.1, from 1). */
export function entryLanes(header: TraceHeader, entries: TraceEntry[]): number[] {
  const http1 = new Http1View(header.role, () => '');
  return entries.map((entry) => {
    if ('preface' in entry) return 0;
    if ('http1' in entry) return http1.part(entry.dir, Buffer.from(entry.http1, 'hex')).exchange;
    return readFrameHeader(Buffer.from(entry.hex, 'hex'), 0).streamId;
  });
}

/** The lanes of one or more connections on one axis (each placed by its header's `started`). */
export function laneModel(traces: LaneTrace[]): LaneModel {
  const model: LaneModel = { lanes: [], laneOf: [], times: [], end: 0 };
  const zero = Math.min(...traces.map((t) => Date.parse(t.header.started)).filter((n) => !Number.isNaN(n)));
  let index = 0;
  traces.forEach(({ header, entries }, k) => {
    const connection = k + 1;
    const offset = Number.isFinite(zero) ? Math.max(0, Date.parse(header.started) - zero) || 0 : 0;
    const own = traces.length > 1 ? ` (connection ${connection})` : '';
    const isHttp1 = entries.some((e) => 'http1' in e);
    const lanes = new Map<number, number>(); // stream → lane index
    const blocks = new Map<number, LaneBlock>(); // stream or exchange → its bar
    const laneFor = (key: number, name: string): number => {
      let at = lanes.get(key);
      if (at === undefined) {
        at = model.lanes.push({ name, connection, blocks: [] }) - 1;
        lanes.set(key, at);
      }
      return at;
    };
    if (isHttp1) laneFor(0, `HTTP/1.1 connection${own}`);
    else laneFor(0, `connection${own}`);
    const http1 = new Http1View(header.role, () => '');
    for (const entry of entries) {
      const t = entry.t + offset;
      model.times.push(t);
      model.end = Math.max(model.end, t);
      let key = 0;
      let label = '';
      if ('http1' in entry) {
        const part = http1.part(entry.dir, Buffer.from(entry.http1, 'hex'));
        key = part.exchange;
        if (/^HTTP\/1\.[01] \d{3}/.test(part.title)) label = part.title.split(' ')[1]!; // a response head: its status
        else if (/ HTTP\/1\.[01]$/.test(part.title)) label = part.title.replace(/ HTTP\/1\.[01]$/, ''); // a request head
        model.laneOf.push(lanes.get(0)!);
      } else {
        key = 'hex' in entry ? readFrameHeader(Buffer.from(entry.hex, 'hex'), 0).streamId : 0;
        model.laneOf.push(key === 0 ? lanes.get(0)! : laneFor(key, `stream ${key}${own}`));
        if ('hex' in entry && key !== 0 && readFrameHeader(Buffer.from(entry.hex, 'hex'), 0).type === FrameType.RST_STREAM) label = frameTypeName(FrameType.RST_STREAM);
      }
      if (key !== 0) {
        let block = blocks.get(key);
        if (!block) {
          block = { from: t, to: t, label: isHttp1 ? `${key}.` : `stream ${key}`, first: index };
          blocks.set(key, block);
          model.lanes[isHttp1 ? lanes.get(0)! : lanes.get(key)!]!.blocks.push(block);
        }
        block.to = t;
        if (label) block.label += isHttp1 && /^\d{3}$/.test(label) ? ` → ${label}` : ` ${label}`;
      }
      index++;
    }
  });
  return model;
}
