// Compression (gRPC compression.md): gzip and deflate both ways, negotiated with grpc-encoding and
// grpc-accept-encoding, with grpc-js in both roles; unknown encodings and compression bombs refused.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { gzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { createClient, type Encoding, frameMessage, Server, type ServerCall, Status } from '../src/grpc/index.js';
import { Connection, type HeaderList } from '../src/http2/index.js';
import { TraceRecorder } from '../src/trace/recorder.js';
import { PI_STREAMING_PROTO, piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import net from 'node:net';

type Methods = 'Calc' | 'Approximations' | 'Summarize';

async function server(t: Test, compression?: Encoding, maxReceiveMessageLength?: number, minCompressLength?: number) {
  const seen: Array<{ encoding?: string; accept?: string }> = [];
  const s = new Server({ compression, maxReceiveMessageLength, minCompressLength });
  const handlers = streamingHandlers({ answerRate: 1 });
  s.addService(piStreams, {
    ...handlers,
    Approximations: (req: { n: number }, call: ServerCall) => {
      seen.push({ encoding: call.metadata.get('x-note') as string });
      return handlers.Approximations(req, call);
    },
  });
  const port = await s.listen(0, '127.0.0.1');
  t.teardown(() => s.forceShutdown());
  return { port, seen };
}

/** Records the frames of a client's connection, to see the compressed flag and grpc-encoding on the wire. */
function tracedClient(port: number, compression?: Encoding, minCompressLength?: number) {
  const recorder = new TraceRecorder();
  const client = createClient<Methods>(`127.0.0.1:${port}`, piStreams, { compression, minCompressLength, observer: () => recorder });
  const headers = (direction: 'in' | 'out') => recorder.events.flatMap((e) => (e.kind === 'hpack' && e.direction === direction ? [[e.event.name, e.event.value] as const] : []));
  const flags = (direction: 'in' | 'out') => recorder.events.filter((e) => e.kind === 'frame' && e.direction === direction && e.frame.type === 0 && (e.frame as { data: Uint8Array }).data.length >= 5)
    .map((e) => (e.kind === 'frame' ? (e.frame as { data: Uint8Array }).data[0] : -1));
  return { client, headers, flags };
}

t.test('gzip and deflate both ways between our client and our server', async (t) => {
  for (const encoding of ['gzip', 'deflate'] as const) {
    const { port } = await server(t, encoding);
    const { client, headers, flags } = tracedClient(port, encoding);
    const summary = await client.Summarize(Array.from({ length: 200 }, (_, i) => ({ n: 1000 + i })));
    t.equal(summary.count, 200, `${encoding}: client streaming`);
    const answers: unknown[] = [];
    for await (const m of client.Approximations({ n: 100 })) answers.push(m);
    t.equal(answers.length, 100, `${encoding}: server streaming`);
    t.ok(headers('out').some(([k, v]) => k === 'grpc-encoding' && v === encoding), `${encoding}: the request says grpc-encoding: ${encoding}`);
    t.ok(headers('out').some(([k, v]) => k === 'grpc-accept-encoding' && v === 'identity,deflate,gzip'), 'and lists what we accept');
    t.ok(headers('in').some(([k, v]) => k === 'grpc-encoding' && v === encoding), `${encoding}: the server compresses its responses too`);
    t.same([...new Set(flags('out'))], [0], 'small requests go uncompressed (flag 0)');
    client.close();
    const eager = await server(t, encoding, undefined, 0);
    const all = tracedClient(eager.port, encoding, 0);
    t.equal((await all.client.Summarize([{ n: 5 }, { n: 6 }])).count, 2);
    for await (const _ of all.client.Approximations({ n: 3 })) void _;
    t.same([...new Set(all.flags('out'))], [1], `${encoding}: with minCompressLength 0 every request message is compressed`);
    t.same([...new Set(all.flags('in'))], [1], `${encoding}: and every response message`);
    all.client.close();
  }
});

t.test('a compressed request (flag 1) is read', async (t) => {
  const { port } = await server(t, 'gzip');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const conn = new Connection(socket, 'client');
  t.teardown(() => conn.destroy());
  const body = gzipSync(Buffer.from(piStreams.methods.Approximations!.serialize({ n: 3 })));
  const trailers = await new Promise<HeaderList>((resolve) => {
    const stream = conn.request([[':method', 'POST'], [':scheme', 'http'], [':path', '/pi_streaming.PiStreams/Approximations'], [':authority', 'x'],
      ['content-type', 'application/grpc'], ['te', 'trailers'], ['grpc-encoding', 'gzip']], {
      onHeaders: (_s, h, end) => end && resolve(h),
      onData: (s, d) => s.consume(d.length),
      onReset: () => resolve([]),
    });
    stream.write(frameMessage(body, true), true);
  });
  t.equal(Object.fromEntries(trailers)['grpc-status'], '0', 'a gzip-compressed request (flag 1) is read');
});

t.test('an unknown grpc-encoding is UNIMPLEMENTED and lists ours', async (t) => {
  const { port } = await server(t);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const conn = new Connection(socket, 'client');
  t.teardown(() => conn.destroy());
  const response = await new Promise<Record<string, string>>((resolve) => {
    conn.request([[':method', 'POST'], [':scheme', 'http'], [':path', '/pi_streaming.PiStreams/Approximations'], [':authority', 'x'],
      ['content-type', 'application/grpc'], ['te', 'trailers'], ['grpc-encoding', 'snappy']], {
      onHeaders: (_s, h) => resolve(Object.fromEntries(h)),
      onData: (s, d) => s.consume(d.length),
      onReset: () => resolve({}),
    }, true);
  });
  t.equal(response['grpc-status'], String(Status.UNIMPLEMENTED));
  t.equal(response['grpc-accept-encoding'], 'identity,deflate,gzip');
  t.match(response['grpc-message'], /snappy/);
});

t.test('a compression bomb gets RESOURCE_EXHAUSTED, not the memory it asks for', async (t) => {
  const { port } = await server(t, undefined, 1024 * 1024);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const conn = new Connection(socket, 'client');
  t.teardown(() => conn.destroy());
  const bomb = gzipSync(Buffer.alloc(512 * 1024 * 1024)); // 512 MiB of zeros in about half a megabyte
  t.ok(bomb.length < 1024 * 1024, `the bomb is ${(bomb.length / 1024).toFixed(0)} KiB on the wire`);
  const before = process.memoryUsage().rss;
  const trailers = await new Promise<Record<string, string>>((resolve) => {
    const stream = conn.request([[':method', 'POST'], [':scheme', 'http'], [':path', '/pi_streaming.PiStreams/Approximations'], [':authority', 'x'],
      ['content-type', 'application/grpc'], ['te', 'trailers'], ['grpc-encoding', 'gzip']], {
      onHeaders: (_s, h, end) => end && resolve(Object.fromEntries(h)),
      onData: (s, d) => s.consume(d.length),
      onReset: () => resolve({}),
    });
    stream.write(frameMessage(bomb, true), true);
  });
  t.equal(trailers['grpc-status'], String(Status.RESOURCE_EXHAUSTED));
  t.match(trailers['grpc-message'], /decompressed message is larger than the limit of 1048576/);
  t.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, 'memory stayed far below the 512 MiB the bomb asks for');
});

t.test('grpc-js interop with compression, both ways', async (t) => {
  const definition = protoLoader.loadSync(PI_STREAMING_PROTO, { keepCase: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = (grpc.loadPackageDefinition(definition) as any).pi_streaming;
  for (const [encoding, code] of [['gzip', 2], ['deflate', 1]] as const) {
    // grpc-js client compressing its requests -> our server compressing every response message
    const { port } = await server(t, encoding, undefined, 0);
    const jsClient = new pkg.PiStreams(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': code });
    const summary = await new Promise<{ count: number }>((resolve, reject) => {
      const call = jsClient.Summarize((err: Error | null, res: { count: number }) => (err ? reject(err) : resolve(res)));
      for (let n = 1; n <= 300; n++) call.write({ n });
      call.end();
    });
    t.equal(summary.count, 300, `${encoding}: grpc-js compressed requests read by our server`);
    const got = await new Promise<number>((resolve, reject) => {
      let count = 0;
      const call = jsClient.Approximations({ n: 50 });
      call.on('data', () => count++);
      call.on('end', () => resolve(count));
      call.on('error', reject);
    });
    t.equal(got, 50, `${encoding}: our compressed responses read by grpc-js`);
    jsClient.close();

    // our client compressing -> grpc-js server compressing
    const jsServer = new grpc.Server({ 'grpc.default_compression_algorithm': code });
    jsServer.addService(pkg.PiStreams.service, {
      Summarize: (call: grpc.ServerReadableStream<{ n: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        let count = 0;
        call.on('data', () => count++);
        call.on('end', () => cb(null, { count, best_n: 0, best_value: 0, error: 0 }));
      },
      Approximations: (call: grpc.ServerWritableStream<{ n: number }, unknown>) => {
        for (let i = 1; i <= call.request.n; i++) call.write({ n: i, value: 'x'.length * i });
        call.end();
      },
      Calc: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
    });
    const jsPort = await new Promise<number>((resolve, reject) => jsServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const { client, headers, flags } = tracedClient(jsPort, encoding, 0);
    t.equal((await client.Summarize(Array.from({ length: 300 }, (_, i) => ({ n: i })))).count, 300, `${encoding}: our compressed requests read by grpc-js`);
    t.same([...new Set(flags('out'))], [1], 'every one of them compressed');
    let count = 0;
    for await (const _ of client.Approximations({ n: 40 })) count++;
    t.equal(count, 40, `${encoding}: grpc-js responses read by us`);
    // grpc-js 1.14's server reads compressed requests but answers identity whatever its options say
    t.ok(headers('in').some(([k, v]) => k === 'grpc-accept-encoding' && v.includes(encoding)), `grpc-js accepts ${encoding}`);
    client.close();
    jsServer.forceShutdown();
  }
});
