// npx h2grpc trace show|step|pcap|html FILE — reading trace files recorded with --trace-file.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { flagNames, FrameType, frameTypeName, readFrameHeader } from '../frames/index.js';
import { annotateFieldBlock, annotateFrame, formatAnnotations, MessageOctets, mirrorDecoders, parseLevels, readSchema, readTrace, type TraceEntry, type TraceHeader, traceHtml, TracePrinter, traceToPcap } from '../trace/index.js';
import { traceScreen } from './trace-screen.js';

export const TRACE_USAGE = `usage: h2grpc trace show FILE [--levels frames,hpack,messages] [--proto FILE]
       h2grpc trace step FILE
       h2grpc trace pcap FILE -o OUT.pcap
       h2grpc trace html FILE -o OUT.html`;

/** The printer's text for each entry, in order. */
export function renderEntries(header: TraceHeader, entries: TraceEntry[], levels: string | undefined, protos: string[], color = false, read = readSchema(header, protos)): string[] {
  const texts: string[] = [];
  let current = '';
  const printer = new TracePrinter({ role: header.role, levels: parseLevels(levels ?? 'all'), services: read.services, schema: read.schema, color }, (text) => {
    current += (current ? '\n' : '') + text;
  });
  for (const entry of entries) {
    current = '';
    if ('preface' in entry) printer.preface(entry.dir, entry.t);
    else printer.frame(entry.dir, Buffer.from(entry.hex, 'hex'), entry.t);
    texts.push(current);
  }
  return texts;
}

/**
 * Each entry's octets annotated field by field: a field block representation by representation, a DATA payload as gRPC
 * messages down to their protobuf fields (named when the trace's schema is known).
 */
export function annotateEntries(header: TraceHeader, entries: TraceEntry[], protos: string[] = [], read = readSchema(header, protos)): string[] {
  const hpack = mirrorDecoders();
  const messages = new MessageOctets(read.schema);
  // the requests are what the client sends: 'out' in a client's trace, 'in' in a server's
  const requestDir = header.role === 'client' ? 'out' : 'in';
  return entries.map((entry) => {
    if ('preface' in entry) return formatAnnotations([{ bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), note: 'the client preface' }]);
    const bytes = Buffer.from(entry.hex, 'hex');
    const annotations = annotateFrame(bytes);
    const frame = readFrameHeader(bytes, 0);
    if (frame.type === FrameType.DATA) {
      const at = annotations.findIndex((a) => a.note.startsWith('data ('));
      if (at >= 0) {
        try {
          annotations.splice(at, 1, ...messages.data(frame.streamId, entry.dir, annotations[at]!.bytes, entry.dir === requestDir));
        } catch (err) {
          annotations.push({ bytes: new Uint8Array(0), heading: true, note: `!! ${(err as Error).message}` });
        }
      }
    }
    let text = formatAnnotations(annotations);
    if (frame.type === FrameType.HEADERS && frame.flags & 0x4) {
      try {
        const block = annotations.find((a) => a.note.startsWith('field block fragment'));
        const fields: Array<[string, string]> = [];
        if (block) text += `\nfield block:\n${formatAnnotations(annotateFieldBlock(block.bytes, hpack[entry.dir], fields))}`;
        messages.headers(frame.streamId, entry.dir, fields);
      } catch (err) {
        text += `\n!! ${(err as Error).message}`;
      }
    }
    return text;
  });
}

export async function traceCommand(args: string[]): Promise<number> {
  const [sub, file, ...rest] = args;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const protos = rest.flatMap((a, i) => (a === '--proto' && rest[i + 1] ? [rest[i + 1]!] : []));
  if (!sub || !file || !['show', 'step', 'pcap', 'html'].includes(sub)) {
    console.error(TRACE_USAGE);
    return 2;
  }
  const { header, entries } = readTrace(file);
  if (sub === 'show') {
    for (const text of renderEntries(header, entries, option('--levels'), protos, process.stdout.isTTY)) if (text) console.log(text);
    return 0;
  }
  if (sub === 'pcap' || sub === 'html') {
    const out = option('-o');
    if (!out) {
      console.error(`h2grpc trace ${sub}: -o OUT is required`);
      return 2;
    }
    if (sub === 'pcap') writeFileSync(out, traceToPcap(header, entries));
    else {
      const read = readSchema(header, protos); // once, for both the views and the octets
      writeFileSync(out, traceHtml(header, entries, renderEntries(header, entries, 'all', protos, false, read), annotateEntries(header, entries, protos, read)));
    }
    console.log(`wrote ${out}`);
    return 0;
  }
  return step(header, entries, protos);
}

/** Interactive: Enter or n for the next frame, p the previous, /TEXT searches forward, a number jumps, q quits. */
async function step(header: TraceHeader, entries: TraceEntry[], protos: string[]): Promise<number> {
  const tty = process.stdout.isTTY && process.stdin.isTTY;
  const read = readSchema(header, protos); // once, for both the views and the octets
  const views = renderEntries(header, entries, 'all', protos, process.stdout.isTTY && !tty, read);
  const octets = annotateEntries(header, entries, protos, read);
  if (tty) {
    // a terminal: the full-screen view; pipes keep the append-only one below
    await traceScreen(entries.map((entry, i) => {
      const first = views[i]!.split('\n')[0] ?? '';
      const h = 'preface' in entry ? undefined : readFrameHeader(Buffer.from(entry.hex, 'hex'), 0);
      const flags = h ? flagNames(h.type, h.flags) : [];
      const title = h ? `${entry.dir === 'out' ? 'send' : 'recv'} ${frameTypeName(h.type)} on stream ${h.streamId}${flags.length ? ` [${flags.join(' ')}]` : ''}` : first.replace(/^\[[^\]]*\] /, '');
      return { title, stream: h?.streamId ?? 0, text: `${views[i]}\n\noctets:\n${octets[i]}` };
    }), process.stdin, process.stdout);
    return 0;
  }
  let at = 0;
  const show = () => {
    console.log(`\n── ${at + 1} of ${entries.length} ─────────────────────────────────────────────`);
    console.log(views[at]);
    console.log('octets:');
    console.log(octets[at]);
  };
  const prompt = () => process.stdout.write('\n[Enter/n] next  [p] previous  [/text] search  [number] go to  [q] quit > ');
  show();
  prompt();
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === 'q') break;
    if (line === '' || line === 'n') at = Math.min(entries.length - 1, at + 1);
    else if (line === 'p') at = Math.max(0, at - 1);
    else if (/^\d+$/.test(line)) at = Math.min(entries.length - 1, Math.max(0, Number(line) - 1));
    else if (line.startsWith('/')) {
      const needle = line.slice(1).toLowerCase();
      const found = views.findIndex((v, i) => i > at && (v.toLowerCase().includes(needle) || octets[i]!.toLowerCase().includes(needle)));
      if (found < 0) console.log(`not found after ${at + 1}: ${needle}`);
      else at = found;
    }
    show();
    prompt();
  }
  lines.close();
  console.log();
  return 0;
}
