// HTTP/2 vs HTTP/1.1, for real: npx tsx examples/duplexing.ts [--trace] [--trace-file FILE]
// The tutorial's lesson: HTTP/1.1 answers in order, one request at a time per connection ("seniority first"); HTTP/2
// carries many requests at once on one connection and answers each as soon as it is ready ("ability first"). Ten
// Calc calls whose handlers take different times (call n sleeps (11 - n) x 20 ms, so the last one sent is ready
// first) go to one server three ways: gRPC over one HTTP/2 connection, all at once; Connect over one HTTP/1.1
// keep-alive connection, one after another; Connect over HTTP/1.1 with a connection per call (a browser's way
// around it). Each way shows its first call's octets on the wire (frame headers; head lines) and is timed.
// --trace prints the server's side of every connection; --trace-file FILE records them (FILE: HTTP/2, FILE.2: the
// keep-alive one, FILE.3 … FILE.12: one per call); `npx h2grpc trace html FILE FILE.2 FILE.3 …` draws them as lanes
// on one time axis (docs/walkthrough.md, "Duplexing").
import net from 'node:net';
import { flagNames, frameTypeName, readFrameHeader } from '../src/frames/index.js';
import { createClient, Server } from '../src/grpc/index.js';
import { Http1ClientConnection, type Http1Observer } from '../src/http1-connection/index.js';
import type { ConnectionObserver } from '../src/http2/index.js';
import { Http1Parts, Http1View } from '../src/trace/index.js';
import { PiCalculator } from './gen/pi.js';
import { pi, piService, tracing } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

export const CALLS = 10;
export const STEP_MS = 20;
/** How long the handler of call n takes. */
export const delayOf = (n: number) => (CALLS + 1 - n) * STEP_MS;
const PATH = '/pi.PiCalculator/Calc';

const server = new Server({ observer: tracing('server', [piService]) }).addService(PiCalculator, {
  Calc: async ({ n }) => {
    await new Promise((r) => setTimeout(r, delayOf(n)));
    return { value: pi(n) };
  },
});
const port = await server.listen(0, '127.0.0.1');
const address = `127.0.0.1:${port}`;
const ns = Array.from({ length: CALLS }, (_, i) => i + 1);
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');
const clip = (s: string, n = 72) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

console.log(`${CALLS} Calc calls; call n's handler takes (${CALLS + 1} - n) x ${STEP_MS} ms, so the last one sent is ready first.\n`);

// 1. gRPC over HTTP/2: every call at once on one connection, a stream each. A wire tap records each frame's octets.
const frames: Array<{ dir: 'in' | 'out'; bytes: Buffer }> = [];
const tap: ConnectionObserver = { frame: ({ direction, bytes }) => frames.push({ dir: direction, bytes: Buffer.from(bytes) }) };
const client = createClient(address, PiCalculator, { observer: () => tap });
await client.Calc({ n: CALLS }); // connect first (preface, SETTINGS), so the timings below are the calls' alone
frames.length = 0;
let started = process.hrtime.bigint();
const arrived: string[] = [];
await Promise.all(ns.map((n) => client.Calc({ n }).then(() => arrived.push(`n=${n} (${ms(started).toFixed(0)} ms)`))));
const together = ms(started);
client.close();
const streamOf = (f: { bytes: Buffer }) => readFrameHeader(f.bytes, 0).streamId;
const firstStream = frames.map(streamOf).find((s) => s !== 0)!;
console.log(`gRPC over HTTP/2: ${CALLS} calls at once on one connection (streams ${firstStream}, ${firstStream + 2}, … ${firstStream + 2 * (CALLS - 1)})`);
console.log(`  call n=1 on the wire (each frame's 9-octet header: length, type, flags, stream id):`);
for (const f of frames.filter((x) => streamOf(x) === firstStream)) {
  const h = readFrameHeader(f.bytes, 0);
  const flags = flagNames(h.type, h.flags).join(' | ');
  console.log(`    ${f.dir === 'out' ? 'send' : 'recv'} ${hex(f.bytes.subarray(0, 9))}  ${frameTypeName(h.type).padEnd(7)} stream ${h.streamId}, ${String(h.length).padStart(2)} octet${h.length === 1 ? '' : 's'}${flags ? `, ${flags}` : ''}`);
}
const firstHeaders = frames.find((f) => f.dir === 'out' && streamOf(f) === firstStream)!;
console.log(`  (its request fields in ${readFrameHeader(firstHeaders.bytes, 0).length} octets: HPACK sends indexes into the table the first call filled)`);
const order = (dir: 'in' | 'out') => frames.filter((f) => f.dir === dir && streamOf(f) !== 0).map((f) => `${frameTypeName(readFrameHeader(f.bytes, 0).type)[0]}${streamOf(f)}`);
console.log(`  frames sent, in order (H HEADERS, D DATA; the stream): ${order('out').join(' ')}`);
console.log(`  frames received, in order:                          ${order('in').join(' ')}`);
console.log(`  responses came in this order: ${arrived.join(', ')}`);
console.log(`  all done in ${together.toFixed(0)} ms: about the slowest handler's time (${delayOf(1)} ms), not the sum\n`);

/** An HTTP/1.1 connection to the server with a wire tap: each direction's octets cut into parts, as the trace does. */
async function http1Connection(parts?: Array<{ dir: 'in' | 'out'; bytes: Buffer }>) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const cut = { out: new Http1Parts('request'), in: new Http1Parts('response') };
  const recording: Http1Observer | undefined = parts && { http1: (dir, bytes) => parts.push(...cut[dir].push(bytes).map((b) => ({ dir, bytes: b }))) };
  return new Http1ClientConnection(socket, {}, recording);
}

/** One Connect unary call (RFC 9112 request, JSON codec): POST the message, read the bare message back. */
async function connectCall(connection: Http1ClientConnection, n: number): Promise<number> {
  const response = await connection.request('POST', PATH, [['host', address], ['content-type', 'application/json'], ['connect-protocol-version', '1']], Buffer.from(JSON.stringify({ n })));
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.toString()}`);
  return (JSON.parse(response.body.toString()) as { value: number }).value;
}

// 2. Connect over one HTTP/1.1 keep-alive connection: the next request waits for the previous response
const parts: Array<{ dir: 'in' | 'out'; bytes: Buffer }> = [];
const keptAlive = await http1Connection(parts);
started = process.hrtime.bigint();
const inOrder: string[] = [];
for (const n of ns) {
  await connectCall(keptAlive, n);
  inOrder.push(`n=${n} (${ms(started).toFixed(0)} ms)`);
}
const oneAtATime = ms(started);
keptAlive.close();
console.log('Connect over HTTP/1.1: one keep-alive connection, one call after another');
console.log('  call n=1 on the wire (each part: its first line, its size):');
const view = new Http1View('client', () => '');
for (const part of parts) {
  const seen = view.part(part.dir, part.bytes);
  if (seen.exchange !== 1) continue;
  const first = part.bytes.subarray(0, Math.max(0, part.bytes.indexOf('\r\n'))).toString('latin1');
  const what = /HTTP\/1\.1/.test(seen.title) ? `"${first}" + ${seen.lines.length - 1} field lines + CRLF` : `content ${clip(part.bytes.toString('latin1'), 40)}`;
  console.log(`    ${part.dir === 'out' ? 'send' : 'recv'} ${String(part.bytes.length).padStart(3)} octets: ${what}`);
}
console.log(`  (every request carries its whole head again, ${parts[0]!.bytes.length} octets of text)`);
console.log(`  responses came in request order: ${inOrder.join(', ')}`);
console.log(`  all done in ${oneAtATime.toFixed(0)} ms: the sum of the handlers' times, ${(oneAtATime / together).toFixed(1)}x as long as HTTP/2\n`);

// 3. Connect over HTTP/1.1, a connection per call, all at once (browsers open at most 6 per host)
started = process.hrtime.bigint();
const perCall = await Promise.all(ns.map(() => http1Connection()));
await Promise.all(ns.map((n, i) => connectCall(perCall[i]!, n)));
const perConnection = ms(started);
for (const c of perCall) c.close();
console.log(`Connect over HTTP/1.1: a connection per call, ${CALLS} connections at once`);
console.log(`  all done in ${perConnection.toFixed(0)} ms, as fast as HTTP/2 here, at the price of ${CALLS} TCP handshakes (and ${CALLS} TLS ones over https)`);
await server.shutdown();
