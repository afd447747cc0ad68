// `h2grpc trace step` on a terminal: a full-screen view (the alternate screen, redrawn at each step) with the same keys
// as the trace page. A header line (frame number, direction, type, stream, flags) always stays on top; the frame's
// decoded fields and octets scroll beneath it; q restores the terminal.

/** One entry as the screen shows it. */
export interface ScreenEntry {
  /** "send HEADERS on stream 1 [END_HEADERS]" */
  title: string;
  stream: number;
  /** The decoded view and the annotated octets, as lines. */
  text: string;
}

const ESC = '\x1b[';
const KEYS = '↑↓/jk step  n/p same stream  PgUp/PgDn/space scroll  / search  Home/End  q quit';

/** Wraps a line at `width` columns (a trace line may be long; nothing is cut off). */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  for (let at = 0; at < line.length; at += width) out.push(line.slice(at, at + width));
  return out;
}

export async function traceScreen(entries: ScreenEntry[], input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<void> {
  let at = 0;
  let scroll = 0;
  let searching: string | undefined;
  let message = '';
  const size = () => ({ rows: output.rows || 24, columns: output.columns || 80 });
  const lines = () => entries[at]!.text.split('\n').flatMap((l) => wrap(l.replace(/\x1b\[[0-9;]*m/g, ''), size().columns));
  const draw = () => {
    const { rows, columns } = size();
    const body = lines();
    const room = rows - 2;
    scroll = Math.max(0, Math.min(scroll, body.length - room));
    const head = `${at + 1}/${entries.length}  ${entries[at]!.title}`.slice(0, columns);
    const foot = searching !== undefined ? `/${searching}` : message || `${KEYS}${body.length > room ? `  (lines ${scroll + 1}-${Math.min(body.length, scroll + room)} of ${body.length})` : ''}`;
    let screen = `${ESC}H${ESC}2J${ESC}7m${head.padEnd(columns)}${ESC}0m\r\n`;
    screen += body.slice(scroll, scroll + room).join('\r\n');
    screen += `${ESC}${rows};1H${ESC}2K${foot.slice(0, columns)}`;
    output.write(screen);
    message = '';
  };
  const go = (i: number) => {
    if (i < 0 || i >= entries.length) return;
    at = i;
    scroll = 0;
  };
  const sameStream = (by: 1 | -1) => {
    for (let i = at + by; i >= 0 && i < entries.length; i += by) if (entries[i]!.stream === entries[at]!.stream) return go(i);
  };
  output.write(`${ESC}?1049h${ESC}?25l`);
  const wasRaw = input.isRaw;
  input.setRawMode?.(true);
  input.resume();
  input.setEncoding('utf8');
  const restore = () => {
    input.setRawMode?.(wasRaw);
    input.pause();
    output.write(`${ESC}?25h${ESC}?1049l`);
  };
  draw();
  await new Promise<void>((resolve) => {
    const onResize = () => draw();
    output.on('resize', onResize);
    const onKey = (key: string) => {
      if (searching !== undefined) {
        if (key === '\r' || key === '\n') {
          const needle = searching.toLowerCase();
          searching = undefined;
          const found = entries.findIndex((e, i) => i > at && (e.title + '\n' + e.text).toLowerCase().includes(needle));
          if (found < 0) message = `not found after ${at + 1}: ${needle}`;
          else go(found);
        } else if (key === '\x1b') searching = undefined;
        else if (key === '\x7f') searching = searching.slice(0, -1);
        else if (key >= ' ') searching += key;
        draw();
        return;
      }
      const page = size().rows - 3;
      switch (key) {
        case 'q': case '\x03':
          input.off('data', onData);
          output.off('resize', onResize);
          restore();
          resolve();
          return;
        case 'j': case `${ESC}B`: case '\r': go(at + 1); break;
        case 'k': case `${ESC}A`: go(at - 1); break;
        case 'n': sameStream(1); break;
        case 'p': sameStream(-1); break;
        case 'g': case `${ESC}H`: case `${ESC}1~`: go(0); break;
        case 'G': case `${ESC}F`: case `${ESC}4~`: go(entries.length - 1); break;
        case ' ': case `${ESC}6~`: scroll += page; break;
        case 'b': case `${ESC}5~`: scroll = Math.max(0, scroll - page); break;
        case '/': searching = ''; break;
        default: return;
      }
      draw();
    };
    // a chunk may hold several keys (typed ahead, or pasted); an escape sequence is one key
    const onData = (chunk: string) => {
      for (const key of chunk.match(/\x1b\[[0-9;]*[~A-Za-z]|\x1b|[\s\S]/g) ?? []) onKey(key);
    };
    input.on('data', onData);
  });
}
