// npx h2grpc trace show|step|pcap|html FILE — reading trace files recorded with --trace-file.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { flagNames, FrameType, frameTypeName, readFrameHeader } from '../frames/index.js';
import {
  annotateFieldBlock, annotateFrame, dynamicTables, formatAnnotations, formatDynamicTables, keyHelp, keyHint, MessageOctets, mirrorDecoders, parseLevels, readSchema, readTrace,
  terminalAction, type TraceEntry, type TraceHeader, traceHtml, TracePrinter, traceToPcap,
} from '../trace/index.js';
import { entryLanes, Http1View } from '../trace/index.js';
import { UsageError } from './errors.js';
import { traceScreen } from './trace-screen.js';

export const TRACE_USAGE = `usage: h2grpc trace show FILE [--levels LEVELS] [--proto FILE]  the text form; LEVELS: frames,hpack,messages,octets or all
       h2grpc trace step FILE [--proto FILE]                    one frame at a time (? lists the keys)
       h2grpc trace html FILE [MORE…] [-o OUT] [--proto FILE]   a page (MORE: connections drawn beside); OUT is FILE.html unless given
       h2grpc trace pcap FILE [-o OUT]                          for Wireshark; OUT is FILE.pcap unless given`;

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
    else if ('http1' in entry) printer.http1(entry.dir, Buffer.from(entry.http1, 'hex'), entry.t);
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
  const http1 = new Http1View(header.role, () => '');
  return entries.map((entry) => {
    if ('preface' in entry) return formatAnnotations([{ bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), note: 'the client preface' }]);
    if ('http1' in entry) return formatAnnotations(http1.part(entry.dir, Buffer.from(entry.http1, 'hex')).annotations);
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

interface TraceArgs {
  sub: string;
  file: string;
  levels?: string;
  protos: string[];
  out?: string;
  /** trace html: more trace files, drawn on the same time axis. */
  more: string[];
}

/** The command's arguments; a flag it does not know, a missing value or a bad level is a UsageError. */
function parseTraceArgs(args: string[]): TraceArgs {
  const [sub, file, ...rest] = args;
  if (!sub || !['show', 'step', 'pcap', 'html'].includes(sub)) throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'no subcommand given');
  if (!file || file.startsWith('-')) throw new UsageError('no trace FILE given');
  const parsed: TraceArgs = { sub, file, protos: [], more: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--levels' && sub === 'show') parsed.levels = value();
    else if (name === '--proto' && sub !== 'pcap') parsed.protos.push(value());
    else if ((name === '-o' || name === '--out') && (sub === 'pcap' || sub === 'html')) parsed.out = value();
    else if (name.startsWith('-')) throw new UsageError(`trace ${sub} has no flag ${name}`);
    else if (sub === 'html') parsed.more.push(arg);
    else throw new UsageError(`unexpected argument "${arg}"`);
  }
  if (parsed.levels !== undefined) {
    try {
      parseLevels(parsed.levels);
    } catch (err) {
      throw new UsageError(`--levels ${parsed.levels}: ${(err as Error).message}`);
    }
  }
  return parsed;
}

export async function traceCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(TRACE_USAGE);
    return 0;
  }
  let parsed: TraceArgs;
  try {
    parsed = parseTraceArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`h2grpc trace: ${err.message}\n${TRACE_USAGE}`);
    return 2;
  }
  const { sub, file, protos } = parsed;
  const { header, entries } = readTrace(file);
  if (sub === 'show') {
    for (const text of renderEntries(header, entries, parsed.levels, protos, process.stdout.isTTY)) if (text) console.log(text);
    return 0;
  }
  if (sub === 'pcap' || sub === 'html') {
    // beside the trace unless -o says where: pi.trace → pi.trace.html
    const out = parsed.out ?? `${file}.${sub}`;
    if (sub === 'pcap') writeFileSync(out, traceToPcap(header, entries));
    else {
      const read = readSchema(header, protos); // once, for both the views and the octets
      const more = parsed.more.map((path) => {
        const other = readTrace(path);
        const schema = readSchema(other.header, protos);
        return { ...other, views: renderEntries(other.header, other.entries, 'all', protos, false, schema), octets: annotateEntries(other.header, other.entries, protos, schema) };
      });
      writeFileSync(out, traceHtml(header, entries, renderEntries(header, entries, 'all', protos, false, read), annotateEntries(header, entries, protos, read), more));
    }
    console.log(`wrote ${out}`);
    return 0;
  }
  return step(header, entries, protos);
}

/**
 * `trace step`: on a terminal the full-screen view; reading a pipe, the same key map a line at a time (a line is a
 * key, a number, or /TEXT; an empty line is Enter), each entry printed whole.
 */
async function step(header: TraceHeader, entries: TraceEntry[], protos: string[]): Promise<number> {
  const tty = process.stdout.isTTY && process.stdin.isTTY;
  const read = readSchema(header, protos); // once, for both the views and the octets
  const views = renderEntries(header, entries, 'all', protos, process.stdout.isTTY && !tty, read);
  const octets = annotateEntries(header, entries, protos, read);
  const tables = dynamicTables(entries).map(formatDynamicTables);
  // n and p: a frame's stream, or an HTTP/1.1 part's exchange
  const exchanges = entryLanes(header, entries);
  const streamOf = (i: number) => exchanges[i]!;
  if (tty) {
    // a terminal: the full-screen view; pipes keep the append-only one below
    await traceScreen(entries.map((entry, i) => {
      const first = views[i]!.split('\n')[0] ?? '';
      const h = 'hex' in entry ? readFrameHeader(Buffer.from(entry.hex, 'hex'), 0) : undefined;
      const flags = h ? flagNames(h.type, h.flags) : [];
      const title = h ? `${entry.dir === 'out' ? 'send' : 'recv'} ${frameTypeName(h.type)} on stream ${h.streamId}${flags.length ? ` [${flags.join(' ')}]` : ''}` : first.replace(/^\[[^\]]*\] /, '');
      return { title, stream: streamOf(i), view: views[i]!, tables: tables[i]!, octets: octets[i]! };
    }), process.stdin, process.stdout);
    return 0;
  }
  let at = 0;
  let showTables = false;
  const show = () => {
    console.log(`\n── ${at + 1} of ${entries.length} ─────────────────────────────────────────────`);
    console.log(views[at]);
    if (showTables) console.log(tables[at]);
    console.log('octets:');
    console.log(octets[at]);
  };
  const prompt = () => process.stdout.write(`\n[${keyHint()}; a number, then Enter: go to it] > `);
  show();
  prompt();
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    const action = line === '' ? 'next' : /^\d+$/.test(line) ? 'goTo' : line.startsWith('/') ? 'search' : terminalAction(line);
    if (action === 'quit') break;
    const sameStream = (by: 1 | -1) => {
      for (let i = at + by; i >= 0 && i < entries.length; i += by) if (streamOf(i) === streamOf(at)) return i;
      return at;
    };
    switch (action) {
      case 'next': at = Math.min(entries.length - 1, at + 1); break;
      case 'previous': at = Math.max(0, at - 1); break;
      case 'nextInStream': at = sameStream(1); break;
      case 'previousInStream': at = sameStream(-1); break;
      case 'first': at = 0; break;
      case 'last': at = entries.length - 1; break;
      case 'goTo': at = Math.min(entries.length - 1, Math.max(0, Number(line) - 1)); break;
      case 'tables': showTables = !showTables; break;
      case 'pageDown': case 'pageUp': break; // each entry is printed whole
      case 'help': console.log(`\n${keyHelp('step').join('\n')}`); prompt(); continue;
      case 'search': {
        const needle = line.slice(1).toLowerCase();
        const found = views.findIndex((v, i) => i > at && (v.toLowerCase().includes(needle) || octets[i]!.toLowerCase().includes(needle)));
        if (found < 0) console.log(`not found after ${at + 1}: ${needle}`);
        else at = found;
        break;
      }
      default:
        console.log(`no key "${line}" (? lists the keys)`);
        prompt();
        continue;
    }
    show();
    prompt();
  }
  lines.close();
  console.log();
  return 0;
}
