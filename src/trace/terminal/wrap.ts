// Long lines of a trace's text wrapped at word boundaries, continuing under their second column: what `trace step`
// does at its terminal's width and the page does (with the same indentation) at its pane's.

/**
 * A line in two columns ("00 00 07   length 7", "j     the next frame", or an indented line): the first column and
 * the spaces after it, whose length is where a wrapped line's continuation starts.
 */
export const HANGING = /^(?:[^\s[]\S*(?: \S+)*?)? {2,}(?=\S)/;

/**
 * Where a wrapped line's continuation starts: under the second column of a line in two (annotated octets, a key
 * and what it does), under the text of an indented line, else two columns in; never so far right that less than
 * 20 columns are left.
 */
export function hangingIndent(line: string, width = Infinity): number {
  const column = HANGING.exec(line);
  const indent = column ? column[0].length : /^ */.exec(line)![0].length + 2;
  return indent <= width - 20 ? indent : Math.max(0, Math.min(2, width - 20));
}

/**
 * A line cut into lines of at most `width` columns, at spaces (nothing is cut off); a word longer than a line is
 * split where the line ends.
 */
export function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = hangingIndent(line, width);
  const out: string[] = [];
  let rest = line;
  let start = /^ */.exec(line)![0].length; // a break must leave text on the line: not within its indentation
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= start) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = ' '.repeat(indent) + rest.slice(cut).replace(/^ +/, '');
    start = indent;
  }
  out.push(rest);
  return out;
}
