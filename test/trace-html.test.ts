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
  await page.goto(`file://${page_}`);
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
});
