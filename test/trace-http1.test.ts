// HTTP/1.1 in traces: the server's Http1Observer seam, the parts a Tracer records (byte-exact for a known exchange),
// trace files with HTTP/1.1 entries read back and printed, the cutting of octets that arrive in any pieces, and the
// lane model the trace page draws from.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { annotateEntries, renderEntries } from '../src/cli/trace-command.js';
import { Server } from '../src/grpc/index.js';
import { Http1ClientConnection } from '../src/http1-connection/index.js';
import { Http1Parts, laneModel, readTrace, traceHtml, Tracer, traceToPcap, type TraceEntry, type TraceHeader } from '../src/trace/index.js';
import { http1Line } from '../src/trace/file/trace-file.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { havePeer } from './peers.js';
import { recordPiCalls } from './trace-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'h2grpc-trace-http1-'));
const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');

/** Two exchanges on one keep-alive connection (Connect unary JSON, then gRPC-Web text), recorded by the server. */
async function recordExchanges(t: Test) {
  const file = join(dir, `server-${Math.random().toString(36).slice(2)}.trace`);
  let tracer: Tracer | undefined;
  const server = new Server({ observer: () => (tracer = new Tracer({ role: 'server', file, services: [piService] })) });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const client = new Http1ClientConnection(socket);
  const json = await client.request('POST', '/pi.PiCalculator/Calc', [['host', 'pi.test'], ['content-type', 'application/json']], Buffer.from('{"n":3}'));
  const text = await client.request('POST', '/pi.PiCalculator/Calc', [['host', 'pi.test'], ['content-type', 'application/grpc-web-text']], Buffer.from('AAAAAAIIBQ=='));
  client.close();
  await new Promise((r) => socket.once('close', r));
  await server.shutdown();
  await tracer!.close();
  return { file, json, text, sent: socket.bytesWritten, read: socket.bytesRead };
}

t.test('the server records each part of each HTTP/1.1 message, byte-exact', async (t) => {
  const { file, json, text, sent, read } = await recordExchanges(t);
  t.equal(json.body.toString(), '{"value":3.0346151137976114}');
  t.equal(text.body.toString(), 'AAAAAAkJF9z98LCeCEA=gAAAABBncnBjLXN0YXR1czogMA0K');
  const { header, entries } = readTrace(file);
  t.equal(header.role, 'server');
  const parts = entries.map((e) => [e.dir, 'http1' in e ? e.http1 : '?']);
  t.same(parts, [
    ['in', hex('POST /pi.PiCalculator/Calc HTTP/1.1\r\nhost: pi.test\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n')],
    ['in', hex('{"n":3}')],
    ['out', hex('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 28\r\naccept-encoding: identity,deflate,gzip\r\n\r\n')],
    ['out', hex('{"value":3.0346151137976114}')],
    ['in', hex('POST /pi.PiCalculator/Calc HTTP/1.1\r\nhost: pi.test\r\ncontent-type: application/grpc-web-text\r\ncontent-length: 12\r\n\r\n')],
    ['in', hex('AAAAAAIIBQ==')],
    ['out', hex('HTTP/1.1 200 OK\r\ncontent-type: application/grpc-web-text\r\ngrpc-accept-encoding: identity,deflate,gzip\r\ntransfer-encoding: chunked\r\n\r\n')],
    ['out', hex('14\r\nAAAAAAkJF9z98LCeCEA=\r\n')],
    ['out', hex('1c\r\ngAAAABBncnBjLXN0YXR1czogMA0K\r\n')],
    ['out', hex('0\r\n\r\n')],
  ], 'head, content; chunk by chunk, the last chunk');
  const octets = (d: string) => entries.filter((e) => e.dir === d).reduce((n, e) => n + ('http1' in e ? e.http1.length / 2 : 0), 0);
  t.equal(octets('in'), sent, 'every octet the client sent is in the trace');
  t.equal(octets('out'), read, 'every octet the server sent');
  const pcap = traceToPcap(header, entries);
  t.ok(pcap.includes(Buffer.from('0\r\n\r\n')) && pcap.includes(Buffer.from('POST /pi.PiCalculator/Calc HTTP/1.1\r\n')), 'the pcap carries the parts');
});

t.test('a trace file with HTTP/1.1 entries reads back and prints', async (t) => {
  const { file } = await recordExchanges(t);
  const { header, entries } = readTrace(file);
  const text = renderEntries(header, entries, 'all', []).join('\n').replace(/^\[[ 0-9.]+\] /gm, '');
  t.match(text, 'recv POST /pi.PiCalculator/Calc HTTP/1.1 <HTTP/1.1, 105 octets, exchange 1>\n          host: pi.test\n          content-type: application/json');
  t.match(text, 'recv content, 7 octets <HTTP/1.1, 7 octets, exchange 1>\n          Connect unary request: 7 octets, no envelope\n          {"n":3}');
  t.match(text, 'base64 "AAAAAAIIBQ==" (12 characters) decodes to 7 octets: 00000000020805\n          gRPC-Web frame: flags 0x00, length 2\n          pi.PiRequest {"n":5}');
  t.match(text, 'send chunk of 20 octets <HTTP/1.1, 26 octets, exchange 2>\n          (chunk size line "14" + CRLF, 20 octets of data, CRLF: 26 octets on the wire)');
  t.match(text, 'pi.PiResponse {"value":3.0774859263870087}');
  t.match(text, 'gRPC-Web frame: flags 0x80, length 16\n          trailers "grpc-status: 0\\r\\n"');
  t.match(text, 'send last chunk <HTTP/1.1, 5 octets, exchange 2>');
  const messages = renderEntries(header, entries, 'messages', []).join('\n');
  t.match(messages, /recv message on exchange 2 \(\/pi\.PiCalculator\/Calc\): pi\.PiRequest \{"n":5\}/, 'the messages level: messages only');
  t.notMatch(messages, /gRPC-Web frame/);

  // the entries written out again line by line are the file's lines: the format round-trips
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  t.same(entries.map((e) => ('http1' in e ? http1Line(e.t, e.dir, Buffer.from(e.http1, 'hex')) : '')), lines.slice(1));
  t.same(JSON.parse(lines[0]!), header);
  const old = join(dir, 'old.trace');
  writeFileSync(old, `${JSON.stringify({ h2grpc_trace: 1, role: 'client', started: '2026-01-01T00:00:00.000Z' })}\n{"t":0,"dir":"out","preface":true}\n{"t":1,"dir":"out","hex":"000000040000000000"}\n`);
  t.equal(readTrace(old).entries.length, 2, 'a trace without HTTP/1.1 entries still loads');
  const bad = join(dir, 'bad.trace');
  writeFileSync(bad, `${JSON.stringify({ h2grpc_trace: 1, role: 'client', started: '2026-01-01T00:00:00.000Z' })}\n{"t":0,"dir":"out","http1":"abc"}\n`);
  t.throws(() => readTrace(bad), /bad\.trace:2: "http1" is not an even number of hex digits/);
});

t.test('Http1Parts cuts octets into parts whatever pieces they arrive in', async (t) => {
  const stream = Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab\ncd\r\n3;x=1\r\nxyz\r\n0\r\ngrpc-status: 0\r\n\r\n'
    + 'HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nwxyzHTTP/1.1 204 No Content\r\n\r\n', 'latin1');
  const expected = ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', '5\r\nab\ncd\r\n', '3;x=1\r\nxyz\r\n', '0\r\ngrpc-status: 0\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n', 'wxyz', 'HTTP/1.1 204 No Content\r\n\r\n'];
  const whole = new Http1Parts('response').push(stream).map((b) => b.toString('latin1'));
  t.same(whole, expected, 'in one piece');
  const parts = new Http1Parts('response');
  const bytewise = [...stream].flatMap((b) => parts.push(Buffer.from([b]))).map((b) => b.toString('latin1'));
  t.same(bytewise.filter((p) => p.length > 1), expected.filter((p) => p !== 'wxyz'), 'octet by octet: heads and chunks the same');
  t.equal(bytewise.join(''), stream.toString('latin1'), 'content by length passed on as it came, nothing lost');
  const broken = new Http1Parts('request');
  t.same(broken.push(Buffer.from('NOT HTTP\r\n\r\n')).map(String), ['NOT HTTP\r\n\r\n'], 'octets that do not parse are passed on, uncut');
});

const h2 = (type: number, flags: number, stream: number) => Buffer.from([0, 0, 0, type, flags, 0, 0, 0, stream]).toString('hex');

t.test('the lane model: streams overlap on one HTTP/2 connection, exchanges follow each other on HTTP/1.1', async (t) => {
  const h2Header: TraceHeader = { h2grpc_trace: 1, role: 'client', started: '2026-01-01T00:00:00.000Z' };
  const h2Entries: TraceEntry[] = [
    { t: 0, dir: 'out', preface: true },
    { t: 1, dir: 'out', hex: h2(4, 0, 0) },
    { t: 2, dir: 'out', hex: h2(1, 4, 1) }, { t: 2, dir: 'out', hex: h2(1, 4, 3) }, { t: 2, dir: 'out', hex: h2(0, 1, 1) }, { t: 2, dir: 'out', hex: h2(0, 1, 3) },
    { t: 30, dir: 'in', hex: h2(1, 5, 3) }, { t: 60, dir: 'in', hex: h2(1, 5, 1) },
  ];
  const h1Header: TraceHeader = { h2grpc_trace: 1, role: 'client', started: '2026-01-01T00:00:00.100Z' };
  const request = hex('POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n');
  const response = hex('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
  const h1Entries: TraceEntry[] = [
    { t: 5, dir: 'out', http1: request }, { t: 5, dir: 'out', http1: hex('{}') }, { t: 35, dir: 'in', http1: response },
    { t: 36, dir: 'out', http1: request }, { t: 36, dir: 'out', http1: hex('{}') }, { t: 65, dir: 'in', http1: hex('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n') },
  ];
  const model = laneModel([{ header: h2Header, entries: h2Entries }, { header: h1Header, entries: h1Entries }]);
  t.same(model.lanes, [
    { name: 'connection (connection 1)', connection: 1, blocks: [] },
    { name: 'stream 1 (connection 1)', connection: 1, blocks: [{ from: 2, to: 60, label: 'stream 1', first: 2 }] },
    { name: 'stream 3 (connection 1)', connection: 1, blocks: [{ from: 2, to: 30, label: 'stream 3', first: 3 }] },
    { name: 'HTTP/1.1 connection (connection 2)', connection: 2, blocks: [
      { from: 105, to: 135, label: '1. POST /a → 200', first: 8 },
      { from: 136, to: 165, label: '2. POST /a → 404', first: 11 },
    ] },
  ]);
  t.same(model.laneOf, [0, 0, 1, 2, 1, 2, 2, 1, 3, 3, 3, 3, 3, 3], 'each entry on its lane');
  t.same(model.times, [0, 1, 2, 2, 2, 2, 30, 60, 105, 105, 135, 136, 136, 165], 'the second connection placed 100 ms after the first');
  t.equal(model.end, 165);
  const [s1, s3] = [model.lanes[1]!.blocks[0]!, model.lanes[2]!.blocks[0]!];
  t.ok(s1.from < s3.to && s3.from < s1.to, 'HTTP/2: the streams are in flight at once');
  const [e1, e2] = model.lanes[3]!.blocks;
  t.ok(e1!.to <= e2!.from, 'HTTP/1.1: the second exchange starts after the first has ended');
});

t.test('the trace page draws the lanes and calls a live server (headless chromium)', async (t) => {
  if (!havePeer(t, existsSync('/usr/bin/chromium'), 'the trace page in a browser', 'Debian package chromium')) return;
  const { chromium } = await import('playwright-core');
  const h2 = readTrace(await recordPiCalls([1, 2]));
  const { file } = await recordExchanges(t);
  const h1 = readTrace(file);
  const pageOf = (trace: typeof h1) => ({ ...trace, views: renderEntries(trace.header, trace.entries, 'all', []), octets: annotateEntries(trace.header, trace.entries) });
  const first = pageOf(h2);
  const html = traceHtml(first.header, first.entries, first.views, first.octets, [pageOf(h1)]);
  t.notMatch(html, /<(script|link|img)[^>]+(src|href)=/, 'self-contained: no external resources');
  const path = join(dir, 'lanes.html');
  writeFileSync(path, html);
  const model = laneModel([h2, h1]);

  const live = new Server({ cors: { origins: ['null'] } }).addService(piService, { Calc: calcHandler() });
  const port = await live.listen(0, '127.0.0.1');
  t.teardown(() => live.forceShutdown());
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-lanes]');
  t.equal(await page.locator('#lanes text.lane-name').count(), model.lanes.length, 'a lane per stream and per HTTP/1.1 connection');
  t.same(await page.locator('#lanes text.lane-name').allTextContents(), model.lanes.map((l) => l.name));
  t.equal(await page.locator('#lanes .bar').count(), model.lanes.reduce((n, l) => n + l.blocks.length, 0), 'a bar per stream and exchange');
  t.equal(await page.locator('#lanes .tick').count(), h2.entries.length + h1.entries.length, 'a tick per frame and part');
  await page.locator('#lanes .bar.h1').nth(1).click();
  t.match(await page.locator('#title').innerText(), /recv HTTP\/1\.1 REQUEST in exchange 2:2 \[POST \/pi\.PiCalculator\/Calc HTTP\/1\.1\]/, 'a bar selects its exchange in the list');
  t.match(await page.locator('#view').innerText(), /content-type: application\/grpc-web-text/);

  await page.locator('#live summary').click();
  await page.fill('#live-url', `http://127.0.0.1:${port}`);
  await page.fill('#live-body', '{"n":3}');
  await page.click('#live-call');
  await page.waitForSelector('body[data-live]');
  const connect = await page.locator('#live-out').innerText();
  t.match(connect, /HTTP 200/);
  t.match(connect, '{"value":3.0346151137976114}', 'Connect unary, JSON, from the page');
  await page.selectOption('#live-protocol', 'grpc-web');
  await page.click('#live-call');
  await page.waitForFunction(() => document.querySelector('#live-out')!.textContent!.includes('trailer frame'));
  const web = await page.locator('#live-out').innerText();
  t.match(web, 'message: flags 0x00, length 28: {"value":3.0346151137976114}', 'gRPC-Web, JSON: the message frame');
  t.match(web, /trailer frame: flags 0x80, length \d+: grpc-status: 0/);
  t.same(problems, [], 'no script errors');
});
