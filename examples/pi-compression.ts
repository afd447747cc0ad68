// Compression both ways: npx tsx examples/pi-compression.ts [--deflate]
// The tutorial's Python server could not compress its responses; ours can. The same calls run twice against a pi
// server on a free loopback port, first uncompressed, then with gzip (or deflate) on both sides: Summarize with 999
// requests and Approximations with 999 responses. For each run it prints what crossed the wire: the grpc-encoding
// each side announced, the messages sent compressed (flag 1), and the octets of DATA each way.
import { createClient, type Encoding, Server } from '../src/grpc/index.js';
import { fanOut, TraceRecorder } from '../src/trace/index.js';
import { tracing } from './pi-service.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from './pi-streaming-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const chosen: Encoding = process.argv.includes('--deflate') ? 'deflate' : 'gzip';

async function run(encoding: Encoding): Promise<void> {
  const server = new Server({ compression: encoding, minCompressLength: 0 });
  server.addService(piStreams, streamingHandlers());
  const port = await server.listen(0, '127.0.0.1');
  const recorder = new TraceRecorder();
  const traced = tracing('client', [piStreams], [PI_STREAMING_PROTO]);
  const client = createClient<'Summarize' | 'Approximations'>(`127.0.0.1:${port}`, piStreams, {
    compression: encoding, minCompressLength: 0, observer: (socket) => fanOut(recorder, traced?.(socket)),
  });
  const summary = await client.Summarize(Array.from({ length: 999 }, (_, i) => ({ n: i + 1 })));
  let count = 0;
  for await (const _ of client.Approximations({ n: 999 })) count++;
  console.log(`${encoding}: Summarize took ${summary.count} requests, Approximations gave ${count} responses`);
  for (const direction of ['out', 'in'] as const) {
    const who = direction === 'out' ? 'client -> server' : 'server -> client';
    const announced = recorder.events.flatMap((e) => (e.kind === 'hpack' && e.direction === direction && e.event.name === 'grpc-encoding' ? [e.event.value] : []));
    const payloads = recorder.events.flatMap((e) => (e.kind === 'frame' && e.direction === direction && e.frame.type === 0 ? [(e.frame as { data: Uint8Array }).data] : []));
    const octets = payloads.reduce((n, d) => n + d.length, 0);
    const compressed = payloads.filter((d) => d.length >= 5 && d[0] === 1).length;
    console.log(`  ${who}: grpc-encoding ${[...new Set(announced)].join(', ') || 'identity'}, ${compressed} messages compressed, ${octets} octets of DATA`);
  }
  client.close();
  await server.shutdown();
}

await run('identity');
await run(chosen);
console.log('Each message is compressed on its own (a fresh context each time), so messages of a few octets, like these,');
console.log('grow by the format overhead; larger messages of repetitive content shrink. The server skips messages under');
console.log('minCompressLength (64 octets by default) for that reason; this example sets it to 0 to show every message.');
