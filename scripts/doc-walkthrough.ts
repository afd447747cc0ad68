// The traces of docs/walkthrough.md: real calls over an in-memory pair, printed by the trace printer with the times
// left out, so that the page is the same on every run (npm run docs writes it; npm test checks it).
import { createClient, Metadata, Server, type ServerCall, type ServiceClient } from '../src/grpc/index.js';
import { CLIENT_PREFACE, encodeFrame, FrameType } from '../src/frames/index.js';
import { duplexPair } from '../src/http2/index.js';
import { HpackEncoder } from '../src/hpack/index.js';
import { Tracer } from '../src/trace/index.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { piStreams, streamingHandlers } from '../examples/pi-streaming-service.js';
import { LogSink } from '../examples/gen/log-sink.js';
import { settled } from './settled.js';

type Blocks = string[];

/** A client's transport to `server`: an in-memory pair, one per connection. */
const overPair = (server: Server) => () => {
  const [a, b] = duplexPair();
  server.handle(b);
  return a;
};

/** A server with the pi services, a traced client connection to it, and what the tracer printed, block by block. */
async function traced(role: 'client' | 'server', body: (ctx: { server: Server; client: ServiceClient<'Calc'>; stuck: Promise<void> }) => Promise<void>): Promise<Blocks> {
  const blocks: Blocks = [];
  const tracer = () => new Tracer({ role, levels: ['frames', 'hpack', 'messages'], services: [piService, piStreams], times: false, write: (text) => blocks.push(text) });
  // a larger header list limit than the default, for the CONTINUATION example
  const server = new Server({ observer: role === 'server' ? tracer : undefined, settings: { maxHeaderListSize: 65536 } });
  const calc = calcHandler();
  // Calc(7) never answers, for the cancellation example
  let isStuck!: () => void;
  const stuck = new Promise<void>((r) => (isStuck = r));
  server.addService(piService, { Calc: (req: { n: number }, call: ServerCall) => (req.n === 7 ? (isStuck(), new Promise(() => {})) : calc(req, call)) });
  const client = createClient<'Calc'>('127.0.0.1:8080', piService, {
    createConnection: overPair(server),
    observer: role === 'client' ? tracer : undefined,
  });
  await body({ server, client, stuck });
  await settled(() => blocks.length);
  client.close();
  server.forceShutdown();
  return blocks;
}

const pick = (blocks: Blocks, ...patterns: RegExp[]) => blocks.filter((b) => patterns.some((p) => p.test(b.split('\n')[0]!))).join('\n');

export const walkthroughExamples: Record<string, () => Promise<string>> = {
  'walk-pi-call': async () => (await traced('client', async ({ client }) => void (await client.unary('Calc', { n: 100 })))).join('\n'),
  'walk-bidi': async () => {
    const out: Blocks = [];
    const server = new Server();
    let seed = 7;
    server.addService(piStreams, streamingHandlers({ random: () => ((seed = (seed * 48271) % 2147483647) / 2147483647) }));
    const client = createClient<'Calc'>('127.0.0.1:8080', piStreams, {
      createConnection: overPair(server),
      observer: () => new Tracer({ role: 'client', levels: ['frames', 'hpack', 'messages'], services: [piStreams], times: false, write: (t) => out.push(t) }),
    });
    for await (const _ of client.Calc([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])) void _;
    await settled(() => out.length);
    client.close();
    server.forceShutdown();
    return pick(out, /stream_id=1>/);
  },
  'walk-ping': async () => pick(await traced('client', async ({ client }) => {
    await client.Calc({ n: 1 });
    const connection = await client.channel.getConnection();
    await connection.ping();
  }), /PING frame/),
  'walk-rst': async () => pick(await traced('client', async ({ client, stuck }) => {
    await client.Calc({ n: 1 });
    const controller = new AbortController();
    const pending = client.Calc({ n: 7 }, { signal: controller.signal }).catch(() => {});
    await stuck; // its handler is running
    controller.abort();
    await pending;
  }), /RST_STREAM frame/),
  'walk-goaway': async () => pick(await traced('client', async ({ client, server }) => {
    await client.Calc({ n: 1 });
    await server.shutdown();
  }), /GOAWAY frame/),
  'walk-continuation': async () => pick(await traced('client', async ({ client }) => {
    await client.Calc({ n: 1 }, { metadata: new Metadata({ 'x-big': 'x'.repeat(20000) }) });
  }), /send (HEADERS|CONTINUATION) frame/).replace(/(x{40})x+/g, '$1… (20000 x)'),
  'walk-padded': async () => {
    // our client never pads, so this one is sent by hand: a request whose DATA carries 6 octets of padding,
    // traced on the server's side
    const out: Blocks = [];
    const server = new Server({ observer: () => new Tracer({ role: 'server', levels: ['frames', 'messages'], services: [piService], times: false, write: (t) => out.push(t) }) });
    server.addService(piService, { Calc: calcHandler() });
    const [clientSide, serverSide] = duplexPair();
    server.handle(serverSide);
    clientSide.on('data', () => {});
    const hpack = new HpackEncoder();
    clientSide.write(CLIENT_PREFACE);
    clientSide.write(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }));
    clientSide.write(encodeFrame({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true, headerBlock: hpack.encode([[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1:8080'], ['content-type', 'application/grpc'], ['te', 'trailers']]) }));
    clientSide.write(encodeFrame({ type: FrameType.DATA, streamId: 1, endStream: true, data: Buffer.from('00000000020864', 'hex'), padding: 6 }));
    await settled(() => out.length);
    server.forceShutdown();
    return pick(out, /recv DATA frame/);
  },
  'walk-duplexing': async () => {
    // three calls at once; the handler of n sleeps (4 - n) x 30 ms, so the answers come back n = 3, 2, 1
    const out: Blocks = [];
    const server = new Server();
    server.addService(piService, { Calc: async ({ n }) => (await new Promise((r) => setTimeout(r, (4 - n) * 30)), { value: n }) });
    const client = createClient('127.0.0.1:8080', piService, {
      createConnection: overPair(server),
      observer: () => new Tracer({ role: 'client', levels: ['frames', 'messages'], services: [piService], times: false, write: (t) => out.push(t) }),
    });
    await Promise.all([1, 2, 3].map((n) => client.Calc({ n })));
    await settled(() => out.length);
    client.close();
    server.forceShutdown();
    // one line per frame (its first) and per message: the order is the lesson
    return out.filter((b) => /(HEADERS|DATA) frame|message on stream/.test(b.split('\n')[0]!)).map((b) => b.split('\n')[0]!.replace(/^ +/, '')).join('\n');
  },
  'walk-oneway': async () => {
    // a unary call to the log sink whose Empty nobody reads: what still crosses the wire
    const out: Blocks = [];
    const server = new Server();
    server.addService(LogSink, { Log: () => ({}) });
    const client = createClient('127.0.0.1:8080', LogSink, {
      createConnection: overPair(server),
      observer: () => new Tracer({ role: 'client', levels: ['frames', 'messages'], services: [LogSink], times: false, write: (t) => out.push(t) }),
    });
    await client.Log({ level: 'info', text: 'hello' }); // awaited only so that the trace is complete
    await settled(() => out.length);
    client.close();
    server.forceShutdown();
    return pick(out, /stream_id=1>|message on stream 1/);
  },
};
