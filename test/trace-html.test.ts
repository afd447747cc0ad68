// The trace page, opened in Debian's headless chromium (playwright-core, launching /usr/bin/chromium; no browser
// download): clicking a frame shows its decoded fields, its octets and the HPACK tables. A screenshot is kept in
// artifacts/trace-page.png.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { annotateEntries, renderEntries } from '../src/cli/trace-command.js';
import { readTrace } from '../src/trace/index.js';
import { traceHtml } from '../src/trace/html.js';
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
  const rows = await page.locator('tr.frame').count();
  t.equal(rows, entries.length, 'one timeline row per entry');
  const headers = page.locator('tr.frame', { hasText: 'HEADERS' }).first();
  await headers.click();
  t.match(await page.locator('#title').innerText(), /send HEADERS on stream 1/);
  t.match(await page.locator('#view').innerText(), /:path: \/pi\.PiCalculator\/Calc/, 'the decoded fields');
  t.match(await page.locator('#octets').innerText(), /type HEADERS/, 'the annotated octets');
  t.match(await page.locator('#details').innerText(), /user-agent\s+h2grpc\/0\.1\.0/, 'the dynamic table at that moment');
  await page.locator('tr.frame', { hasText: 'DATA' }).first().click();
  t.match(await page.locator('#view').innerText(), /pi\.PiRequest \{"n":100\}/, 'a DATA frame shows its message');
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
  await page.keyboard.press('/');
  await page.keyboard.type('DATA');
  await page.keyboard.press('Enter');
  t.match(await title(), /send DATA on stream 1 \[END_STREAM\]/, '/ searches; the flags are shown');
  t.match(await page.locator('#octets').innerText(), /tag: field 1 n, wire type 0 \(varint\)/, 'the octets down to the protobuf field');
  await page.locator('#search').press('Escape');
  await page.keyboard.press('n');
  t.match(await title(), /on stream 1\b/, 'n: the next frame of the same stream');
  const before = await title();
  await page.keyboard.press('p');
  t.not(await title(), before, 'p: the previous frame of the same stream');
  await page.keyboard.press('Enter');
  t.ok(await page.locator('#more.closed').count(), 'Enter closes the octets and tables');
  await page.keyboard.press(' ');
  t.equal(await page.locator('#more.closed').count(), 0, 'Space opens them again');
  await page.keyboard.press('End');
  t.match(await title(), new RegExp(`^${rows} of ${rows}\\.`), 'End: the last entry');
  t.match(await page.locator('tr.frame.selected td.flags').innerText(), /ACK|END_STREAM|END_HEADERS|^$/, 'a flags column');
  await page.selectOption('#fstream', '3');
  t.ok((await page.locator('tr.frame:not(.hidden)').count()) < rows, 'the stream filter hides the other streams');
  await page.keyboard.press('Home');
  t.match(await title(), /on stream 3/, 'stepping keeps to the filtered frames');
  await page.selectOption('#fstream', '');
  await page.selectOption('#ftype', 'SETTINGS');
  await page.keyboard.press('Home');
  t.match(await title(), /SETTINGS on stream 0/, 'the type filter');
  await page.screenshot({ path: 'artifacts/trace-page-keyboard.png', fullPage: false });
  t.same(problems, [], 'no console errors');
});

t.test('a 1000-call pi trace page: at most 1.5 MB, ready quickly', async (t) => {
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
  const page = await browser.newPage();
  const started = Date.now();
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-ready="yes"]');
  t.comment(`ready in ${Date.now() - started} ms (not asserted: timings vary)`);
  await page.keyboard.press('End');
  t.match(await page.locator('#title').innerText(), new RegExp(`^${entries.length} of ${entries.length}`));
});
