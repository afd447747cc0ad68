// Octets annotated field by field: a frame's header and payload, and an HPACK field block's representations.
// Used by the docs and by traces; it reads the codecs' output and never changes it.
import {
  errorCodeName, Flag, flagNames, FRAME_HEADER_LENGTH, FrameType, frameTypeName, readFrameHeader, readUint31, readUint32, settingName,
} from '../../frames/index.js';
import { HpackDecoder, type HpackEvent } from '../../hpack/index.js';

/** One run of octets and what they mean. */
export interface Annotation {
  bytes: Uint8Array;
  note: string;
  /** A line that introduces what follows, with no octets of its own. */
  heading?: boolean;
}

const octets = (n: number) => `${n} octet${n === 1 ? '' : 's'}`;
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Lays annotations out as "hex  note" lines, wrapping long runs at 16 octets. */
export function formatAnnotations(annotations: Annotation[]): string {
  const width = 16 * 3 - 1;
  const lines: string[] = [];
  for (const { bytes, note, heading } of annotations) {
    if (heading) {
      lines.push(`${''.padEnd(width)}  ${note}`);
      continue;
    }
    if (bytes.length === 0) {
      lines.push(`${'(none)'.padEnd(width)}  ${note}`);
      continue;
    }
    for (let at = 0; at < bytes.length; at += 16) {
      lines.push(`${hexOf(bytes.subarray(at, at + 16)).padEnd(width)}  ${at === 0 ? note : '…'}`.trimEnd());
    }
  }
  return lines.join('\n');
}

/** Splits one encoded frame (header included) into its fields (RFC 9113 §4.1, §6). */
export function annotateFrame(frame: Uint8Array): Annotation[] {
  const h = readFrameHeader(frame, 0);
  const flags = flagNames(h.type, h.flags);
  const out: Annotation[] = [
    { bytes: frame.subarray(0, 3), note: `length ${h.length}` },
    { bytes: frame.subarray(3, 4), note: `type ${frameTypeName(h.type)}` },
    { bytes: frame.subarray(4, 5), note: `flags ${flags.length ? flags.join(' | ') : 'none'}` },
    { bytes: frame.subarray(5, 9), note: `stream ${h.streamId}` },
  ];
  const p = frame.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + h.length);
  let at = 0;
  let end = p.length;
  const padded = (h.type === FrameType.DATA || h.type === FrameType.HEADERS || h.type === FrameType.PUSH_PROMISE) && h.flags & Flag.PADDED;
  if (padded) {
    out.push({ bytes: p.subarray(0, 1), note: `pad length ${p[0]}` });
    at = 1;
    end = p.length - p[0]!;
  }
  const field = (n: number, note: string) => {
    out.push({ bytes: p.subarray(at, at + n), note });
    at += n;
  };
  switch (h.type) {
    case FrameType.DATA:
      field(end - at, `data (${octets(end - at)})`);
      break;
    case FrameType.HEADERS:
      if (h.flags & Flag.PRIORITY) {
        const word = readUint32(p, at);
        field(4, `${word >>> 31 ? 'exclusive, ' : ''}depends on stream ${word & 0x7fffffff}`);
        field(1, `weight ${p[at]! + 1}`);
      }
      field(end - at, `field block fragment (${octets(end - at)})`);
      break;
    case FrameType.PRIORITY: {
      const word = readUint32(p, 0);
      field(4, `${word >>> 31 ? 'exclusive, ' : ''}depends on stream ${word & 0x7fffffff}`);
      field(1, `weight ${p[at]! + 1}`);
      break;
    }
    case FrameType.RST_STREAM:
    case FrameType.GOAWAY:
      if (h.type === FrameType.GOAWAY) field(4, `last stream ${readUint31(p, 0)}`);
      field(4, `error ${errorCodeName(readUint32(p, at))}`);
      if (h.type === FrameType.GOAWAY) field(end - at, `debug data ${JSON.stringify(Buffer.from(p.subarray(at)).toString('latin1'))}`);
      break;
    case FrameType.SETTINGS:
      while (at + 6 <= end) field(6, `${settingName((p[at]! << 8) | p[at + 1]!)} = ${readUint32(p, at + 2)}`);
      break;
    case FrameType.PUSH_PROMISE:
      field(4, `promised stream ${readUint31(p, at)}`);
      field(end - at, `field block fragment (${octets(end - at)})`);
      break;
    case FrameType.PING:
      field(8, 'opaque data');
      break;
    case FrameType.WINDOW_UPDATE:
      field(4, `increment ${readUint31(p, 0)}`);
      break;
    case FrameType.CONTINUATION:
      field(end - at, `field block fragment (${octets(end - at)})`);
      break;
    default:
      field(end - at, `payload of an unknown frame type (${octets(end - at)})`);
  }
  if (padded) out.push({ bytes: p.subarray(end), note: `padding (${octets(p.length - end)})` });
  return out;
}

/** RFC 7541 §6: how a representation is called in traces. */
export function describeRepresentation(e: HpackEvent): string {
  const huffman = (on: boolean) => (on ? ', Huffman' : '');
  switch (e.representation) {
    case 'indexed':
      return `indexed ${e.index}: ${e.name}: ${e.value}`;
    case 'size-update':
      return `dynamic table size update to ${e.maxSize}`;
    default: {
      const kind = e.representation === 'incremental' ? 'literal with incremental indexing'
        : e.representation === 'never-indexed' ? 'literal never indexed' : 'literal without indexing';
      const name = e.index ? `name indexed ${e.index}` : `name literal${huffman(e.huffmanName)}`;
      return `${kind} (${name}; value literal${huffman(e.huffmanValue)}): ${e.name}: ${e.value}`;
    }
  }
}

/** Decodes a field block with `decoder` and splits it into its representations (the fields go to `fields` if given). */
export function annotateFieldBlock(block: Uint8Array, decoder: HpackDecoder, fields?: Array<[string, string]>): Annotation[] {
  const events: HpackEvent[] = [];
  const previous = decoder.observer;
  decoder.observer = (e) => events.push(e);
  try {
    decoder.decode(block);
  } finally {
    decoder.observer = previous;
  }
  if (fields) for (const e of events) if (e.representation !== 'size-update') fields.push([e.name, e.value]);
  return events.map((e) => {
    const evicted = e.evicted.map(([n, v]) => `; evicts ${n}: ${v}`).join('');
    return { bytes: block.subarray(e.start, e.end), note: describeRepresentation(e) + evicted };
  });
}

/**
 * One HPACK decoder per direction of a recorded connection, each mirroring the table of the side that sent it. Their
 * limits are the largest there are: a trace shows what was sent, it does not police it.
 */
export function mirrorDecoders(): { in: HpackDecoder; out: HpackDecoder } {
  const make = () => new HpackDecoder({ maxTableSize: 2 ** 32 - 1, maxHeaderListSize: 2 ** 31 });
  return { in: make(), out: make() };
}
