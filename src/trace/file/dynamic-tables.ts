// Both HPACK dynamic tables of a recorded connection after each entry: what the page and `trace step` show with
// the `t` key. Each direction's field blocks are decoded in order by a decoder of its own, which mirrors the
// sending side's table (RFC 7541 §2.3.2, §4).
import { FrameType, readFrameHeader } from '../../frames/index.js';
import { mirrorDecoders } from '../decode/index.js';
import type { TraceEntry } from './trace-file.js';

/** The two dynamic tables at one moment: entries newest first (index 62 first), as name-value pairs. */
export interface DynamicTables {
  /** The table of the field blocks the recording side received. */
  in: Array<[string, string]>;
  /** The table of the field blocks it sent. */
  out: Array<[string, string]>;
}

/** Both dynamic tables as they stood after each entry, from decoding every field block in order. */
export function dynamicTables(entries: TraceEntry[]): DynamicTables[] {
  const hpack = mirrorDecoders();
  const pending = { in: [] as Buffer[], out: [] as Buffer[] };
  return entries.map((entry) => {
    if ('hex' in entry) {
      const bytes = Buffer.from(entry.hex, 'hex');
      const h = readFrameHeader(bytes, 0);
      if (h.type === FrameType.HEADERS || h.type === FrameType.CONTINUATION) {
        let start = 9;
        let end = 9 + h.length;
        if (h.type === FrameType.HEADERS && h.flags & 0x8) {
          end -= bytes[9]!;
          start++;
        }
        if (h.type === FrameType.HEADERS && h.flags & 0x20) start += 5;
        pending[entry.dir].push(bytes.subarray(start, end));
        if (h.flags & 0x4) {
          try {
            hpack[entry.dir].decode(Buffer.concat(pending[entry.dir]));
          } catch {
            // shown as an error in the frame's view
          }
          pending[entry.dir] = [];
        }
      }
    }
    return { in: hpack.in.table.entries(), out: hpack.out.table.entries() };
  });
}

/** A table's size as RFC 7541 §4.1 counts it: each entry's name and value octets and 32. */
export function tableOctets(entries: Array<[string, string]>): number {
  return entries.reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value) + 32, 0);
}

/** Both tables as text: a heading each, then "  [62] name: value" lines. */
export function formatDynamicTables(tables: DynamicTables): string {
  const one = (title: string, entries: Array<[string, string]>) => {
    const head = `HPACK dynamic table of what we ${title}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${tableOctets(entries)} octets`;
    return [head, ...entries.map(([n, v], i) => `  [${62 + i}] ${n}: ${v}`)].join('\n');
  };
  return `${one('receive', tables.in)}\n${one('send', tables.out)}`;
}
