// The one key map of the trace viewers: `h2grpc trace step` on a terminal, the same command reading lines from a
// pipe, and the page `h2grpc trace html` writes. Each viewer looks its keys up here; docs/trace-format.md and the
// README show the table and the summary made from it (test/trace-cli.test.ts checks that they do).

/** What a key does in a trace viewer. */
export type TraceAction =
  | 'next' | 'previous' | 'nextInStream' | 'previousInStream' | 'pageDown' | 'pageUp' | 'first' | 'last'
  | 'goTo' | 'search' | 'tables' | 'help' | 'quit';

/** One line of the key map. */
export interface TraceKey {
  action: TraceAction;
  /** The keys, as the docs and the help name them ("↓", "j", "PgDn", "Space", …). */
  keys: string[];
  /** What they do, in a few words (the README's summary). */
  brief: string;
  /** What they do (the help and the docs' table). */
  does: string;
  /** Only in `trace step` (the page has no use for it). */
  stepOnly?: boolean;
}

/** The key map, in the order the help lists it. */
export const TRACE_KEYS: readonly TraceKey[] = [
  { action: 'next', keys: ['↓', 'j', 'Enter'], brief: 'next frame', does: 'the next frame' },
  { action: 'previous', keys: ['↑', 'k'], brief: 'previous frame', does: 'the previous frame' },
  { action: 'nextInStream', keys: ['n'], brief: 'next frame of the same stream', does: 'the next frame of the same stream' },
  { action: 'previousInStream', keys: ['p'], brief: 'previous frame of the same stream', does: 'the previous frame of the same stream' },
  { action: 'pageDown', keys: ['PgDn', 'Space'], brief: 'scroll down', does: "scroll the frame's details down a page" },
  { action: 'pageUp', keys: ['PgUp', 'b'], brief: 'scroll up', does: "scroll the frame's details up a page" },
  { action: 'first', keys: ['Home', 'g'], brief: 'first frame', does: 'the first frame' },
  { action: 'last', keys: ['End', 'G'], brief: 'last frame', does: 'the last frame' },
  { action: 'goTo', keys: ['0-9', 'Enter'], brief: 'go to that frame', does: 'a number, then Enter: go to the frame of that number (Esc forgets the number)' },
  { action: 'search', keys: ['/'], brief: 'search', does: 'search forward: type the text, then Enter (Esc cancels)' },
  { action: 'tables', keys: ['t'], brief: 'show or hide the HPACK dynamic tables', does: 'show or hide both HPACK dynamic tables as they stood after the frame' },
  { action: 'help', keys: ['?'], brief: 'list the keys', does: 'show or hide this list of keys' },
  { action: 'quit', keys: ['q', 'Ctrl-C'], brief: 'quit', does: 'quit', stepOnly: true },
];

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** What a browser's KeyboardEvent.key is for a key the map names. */
const PAGE_KEY: Record<string, string[]> = {
  '↓': ['ArrowDown'], '↑': ['ArrowUp'], PgDn: ['PageDown'], PgUp: ['PageUp'], Space: [' '], Enter: ['Enter'], Home: ['Home'], End: ['End'], 'Ctrl-C': [],
};

/** What a terminal in raw mode sends for a key the map names (cursor keys in both of their modes). */
const TERMINAL_KEY: Record<string, string[]> = {
  '↓': ['\x1b[B', '\x1bOB'], '↑': ['\x1b[A', '\x1bOA'], PgDn: ['\x1b[6~'], PgUp: ['\x1b[5~'], Space: [' '], Enter: ['\r', '\n'],
  Home: ['\x1b[H', '\x1b[1~', '\x1b[7~', '\x1bOH'], End: ['\x1b[F', '\x1b[4~', '\x1b[8~', '\x1bOF'], 'Ctrl-C': ['\x03'],
};

// the digits are goTo's; its Enter is next's key (a viewer's next goes to the number typed, when one was)
const valuesOf = (key: TraceKey, table: Record<string, string[]>) =>
  key.action === 'goTo' ? DIGITS : key.keys.flatMap((name) => table[name] ?? [name]);

/** The page's map: KeyboardEvent.key → action (digits → goTo). */
export function pageKeyMap(): Record<string, TraceAction> {
  const map: Record<string, TraceAction> = {};
  for (const key of TRACE_KEYS) if (!key.stepOnly) for (const value of valuesOf(key, PAGE_KEY)) map[value] = key.action;
  return map;
}

/** The action of a key a terminal sent (an escape sequence is one key), or undefined. */
export function terminalAction(sequence: string): TraceAction | undefined {
  return TRACE_KEYS.find((key) => valuesOf(key, TERMINAL_KEY).includes(sequence))?.action;
}

/** The key map as lines of text, for a help screen: "  ↓ j Enter      the next frame". */
export function keyHelp(view: 'step' | 'page' = 'step'): string[] {
  const keys = TRACE_KEYS.filter((k) => view === 'step' || !k.stepOnly);
  const width = Math.max(...keys.map((k) => k.keys.join(' ').length)) + 2;
  return keys.map((k) => `${k.keys.join(' ').padEnd(width)}${k.does}`);
}

/** The key map as a Markdown table (docs/trace-format.md carries it between `<!-- trace-keys -->` markers). */
export function keyTableMarkdown(): string {
  const rows = TRACE_KEYS.map((k) => `| ${k.keys.map((n) => `\`${n}\``).join(' ')} | ${k.does}${k.stepOnly ? ' (`trace step`; the page has none)' : ''} |`);
  return ['| keys | what they do |', '|---|---|', ...rows].join('\n');
}

/** The key map in one line (the README carries it): "`↓` `j` `Enter` next, `↑` `k` previous, …". */
export function keySummary(): string {
  return TRACE_KEYS.map((k) => `${k.keys.map((n) => `\`${n}\``).join(' ')} ${k.brief}${k.stepOnly ? ' (`trace step`)' : ''}`).join(', ');
}

/** A one-line reminder of the keys most used, for the bottom line of `trace step` and its prompt. */
export function keyHint(): string {
  const k = (action: TraceAction) => TRACE_KEYS.find((x) => x.action === action)!.keys;
  return `${k('next')[1]}/${k('previous')[1]} step  ${k('nextInStream')[0]}/${k('previousInStream')[0]} stream  ${k('pageDown')[1]}/${k('pageUp')[1]} scroll  `
    + `${k('tables')[0]} tables  ${k('search')[0]} search  ${k('help')[0]} keys  ${k('quit')[0]} quit`;
}
