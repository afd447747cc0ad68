// `h2grpc trace step` on a terminal: the full-screen view, driven through a real pseudo-terminal (tmux, 80x24):
// the header line stays on top, keys step, search and jump, nothing is wider than the screen, q restores the terminal.
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
  t.match(lines[lines.length - 2] ?? lines[lines.length - 1], /q quit/, 'the keys on the last line');
  await keys('j');
  text = await waitFor(/^2\/\d+ +send SETTINGS on stream 0/, 'j: the next frame');
  await keys('/', 'D', 'A', 'T', 'A', 'Enter');
  text = await waitFor(/^\d+\/\d+ +send DATA on stream 1 \[END_STREAM\]/, '/ searches, the header shows the flags');
  t.match(text, /tag: field 1 n, wire type 0 \(va/, 'the DATA octets down to the protobuf field (long lines wrap)');
  t.match(text, /varint 100/);
  await keys('n');
  text = await waitFor(/^\d+\/\d+ +recv HEADERS on stream 1 \[END_HEADERS\]/, 'n: the next frame of the same stream');
  await keys('p');
  text = await waitFor(/^\d+\/\d+ +send DATA on stream 1/, 'p: the previous frame of the same stream');
  const here = Number(/^(\d+)\//.exec(text)![1]);
  await keys('k');
  await waitFor(new RegExp(`^${here - 1}/`), 'k: the previous frame');
  await keys('G');
  text = await waitFor(/^(\d+)\/\1 /, 'G: the last entry');
  await keys('g');
  await waitFor(/^1\/\d+ +send the client preface/, 'g: the first entry');
  await keys('q');
  text = await waitFor(/EXITED 0/, 'q quits');
  t.notMatch(text, /q quit/, 'q restores the terminal (the alternate screen is gone)');
});
