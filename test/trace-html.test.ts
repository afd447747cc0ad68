// The trace page, opened in Debian's headless chromium (playwright-core, launching /usr/bin/chromium; no browser
// download): clicking a frame shows its decoded fields, its octets and (t) the HPACK tables; the keys are those of
// `trace step` (src/trace/terminal/keys.ts); a long trace shows its first frames before the rest is decoded. A screenshot is
// kept in artifacts/trace-page.png.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { annotateEntries, renderEntries } from '../src/cli/trace-command.js';
import { readTrace } from '../src/trace/index.js';
import { FIRST_SCREEN, traceHtml } from '../src/trace/page/html.js';
import { pageKeyMap } from '../src/trace/terminal/keys.js';
import { havePeer } from './peers.js';
import { recordPiCalls } from './trace-helpers.js';

const CHROMIUM = '/usr/bin/chromium';

t.test('the trace page in headless chromium', async (t) => {
  if (!havePeer(t, existsSync(CHROMIUM), 'the trace page in a browser', 'Debian package chromium')) return;
  const { chromium } = await import('playwright-core');
  const file = await recordPiCalls([100, 200]);
  const { header, entries } = readTrace(file);
  const html = traceHtml(header, entries, renderEntries(header, entries, 'all', []), annotateEntries(header, entries));
  t.notMatch(html, /<(script|link|img)[^>]+(src|href)=/, 'self-contained: no external resources');
  const page_ = file.replace(/\.trace$/, '.html');
  writeFileSync(page_, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`file://${page_}`);
  await page.waitForSelector('body[data-ready="yes"]');
  const rows = await page.locator('.frame').count();
  t.equal(rows, entries.length, 'one timeline row per entry');
  t.same(await page.evaluate('KEYS'), pageKeyMap(), 'the page uses the key map of src/trace/terminal/keys.ts');
  const headers = page.locator('.frame', { hasText: 'HEADERS' }).first();
  await headers.click();
  t.match(await page.locator('#title').innerText(), /send HEADERS on stream 1/);
  t.match(await page.locator('#view').innerText(), /:path: \/pi\.PiCalculator\/Calc/, 'the decoded fields');
  t.match(await page.locator('#octets').innerText(), /type HEADERS/, 'the annotated octets');
  t.ok(await page.locator('#tables.closed').count(), 'the HPACK tables are hidden until asked for');
  await page.keyboard.press('t');
  t.equal(await page.locator('#tables.closed').count(), 0, 't shows the HPACK tables');
  t.match(await page.locator('#details').innerText(), /user-agent\s+h2grpc\/0\.1\.0/, 'the dynamic table at that moment');
  t.match(await page.locator('#details').innerText(), /HPACK dynamic table of what we send: 6 entries, 343 octets/);
  await page.locator('.frame', { hasText: 'DATA' }).first().click();
  t.match(await page.locator('#view').innerText(), /pi\.PiRequest \{"n":100\}/, 'a DATA frame shows its message');
  t.equal(await page.locator('#tables.closed').count(), 0, 'the tables stay shown from frame to frame');
  await page.keyboard.press('t');
  t.ok(await page.locator('#tables.closed').count(), 't hides them again');
  mkdirSync('artifacts', { recursive: true });
  await page.screenshot({ path: 'artifacts/trace-page.png', fullPage: false });
  t.ok(existsSync('artifacts/trace-page.png'), 'screenshot kept in artifacts/trace-page.png');

  // the keyboard alone
  const title = () => page.locator('#title').innerText();
  await page.keyboard.press('Home');
  t.match(await title(), /^1 of \d+\. send PREFACE/, 'Home: the first entry');
  await page.keyboard.press('ArrowDown');
  t.match(await title(), /^2 of /, '↓: the next frame');
  await page.keyboard.press('j');
  t.match(await title(), /^3 of /, 'j: the next frame');
  await page.keyboard.press('k');
  t.match(await title(), /^2 of /, 'k: the previous frame');
  await page.keyboard.press('Enter');
  t.match(await title(), /^3 of /, 'Enter: the next frame');
  await page.keyboard.press('1');
  await page.keyboard.press('2');
  t.match(await page.locator('#goto').innerText(), /go to 12/, 'a number typed is shown');
  await page.keyboard.press('Enter');
  t.match(await title(), /^12 of /, 'a number, then Enter: that frame');
  await page.keyboard.press('5');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  t.match(await title(), /^13 of /, 'Esc forgets the number: Enter is the next frame again');
  await page.keyboard.press('g');
  t.match(await title(), /^1 of /, 'g: the first entry');
  await page.keyboard.press('G');
  t.match(await title(), new RegExp(`^${rows} of ${rows}\\.`), 'G: the last entry');
  await page.keyboard.press('Home');
  await page.keyboard.press('/');
  await page.keyboard.type('DATA');
  await page.keyboard.press('Enter');
  t.match(await title(), /send DATA on stream 1 \[END_STREAM\]/, '/ searches; the flags are shown');
  t.match(await page.locator('#octets').innerText(), /tag: field 1 n, wire type 0 \(varint\)/, 'the octets down to the protobuf field');
  t.match(await page.locator('#octets div', { hasText: 'tag: field 1 n' }).getAttribute('style'), /padding-left:49ch;text-indent:-49ch/, 'a long line wraps under its note, as in trace step');
  await page.locator('#search').press('Escape');
  await page.keyboard.press('n');
  t.match(await title(), /on stream 1\b/, 'n: the next frame of the same stream');
  const before = await title();
  await page.keyboard.press('p');
  t.not(await title(), before, 'p: the previous frame of the same stream');
  // scrolling a long frame's details (the tables make it long)
  await page.setViewportSize({ width: 1000, height: 400 });
  await headers.click();
  await page.keyboard.press('t');
  await page.evaluate(() => document.getElementById('details')!.scrollTo(0, 0));
  const scrolled = () => page.evaluate(() => document.getElementById('details')!.scrollTop);
  await page.keyboard.press(' ');
  const down = await scrolled();
  t.ok(down > 0, `Space: a page down (${down} px)`);
  await page.keyboard.press('PageDown');
  t.ok((await scrolled()) > down, 'PgDn: another page down');
  await page.keyboard.press('b');
  t.equal(await scrolled(), down, 'b: a page up');
  await page.keyboard.press('PageUp');
  t.equal(await scrolled(), 0, 'PgUp: a page up');
  await page.keyboard.press('t');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('?');
  t.equal(await page.locator('#help.closed').count(), 0, '?: the keys');
  t.match(await page.locator('#help').innerText(), /n\s+the next frame of the same stream/);
  t.notMatch(await page.locator('#help').innerText(), /quit/, 'the page lists no quit');
  await page.keyboard.press('?');
  t.ok(await page.locator('#help.closed').count(), '? again hides them');
  await page.keyboard.press('End');
  t.match(await title(), new RegExp(`^${rows} of ${rows}\\.`), 'End: the last entry');
  t.match(await page.locator('.frame.selected span:nth-child(4)').innerText(), /ACK|END_STREAM|END_HEADERS|^$/, 'a flags column');
  await page.selectOption('#fstream', '3');
  t.ok((await page.locator('.frame:not(.hidden)').count()) < rows, 'the stream filter hides the other streams');
  await page.keyboard.press('Home');
  t.match(await title(), /on stream 3/, 'stepping keeps to the filtered frames');
  await page.selectOption('#fstream', '');
  await page.selectOption('#ftype', 'SETTINGS');
  await page.keyboard.press('Home');
  t.match(await title(), /SETTINGS on stream 0/, 'the type filter');
  await page.screenshot({ path: 'artifacts/trace-page-keyboard.png', fullPage: false });
  t.same(problems, [], 'no console errors');
});

t.test('a 1000-call pi trace page: at most 1.5 MB, its first frames shown before the rest is decoded', async (t) => {
  if (!havePeer(t, existsSync(CHROMIUM), 'the trace page in a browser', 'Debian package chromium')) return;
  const { chromium } = await import('playwright-core');
  const file = await recordPiCalls(Array.from({ length: 1000 }, (_, i) => i + 1));
  const { header, entries } = readTrace(file);
  const html = traceHtml(header, entries, renderEntries(header, entries, 'all', []), annotateEntries(header, entries));
  t.ok(html.length <= 1.5 * 1024 * 1024, `${(html.length / 1024 / 1024).toFixed(2)} MB for ${entries.length} entries`);
  const path = file.replace(/\.trace$/, '.html');
  writeFileSync(path, html);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  t.teardown(() => browser.close());
  const total = entries.length;

  // held after its first screen (the page waits for window.traceLoadGate when there is one): what is there then
  const held = await browser.newPage();
  await held.addInitScript('window.traceLoadGate = new Promise((resolve) => { window.releaseTraceLoad = resolve; })');
  await held.goto(`file://${path}`);
  await held.waitForSelector('body[data-first]', { timeout: 60_000 });
  const first = Number(await held.locator('body').getAttribute('data-first'));
  t.equal(first, FIRST_SCREEN, `the first ${FIRST_SCREEN} frames are listed`);
  t.equal(await held.locator('.frame').count(), first, 'and no more: the rest is not decoded yet');
  t.equal(await held.locator('body[data-ready]').count(), 0, 'the page is not ready');
  t.match(await held.locator('#title').innerText(), new RegExp(`^1 of ${total}\\. send PREFACE`), 'the first frame is shown');
  t.match(await held.locator('#intro').innerText(), /Loading the rest…/);
  await held.keyboard.press('j');
  t.match(await held.locator('#title').innerText(), /^2 of /, 'the keys work on what is there');
  await held.evaluate('window.releaseTraceLoad()');
  await held.waitForSelector('body[data-ready="yes"]', { timeout: 60_000 });
  t.equal(await held.locator('.frame').count(), total, 'released: every frame is listed');
  await held.keyboard.press('End');
  t.match(await held.locator('#title').innerText(), new RegExp(`^${total} of ${total}`));

  // not held: the times the page itself took (ms from navigation), as a record; the bounds only catch a hang
  const page = await browser.newPage();
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 60_000 });
  const firstAt = Number(await page.locator('body').getAttribute('data-first-at'));
  const readyAt = Number(await page.locator('body').getAttribute('data-ready-at'));
  t.comment(`first ${FIRST_SCREEN} frames shown at ${firstAt} ms, all ${total} at ${readyAt} ms`);
  t.ok(firstAt <= readyAt, 'the first screen came first');
  t.ok(firstAt < 5_000, 'the first screen within 5 s (usually under 0.5 s)');
  t.ok(readyAt < 30_000, 'the whole within 30 s (usually under 2 s)');
});
