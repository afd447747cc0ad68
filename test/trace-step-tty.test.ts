// `h2grpc trace step` on a terminal: the full-screen view, driven through a real pseudo-terminal (tmux, 80x24):
// the header line stays on top, the keys of the trace page's key map step, search, jump, scroll and show the HPACK
// tables, long lines wrap at word boundaries, nothing is wider than the screen, q restores the terminal.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { childEnv, commandWorks, havePeer } from './peers.js';
import { recordPiCalls } from './trace-helpers.js';
import { HANG_MS } from './wait.js';

// a tmux server of our own (its own socket), started with tap's coverage hooks off for the process it runs
const SOCKET = `h2grpc-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', timeout: 10_000, env: childEnv() });

t.test('trace step, full screen, keyboard only', async (t) => {
  if (!havePeer(t, commandWorks('tmux', ['-V']), 'the terminal view (driven through tmux)', 'Debian package tmux')) return;
  const file = await recordPiCalls([100, 200]);
  const session = `h2grpc-step-${process.pid}`;
  const started = tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `cd ${process.cwd()} && node --import tsx src/cli/main.ts trace step ${file}; echo "EXITED $?"; sleep 30`);
  t.equal(started.status, 0, started.stderr);
  t.teardown(() => void tmux('kill-server'));
  const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
  // the screen is polled until it shows what a step must show; the bound only guards against a hang
  const waitFor = async (pattern: RegExp, what: string) => {
    const started = Date.now();
    while (Date.now() - started < HANG_MS) {
      const text = screen();
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.fail(`${what}: the screen never showed ${pattern}:\n${screen()}`);
    return screen();
  };
  const keys = async (...k: string[]) => void tmux('send-keys', '-t', session, ...k);

  let text = await waitFor(/^1\/\d+ +send the client preface/, 'the first entry');
  const lines = text.split('\n');
  t.ok(lines.every((l) => l.length <= 80), 'nothing wider than 80 columns');
  t.match(lines[lines.length - 2] ?? lines[lines.length - 1], /\? keys +q quit/, 'the keys on the last line');
  await keys('j');
  text = await waitFor(/^2\/\d+ +send SETTINGS on stream 0/, 'j: the next frame');
  await keys('Enter');
  text = await waitFor(/^3\/\d+ /, 'Enter: the next frame');
  await keys('/', 'D', 'A', 'T', 'A', 'Enter');
  text = await waitFor(/^\d+\/\d+ +send DATA on stream 1 \[END_STREAM\]/, '/ searches, the header shows the flags');
  t.match(text, /tag: field 1 n, wire type 0\n {49}\(varint\)/, 'a long line wraps at a space, under its note');
  t.match(text, /varint 100/);
  t.ok(text.split('\n').every((l) => l.length <= 80), 'nothing wider than 80 columns');
  await keys('n');
  text = await waitFor(/^\d+\/\d+ +recv HEADERS on stream 1 \[END_HEADERS\]/, 'n: the next frame of the same stream');
  await keys('p');
  text = await waitFor(/^\d+\/\d+ +send DATA on stream 1/, 'p: the previous frame of the same stream');
  const here = Number(/^(\d+)\//.exec(text)![1]);
  await keys('k');
  text = await waitFor(new RegExp(`^${here - 1}/\\d+ +send HEADERS on stream 1`), 'k: the previous frame');
  t.match(text, /lines 1-22 of \d+$/m, 'a long entry says which of its lines are shown');
  t.match(text, /HPACK literal with incremental indexing \(name indexed 4; value\n {12}literal, Huffman\)/, 'HPACK notes wrap between words, under their text');
  await keys('Space');
  text = await waitFor(/lines 2[23]-\d+ of \d+$/m, 'Space: a page down');
  await keys('b');
  text = await waitFor(/lines 1-22 of \d+$/m, 'b: a page up');
  await keys('t');
  text = await waitFor(/HPACK dynamic table of what we send: \d+ entries/, 't: the HPACK dynamic tables');
  t.match(text, /HPACK dynamic table of what we receive: 0 entries, 0 octets/);
  await keys('5', 'Enter');
  text = await waitFor(/^5\/\d+ /, 'a number, then Enter: that frame');
  await keys('Space');
  text = await waitFor(/HPACK dynamic table of what we send/, 'the tables stay shown from frame to frame');
  await keys('t');
  await keys('?');
  text = await waitFor(/^5\/\d+ +keys/, '?: the keys');
  t.match(text, /t +show or hide both HPACK dynamic tables/);
  t.match(text, /0-9 Enter +a number, then Enter: go to the frame of that number \(Esc forgets\n {12}the number\)/, 'the help wraps under its second column');
  await keys('j');
  text = await waitFor(/^5\/\d+ +send DATA/, 'any key closes the keys (and does nothing else)');
  await keys('G');
  text = await waitFor(/^(\d+)\/\1 /, 'G: the last entry');
  await keys('g');
  await waitFor(/^1\/\d+ +send the client preface/, 'g: the first entry');
  await keys('q');
  text = await waitFor(/EXITED 0/, 'q quits');
  t.notMatch(text, /q quit/, 'q restores the terminal (the alternate screen is gone)');
});
