// The trace tools as a newcomer meets them: the key map the docs and the README show is the one the viewers use, a
// level that does not exist is refused by name, a missing file is one line, `trace html`/`pcap` write beside their
// input, a second connection records to FILE.2, a server's reflection and health messages decode in its trace, and
// `trace step` wraps long lines at word boundaries.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import t from 'tap';
import { createClient, healthService, reflect, Server } from '../src/grpc/index.js';
import { duplexPair } from '../src/http2/index.js';
import { annotateEntries, renderEntries } from '../src/cli/trace-command.js';
import { wrapLine } from '../src/trace/terminal/wrap.js';
import { keySummary, keyTableMarkdown, pageKeyMap, terminalAction, TRACE_KEYS } from '../src/trace/terminal/keys.js';
import { parseLevels, readTrace, traceObserver, traceSettings, Tracer } from '../src/trace/index.js';
import { calcHandler, PI_PROTO, piService } from '../examples/pi-service.js';
import { childEnv, H2GRPC_CLI, run } from './peers.js';
import { recordPiCalls } from './trace-helpers.js';
import { until } from './wait.js';

/** The text between `<!-- NAME -->` and `<!-- /NAME -->` in a file, and the file with `text` put there instead. */
function generated(path: string, name: string, text: string): { now: string | undefined; update: () => void } {
  const doc = readFileSync(path, 'utf8');
  const re = new RegExp(`(<!-- ${name} -->)([\\s\\S]*?)(<!-- /${name} -->)`);
  return { now: re.exec(doc)?.[2], update: () => writeFileSync(path, doc.replace(re, (_m, open: string, _old, close: string) => `${open}${text}${close}`)) };
}

t.test('docs/trace-format.md and the README show the key map the viewers use (UPDATE_DOCS=1 rewrites them)', async (t) => {
  const table = `\n${keyTableMarkdown()}\n`;
  const docs = generated('docs/trace-format.md', 'trace-keys', table);
  const readme = generated('README.md', 'trace-keys-summary', keySummary());
  if (process.env.UPDATE_DOCS) {
    docs.update();
    readme.update();
    return;
  }
  t.equal(docs.now, table, 'docs/trace-format.md: the table of keys');
  t.equal(readme.now, keySummary(), 'README: the keys in one line');
  for (const key of TRACE_KEYS) for (const name of key.keys) t.match(docs.now ?? '', `\`${name}\``, `the docs name ${name}`);
  const format = readFileSync('docs/trace-format.md', 'utf8');
  t.notMatch(format, /Enter or `n` for\s+the next|`p` for the previous/, 'no other key map is described');
  t.notMatch(readFileSync('README.md', 'utf8'), /Enter\/Space open or close/, 'nor in the README');
});

t.test('one key map: the terminal and the page find the same action for the same key', async (t) => {
  const page = pageKeyMap();
  const same: Array<[string, string, string]> = [
    ['j', 'j', 'next'], ['\x1b[B', 'ArrowDown', 'next'], ['\r', 'Enter', 'next'], ['k', 'k', 'previous'], ['\x1b[A', 'ArrowUp', 'previous'],
    ['n', 'n', 'nextInStream'], ['p', 'p', 'previousInStream'], [' ', ' ', 'pageDown'], ['\x1b[6~', 'PageDown', 'pageDown'],
    ['b', 'b', 'pageUp'], ['\x1b[5~', 'PageUp', 'pageUp'], ['g', 'g', 'first'], ['\x1b[H', 'Home', 'first'], ['G', 'G', 'last'],
    ['\x1b[F', 'End', 'last'], ['7', '7', 'goTo'], ['/', '/', 'search'], ['t', 't', 'tables'], ['?', '?', 'help'],
  ];
  for (const [terminal, browser, action] of same) {
    t.equal(terminalAction(terminal), action, `terminal ${JSON.stringify(terminal)}: ${action}`);
    t.equal(page[browser], action, `page ${JSON.stringify(browser)}: ${action}`);
  }
  t.equal(terminalAction('q'), 'quit');
  t.equal(terminalAction('\x03'), 'quit', 'Ctrl-C quits the terminal view');
  t.equal(page.q, undefined, 'the page has no quit');
  t.equal(terminalAction('x'), undefined);
  const actions = new Set(TRACE_KEYS.map((k) => k.action));
  t.equal(actions.size, TRACE_KEYS.length, 'each action on one line of the map');
});

t.test('levels: an unknown one is refused, naming the valid ones', async (t) => {
  t.same(parseLevels('frames, hpack'), ['frames', 'hpack']);
  t.same(parseLevels('all'), ['frames', 'hpack', 'messages']);
  t.same(parseLevels('1'), ['frames', 'hpack', 'messages']);
  t.same(parseLevels('none'), []);
  t.same(parseLevels('0'), []);
  t.same(parseLevels(''), []);
  t.throws(() => parseLevels('bogus'), { message: 'unknown trace level "bogus" (the levels: frames, hpack, messages, octets, all, none)' });
  t.throws(() => parseLevels('frames,hpak'), { message: /unknown trace level "hpak"/ });
  t.throws(() => traceSettings([], { H2GRPC_TRACE: 'bogus' }), { message: /^H2GRPC_TRACE=bogus: unknown trace level "bogus" \(the levels: frames, hpack/ });
  t.throws(() => traceSettings(['--trace=frames,nope'], {}), { message: /^--trace=frames,nope: unknown trace level "nope"/ });
  t.same(traceSettings(['--trace=messages', '--trace-file', 'x.trace'], {}), { levels: ['messages'], file: 'x.trace' });
  t.same(traceSettings([], { H2GRPC_TRACE: 'hpack' }).levels, ['hpack']);
});

interface Row {
  what: string;
  args: (file: string, dir: string) => string[];
  status: number;
  stdout?: RegExp | string;
  stderr?: RegExp | string;
  /** After the command: what must be so (files written). */
  then?: (file: string, dir: string) => void;
}

t.test('the trace command, row by row', async (t) => {
  const file = await recordPiCalls([100]);
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-trace-cli-'));
  mkdirSync(join(dir, 'a-directory'));
  const rows: Row[] = [
    { what: 'a level that does not exist', args: (f) => ['show', f, '--levels', 'bogus'], status: 2, stderr: /^h2grpc trace: --levels bogus: unknown trace level "bogus" \(the levels: frames, hpack, messages, octets, all, none\)\nusage:/ },
    { what: 'one bad word among good ones (--levels=)', args: (f) => ['show', f, '--levels=frames,mesages'], status: 2, stderr: /unknown trace level "mesages"/ },
    { what: 'good levels', args: (f) => ['show', f, '--levels', 'messages'], status: 0, stdout: /send message on stream 1 \(\/pi\.PiCalculator\/Calc\): pi\.PiRequest \{"n":100\}/ },
    { what: 'a missing file: one line', args: (_f, d) => ['show', join(d, 'missing.trace')], status: 1, stderr: /^h2grpc trace: \S+missing\.trace: no such file\n$/ },
    { what: 'a directory: one line', args: (_f, d) => ['step', join(d, 'a-directory')], status: 1, stderr: /^h2grpc trace: \S+a-directory: a directory, not a trace file\n$/ },
    { what: 'a flag the subcommand does not have', args: (f) => ['show', f, '--bogus'], status: 2, stderr: /^h2grpc trace: trace show has no flag --bogus\nusage:/ },
    { what: 'a flag without its value', args: (f) => ['html', f, '-o'], status: 2, stderr: /^h2grpc trace: -o needs a value/ },
    { what: 'no file', args: () => ['show'], status: 2, stderr: /^h2grpc trace: no trace FILE given\nusage:/ },
    { what: 'an unknown subcommand', args: (f) => ['print', f], status: 2, stderr: /^h2grpc trace: unknown subcommand "print"/ },
    { what: '--help', args: () => ['--help'], status: 0, stdout: /default|unless given/ },
    {
      what: 'html without -o: FILE.html beside the trace', args: (f) => ['html', f], status: 0, stdout: (/^wrote .*pi\.trace\.html\n$/),
      then: (f) => t.match(readFileSync(`${f}.html`, 'utf8'), /^<!doctype html>/, 'the page is there'),
    },
    {
      what: 'pcap without -o: FILE.pcap beside the trace', args: (f) => ['pcap', f], status: 0, stdout: /^wrote .*pi\.trace\.pcap\n$/,
      then: (f) => t.equal(readFileSync(`${f}.pcap`).readUInt32LE(0), 0xa1b2c3d4, 'a pcap file'),
    },
    { what: 'html -o OUT', args: (f, d) => ['html', f, '-o', join(d, 'out.html')], status: 0, then: (_f, d) => t.ok(existsSync(join(d, 'out.html'))) },
  ];
  for (const row of rows) {
    const result = await run(process.execPath, [...H2GRPC_CLI, 'trace', ...row.args(file, dir)], { timeout: 60_000 });
    const label = `trace ${row.args('FILE', 'DIR').join(' ')}: ${row.what}`;
    t.equal(result.status, row.status, `${label}: exit ${row.status}`);
    if (row.stdout) t.match(result.stdout, row.stdout, `${label}: stdout`);
    if (row.stderr) t.match(result.stderr, row.stderr, `${label}: stderr`);
    if (row.status === 0) t.notMatch(result.stderr, /\S/, `${label}: nothing on stderr`);
    t.notMatch(result.stderr, /^\s+at /m, `${label}: no stack`);
    row.then?.(file, dir);
  }
});

t.test("a server serving reflection and health: its trace decodes those messages, a second connection is FILE.2", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-trace-refl-'));
  const file = join(dir, 'server.trace');
  const printed: string[] = [];
  const recording = traceObserver('server', { levels: [], file }, [piService], [PI_PROTO])!;
  const tracers: Tracer[] = [];
  let closedConnections = 0;
  const server = new Server({
    reflection: true,
    health: true,
    observer: (socket) => {
      const recorder = recording(socket);
      tracers.push(recorder);
      // and one that prints as it goes (the live printer knows the shipped services too)
      const live = new Tracer({ role: 'server', levels: ['messages'], services: [piService], write: (text) => printed.push(text), times: false });
      return {
        preface: (d) => (recorder.preface(d), live.preface(d)),
        frame: (f) => (recorder.frame(f), live.frame(f)),
        closed: () => {
          recorder.closed();
          closedConnections++;
        },
      };
    },
  });
  server.addService(piService, { Calc: calcHandler() });
  const createConnection = () => {
    const [a, b] = duplexPair();
    server.handle(b);
    return a;
  };
  const found = await reflect('127.0.0.1:8080', { createConnection });
  t.ok(found.services.includes('pi.PiCalculator'));
  const health = createClient<'Check'>('127.0.0.1:8080', healthService, { createConnection });
  t.same(await health.Check({ service: '' }), { status: 'SERVING' });
  health.close();
  // both clients closed their connections: once the server has seen each close, no frame can come after the file ends
  await until(() => closedConnections === 2, 'the server saw both connections close');
  await Promise.all(tracers.map((x) => x.close()));
  server.forceShutdown();

  t.ok(existsSync(file) && existsSync(`${file}.2`), 'the first connection in FILE, the second in FILE.2');
  const first = readTrace(file);
  const text = renderEntries(first.header, first.entries, 'messages', []).join('\n');
  t.match(text, /recv message on stream 1 \(\/grpc\.reflection\.v1\.ServerReflection\/ServerReflectionInfo\): grpc\.reflection\.v1\.ServerReflectionRequest \{"listServices":""\}/, 'the reflection request decoded');
  t.match(text, /send message on stream 1 \(\/grpc\.reflection\.v1\.ServerReflection\/ServerReflectionInfo\): grpc\.reflection\.v1\.ServerReflectionResponse \{.*"listServicesResponse":\{"service":\[\{"name":"grpc\.health\.v1\.Health"\}/, 'and the response');
  t.notMatch(text, /schema unknown/, 'no message undecoded');
  t.match(annotateEntries(first.header, first.entries).join('\n'), /tag: field 7 list_services, wire type 2/, 'the octets name the reflection fields');
  const second = readTrace(`${file}.2`);
  t.match(renderEntries(second.header, second.entries, 'messages', []).join('\n'), /grpc\.health\.v1\.HealthCheckResponse \{"status":"SERVING"\}/, 'the health check decoded in FILE.2');
  t.match(printed.join('\n'), /grpc\.reflection\.v1\.ServerReflectionRequest \{"listServices":""\}/, 'and printed live');
  t.match(printed.join('\n'), /grpc\.health\.v1\.HealthCheckRequest \{\}/);
});

t.test('long lines wrap at word boundaries, continuing under their second column', async (t) => {
  const hpack = '            HPACK literal with incremental indexing (name indexed 4; value literal, Huffman)';
  t.same(wrapLine(hpack, 80), ['            HPACK literal with incremental indexing (name indexed 4; value', '            literal, Huffman)'], 'not "value liter" / "al"');
  const octets = `${'00'.padEnd(47)}  gRPC message 1: compressed flag 0 (not compressed)`;
  t.same(wrapLine(octets, 80), [`${'00'.padEnd(47)}  gRPC message 1: compressed flag`, `${''.padEnd(49)}0 (not compressed)`], 'under the note');
  t.same(wrapLine('x'.repeat(100), 40), ['x'.repeat(40), `  ${'x'.repeat(38)}`, `  ${'x'.repeat(22)}`], 'a word longer than the line is split where the line ends');
  t.same(wrapLine('short', 80), ['short']);
  // every line of a real trace's views and octets, at several widths: nothing wider, no word cut that fits
  const { header, entries } = readTrace(await recordPiCalls([100]));
  const lines = [...renderEntries(header, entries, 'all', []), ...annotateEntries(header, entries)].join('\n').split('\n');
  for (const width of [80, 60, 40]) {
    let bad = 0;
    for (const line of lines) {
      const wrapped = wrapLine(line, width);
      if (wrapped.some((l) => l.length > width)) bad++;
      const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);
      // each piece ends at the end of a word, unless that word could not fit on any line
      if (words(wrapped.join(' ')).join(' ') !== words(line).join(' ') && words(line).every((w) => w.length < width - 20)) bad++;
    }
    t.equal(bad, 0, `${lines.length} lines at ${width} columns: none wider, no word broken`);
  }
});

t.test('a reader that stops early (`trace show FILE | head`): the command ends quietly, exit 0, no EPIPE', async (t) => {
  // 300 calls print ~460 KB, far past a pipe's 64 KiB: the command is still writing when the reader goes away
  const file = await recordPiCalls(Array.from({ length: 300 }, (_, i) => i + 1));
  const child = spawn(process.execPath, [...H2GRPC_CLI, 'trace', 'show', file, '--levels', 'all'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  child.stdout.destroy();
  const guard = new AbortController();
  const code = await Promise.race([new Promise<number | null>((resolve) => child.on('close', resolve)), sleep(60_000, 'hung', { signal: guard.signal }).catch(() => 'hung')]);
  guard.abort();
  if (code === 'hung') child.kill();
  t.match(first, /send the client preface/, 'the first lines came');
  t.equal(code, 0, 'exit 0');
  t.equal(stderr, '', 'nothing on stderr');
});
