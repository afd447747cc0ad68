// A recorded connection as text: each frame with its octets annotated field by field, and for header blocks each
// HPACK representation beside the octets that carry it.
import { frameTypeName, FrameType } from '../frames/index.js';
import { annotateFrame, describeRepresentation, formatAnnotations } from './decode/index.js';
import type { TraceEvent } from './recorder.js';

export interface TranscriptOptions {
  /** Who sent 'out' frames, e.g. "client". */
  local: string;
  remote: string;
  /** Print times since the start (off for text that must not change from run to run). */
  times?: boolean;
}

/** Pairs each HEADERS/CONTINUATION frame with the HPACK steps that encoded (out) or decoded (in) its block. */
export function formatTranscript(events: TraceEvent[], options: TranscriptOptions): string {
  const out: string[][] = [];
  const pendingOut: HpackStep[] = [];
  let lastIn: string[] | undefined;
  for (const e of events) {
    if (e.kind === 'hpack') {
      if (e.direction === 'out') pendingOut.push(e);
      else lastIn?.push(hpackLine(e));
      continue;
    }
    if (e.kind === 'error') {
      out.push([`!! ${e.message}`]);
      continue;
    }
    const from = e.direction === 'out' ? options.local : options.remote;
    const to = e.direction === 'out' ? options.remote : options.local;
    const time = options.times ? `[${e.time.toFixed(3).padStart(8)} ms] ` : '';
    const lines = [`${time}${from} -> ${to}: ${frameTypeName(e.frame.type)}, stream ${e.frame.streamId}`, formatAnnotations(annotateFrame(e.bytes))];
    const carriesBlock = e.frame.type === FrameType.HEADERS || e.frame.type === FrameType.CONTINUATION;
    if (carriesBlock && e.direction === 'out' && pendingOut.length > 0) {
      lines.push('  HPACK:');
      for (const h of pendingOut.splice(0)) lines.push(hpackLine(h));
    }
    if (carriesBlock && e.direction === 'in') {
      lines.push('  HPACK:');
      lastIn = lines;
    } else {
      lastIn = undefined;
    }
    out.push(lines);
  }
  return out.map((lines) => lines.join('\n').replace(/\n {2}HPACK:$/, '')).join('\n\n');
}

type HpackStep = Extract<TraceEvent, { kind: 'hpack' }>;

function hpackLine(e: HpackStep): string {
  const evicted = e.event.evicted.map(([n, v]) => `; evicts ${n}: ${v}`).join('');
  return `    ${describeRepresentation(e.event)}${evicted}`;
}
