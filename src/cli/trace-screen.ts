// `h2grpc trace step` on a terminal: a full-screen view (the alternate screen, redrawn at each step) with the key
// map of the trace page (src/trace/terminal/keys.ts). A header line (frame number, direction, type, stream, flags) always
// stays on top; the frame's decoded fields, (t) both HPACK dynamic tables and its octets scroll beneath it, wrapped
// at word boundaries; ? lists the keys; q restores the terminal.
import { keyHelp, keyHint, terminalAction, wrapLine } from '../trace/index.js';

/** One entry as the screen shows it. */
export interface ScreenEntry {
  /** "send HEADERS on stream 1 [END_HEADERS]" */
  title: string;
  stream: number;
  /** The decoded view. */
  view: string;
  /** Both HPACK dynamic tables after the entry, as text. */
  tables: string;
  /** The annotated octets. */
  octets: string;
}

const ESC = '\x1b[';

export async function traceScreen(entries: ScreenEntry[], input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<void> {
  let at = 0;
  let scroll = 0;
  let searching: string | undefined;
  let number = '';
  let tables = false;
  let help = false;
  let message = '';
  const size = () => ({ rows: output.rows || 24, columns: output.columns || 80 });
  const wrap = (text: string) => text.split('\n').flatMap((l) => wrapLine(l.replace(/\x1b\[[0-9;]*m/g, ''), size().columns));
  const lines = () => {
    const e = entries[at]!;
    if (help) return wrap(`keys (the same on the page h2grpc trace html writes):\n\n${keyHelp('step').join('\n')}`);
    return wrap(`${e.view}${tables ? `\n\n${e.tables}` : ''}\n\noctets:\n${e.octets}`);
  };
  const draw = () => {
    const { rows, columns } = size();
    const body = lines();
    const room = rows - 2;
    scroll = Math.max(0, Math.min(scroll, body.length - room));
    // on top: where we are, and (right) which lines of a long entry are shown
    const where = body.length > room ? `  lines ${scroll + 1}-${Math.min(body.length, scroll + room)} of ${body.length}` : '';
    const title = `${at + 1}/${entries.length}  ${help ? 'keys' : entries[at]!.title}`;
    const head = `${title.slice(0, columns - where.length).padEnd(columns - where.length)}${where}`.slice(0, columns);
    const foot = searching !== undefined ? `/${searching}` : number ? `go to ${number} (Enter)` : message || keyHint();
    let screen = `${ESC}H${ESC}2J${ESC}7m${head}${ESC}0m\r\n`;
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
    const quit = () => {
      input.off('data', onData);
      output.off('resize', onResize);
      restore();
      resolve();
    };
    const onKey = (key: string) => {
      if (searching !== undefined) {
        if (key === '\r' || key === '\n') {
          const needle = searching.toLowerCase();
          searching = undefined;
          const found = entries.findIndex((e, i) => i > at && [e.title, e.view, e.octets].join('\n').toLowerCase().includes(needle));
          if (found < 0) message = `not found after ${at + 1}: ${needle}`;
          else go(found);
        } else if (key === '\x1b') searching = undefined;
        else if (key === '\x7f' || key === '\b') searching = searching.slice(0, -1);
        else if (key >= ' ') searching += key;
        draw();
        return;
      }
      const action = terminalAction(key);
      if (help && action !== 'quit') {
        // any key closes the list of keys
        help = false;
        draw();
        return;
      }
      if (key === '\x1b') number = '';
      else if ((key === '\x7f' || key === '\b') && number) number = number.slice(0, -1);
      const page = size().rows - 3;
      switch (action) {
        case 'quit': return quit();
        case 'next':
          if (number) {
            go(Math.min(entries.length, Math.max(1, Number(number))) - 1);
            number = '';
          } else go(at + 1);
          break;
        case 'previous': go(at - 1); break;
        case 'nextInStream': sameStream(1); break;
        case 'previousInStream': sameStream(-1); break;
        case 'first': go(0); break;
        case 'last': go(entries.length - 1); break;
        case 'pageDown': scroll += page; break;
        case 'pageUp': scroll = Math.max(0, scroll - page); break;
        case 'goTo': number += key; break;
        case 'search': searching = ''; break;
        case 'tables':
          tables = !tables;
          // shown: scrolled to, below the decoded view
          scroll = tables ? wrap(entries[at]!.view).length + 1 : 0;
          break;
        case 'help': help = true; scroll = 0; break;
        default: if (key !== '\x1b' && key !== '\x7f' && key !== '\b') return;
      }
      draw();
    };
    // a chunk may hold several keys (typed ahead, or pasted); an escape sequence is one key
    const onData = (chunk: string) => {
      for (const key of chunk.match(/\x1b\[[0-9;]*[~A-Za-z]|\x1bO[A-Za-z]|\x1b|[\s\S]/g) ?? []) onKey(key);
    };
    input.on('data', onData);
  });
}
