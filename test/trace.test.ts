// Traces: the printer on a golden trace, record and replay, the step command driven through stdin, the pcap read by
// Debian's tshark, and a grpc-js client's connection accounted for octet by octet.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import t from 'tap';
import { Server } from '../src/grpc/index.js';
import { readTrace, Tracer } from '../src/trace/index.js';
import { traceToPcap } from '../src/trace/file/pcap.js';
import { renderEntries } from '../src/cli/trace-command.js';
import { calcHandler, pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { childEnv, commandWorks, havePeer, run, H2GRPC_CLI } from './peers.js';
import { recordPiCalls } from './trace-helpers.js';

const GOLDEN = new URL('./golden/pi-call.trace.txt', import.meta.url).pathname;

t.test('the printer on a recorded pi call matches the golden text', async (t) => {
  const file = await recordPiCalls([100, 200]);
  const { header, entries } = readTrace(file);
  t.equal(header.role, 'client');
  const text = renderEntries(header, entries, 'all', []).filter(Boolean).join('\n').replace(/^\[ *[\d.]+\] /gm, '');
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
  t.equal(text, readFileSync(GOLDEN, 'utf8'), 'test/golden/pi-call.trace.txt (UPDATE_GOLDEN=1 rewrites it)');
  t.match(text, /send HEADERS frame <length=99, flags=0x04, stream_id=1>/);
  t.match(text, /pi\.PiRequest \{"n":100\}/);
  t.match(text, /pi\.PiResponse \{"value":3\.1384079670670912\}/);
  t.match(text, /HPACK indexed 66/, 'the second call indexes what the first one added');
});

t.test('levels: messages only', async (t) => {
  const { header, entries } = readTrace(await recordPiCalls([5]));
  const text = renderEntries(header, entries, 'messages', []).filter(Boolean).join('\n');
  t.match(text, /send message on stream 1 \(\/pi\.PiCalculator\/Calc\): pi\.PiRequest \{"n":5\}/);
  t.match(text, /recv message on stream 1 \(\/pi\.PiCalculator\/Calc\): pi\.PiResponse \{"value":3\.0774859263\d*\}/);
  t.notMatch(text, /SETTINGS/);
});

t.test('trace step, driven through stdin: the key map a line at a time', async (t) => {
  const file = await recordPiCalls([100]);
  const child = spawn(process.execPath, [...H2GRPC_CLI, 'trace', 'step', file], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.write('j\n\nk\n4\n/DATA\nt\nn\nG\ng\nzz\n?\nq\n');
  const code = await new Promise((r) => child.on('close', r));
  t.equal(code, 0);
  const total = readTrace(file).entries.length;
  const shown = [...out.matchAll(/── (\d+) of \d+ ─/g)].map((m) => Number(m[1]));
  const data = shown[5]!;
  t.same(shown.slice(0, 5), [1, 2, 3, 2, 4], 'j and Enter step forward, k back, a number jumps');
  t.match(out, `── 1 of ${total} ─`, 'starts at the first entry');
  t.match(out, /octets:\n50 52 49 20 2a 20 48 54 54 50/, 'each entry shows its octets annotated');
  t.match(out, /00 00 07 +length 7\n00 +type DATA/, '/DATA finds the DATA frame, field by field');
  t.equal(shown[6], data, 't shows the same entry again');
  t.match(out, /HPACK dynamic table of what we send: 6 entries, \d+ octets\n {2}\[62\] grpc-accept-encoding: /, 't: both HPACK dynamic tables');
  t.ok(shown[7]! > data, 'n: the next frame of the same stream');
  t.same(shown.slice(8, 10), [total, 1], 'G the last entry, g the first');
  t.match(out, 'no key "zz" (? lists the keys)', 'an unknown key is named');
  t.match(out, /p +the previous frame of the same stream/, '? lists the key map');
  t.match(out, /field block:\n83 +indexed 3: :method: POST/, 'a HEADERS frame shows its field block representation by representation');
});

t.test('tshark reads our pcap: the same frames, streams and header fields as the recorder', async (t) => {
  if (!havePeer(t, commandWorks('tshark', ['--version']), 'tshark', 'Debian package tshark')) return;
  const file = await recordPiCalls([100, 200]);
  const { header, entries } = readTrace(file);
  const pcap = file.replace(/\.trace$/, '.pcap');
  writeFileSync(pcap, traceToPcap(header, entries));
  const result = await run('tshark', ['-r', pcap, '-d', 'tcp.port==8080,http2', '-Y', 'http2', '-T', 'fields', '-E', 'separator=|', '-e', 'http2.type', '-e', 'http2.streamid', '-e', 'http2.header.name', '-e', 'http2.header.value']);
  t.equal(result.status, 0, result.stderr);
  const seen = result.stdout.trim().split('\n').flatMap((line) => {
    const [types, streams] = line.split('|');
    if (!types) return []; // the segment that carries the client preface (tshark's "Magic")
    return types.split(',').map((type, i) => `${type}/${streams!.split(',')[i]}`);
  });
  const ours = entries.filter((e) => 'hex' in e).map((e) => {
    const bytes = Buffer.from((e as { hex: string }).hex, 'hex');
    return `${bytes[3]}/${bytes.readUInt32BE(5) & 0x7fffffff}`;
  });
  t.same(seen, ours, `tshark sees ${seen.length} frames with the same types and streams, in order`);
  t.match(result.stdout, /:path,:authority,te,content-type,user-agent,grpc-accept-encoding\|POST,http,\/pi\.PiCalculator\/Calc,127\.0\.0\.1:8080,trailers,application\/grpc/, 'and the same header fields');
  t.match(result.stdout, /grpc-status\|0/);
});

t.test('a grpc-js client talking to our server: the server trace accounts for every octet', async (t) => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(mkdtempSync(join(tmpdir(), 'h2grpc-trace-')), 'server.trace');
  let socket: net.Socket | undefined;
  let tracer: Tracer | undefined;
  const server = new Server({ observer: (s) => (tracer = new Tracer({ role: 'server', file, socket: s, protos: [PI_PROTO] })) });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  const handle = server.handle.bind(server);
  server.handle = (s) => {
    socket = s as net.Socket;
    return handle(s);
  };
  const pkg = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as any).pi; // eslint-disable-line @typescript-eslint/no-explicit-any
  const client = new pkg.PiCalculator(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  for (const n of [1, 2, 3]) {
    const value = await new Promise<number>((resolve, reject) => client.Calc({ n }, (e: Error | null, r: { value: number }) => (e ? reject(e) : resolve(r.value))));
    t.equal(value, pi(n));
  }
  client.close();
  await new Promise<void>((resolve) => socket!.once('close', () => resolve()));
  await tracer!.close();
  server.forceShutdown();
  const { entries } = readTrace(file);
  const octets = (dir: string) => entries.filter((e) => e.dir === dir).reduce((n, e) => n + ('preface' in e ? 24 : 'hex' in e ? e.hex.length / 2 : 0), 0);
  t.equal(octets('in'), socket!.bytesRead, `all ${socket!.bytesRead} octets grpc-js sent are in the trace (preface and frames)`);
  t.equal(octets('out'), socket!.bytesWritten, `all ${socket!.bytesWritten} octets we sent are in the trace`);
  const text = renderEntries(readTrace(file).header, entries, 'messages', []).join('\n');
  t.match(text, /recv message on stream 1 \(\/pi\.PiCalculator\/Calc\): pi\.PiRequest \{"n":1\}/, 'grpc-js requests decoded in the trace');
});
