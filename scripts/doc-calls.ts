// Real calls recorded for docs/grpc-over-http2.md: our client and our server over an in-memory duplex pair (so the
// octets are the same on every run), the client's connection observed by a TraceRecorder.
import { createClient, type ServiceClient, Metadata, Server, type ServerCall, Status, StatusError } from '../src/grpc/index.js';
import { duplexPair } from '../src/http2/index.js';
import { TraceRecorder, type TraceEvent } from '../src/trace/recorder.js';
import { formatTranscript } from '../src/trace/transcript.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { settled } from './settled.js';

/** Runs `calls` against a fresh pi server and returns the client's recorded events. */
async function record(calls: (client: ServiceClient<'Calc'>, started: Promise<void>) => Promise<void>): Promise<TraceEvent[]> {
  const server = new Server();
  let handlerStarted!: () => void;
  const started = new Promise<void>((r) => (handlerStarted = r));
  const calc = calcHandler();
  server.addService(piService, {
    Calc: async (request: { n: number }, call: ServerCall) => {
      handlerStarted();
      if (request.n === 7) return new Promise(() => {}); // never answers: the client cancels it
      const echo = call.metadata.get('x-request-id');
      if (echo !== undefined) {
        call.sendMetadata(new Metadata({ 'x-request-id': String(echo) }));
        call.trailers.set('x-cost-bin', Buffer.from([0x01, 0x02]));
      }
      return calc(request, call);
    },
  });
  const recorder = new TraceRecorder();
  const client = createClient<'Calc'>('127.0.0.1:8080', piService, {
    createConnection: () => {
      const [clientSide, serverSide] = duplexPair();
      server.handle(serverSide);
      return clientSide;
    },
    observer: () => recorder,
  });
  await calls(client, started);
  await settled(() => recorder.events.length); // the last frames (WINDOW_UPDATE, RST_STREAM) land
  client.close();
  server.forceShutdown();
  return recorder.events;
}

const transcript = (events: TraceEvent[], keep: (e: TraceEvent) => boolean = () => true) =>
  formatTranscript(events.filter(keep), { local: 'client', remote: 'server' });
const onStream = (id: number) => (e: TraceEvent) => e.kind !== 'frame' || e.frame.streamId === id;
const connectionLevel = (e: TraceEvent) => e.kind === 'frame' && e.frame.streamId === 0;

export const callExamples: Record<string, () => Promise<string>> = {
  'call-connection-start': async () => {
    const events = await record(async (client) => void (await client.Calc({ n: 100 })));
    return transcript(events, connectionLevel);
  },
  'call-unary': async () => {
    const events = await record(async (client) => void (await client.Calc({ n: 100 })));
    return transcript(events, (e) => (e.kind === 'frame' ? e.frame.streamId === 1 : e.streamId === 1));
  },
  'call-second': async () => {
    const events = await record(async (client) => {
      await client.Calc({ n: 100 });
      await client.Calc({ n: 200 });
    });
    return transcript(events, (e) => (e.kind === 'frame' ? e.frame.streamId === 3 : e.streamId === 3));
  },
  'call-error': async () => {
    const events = await record(async (client) => {
      await client.Calc({ n: 0 }).catch((err: StatusError) => {
        if (err.code !== Status.INVALID_ARGUMENT) throw err;
      });
    });
    return transcript(events, (e) => (e.kind === 'frame' ? e.frame.streamId === 1 : e.streamId === 1));
  },
  'call-metadata': async () => {
    const events = await record(async (client) => {
      await client.unary('Calc', { n: 3 }, { metadata: new Metadata({ 'x-request-id': 'r-42', 'x-trace-bin': Buffer.from([0xca, 0xfe]) }) });
    });
    return transcript(events, (e) => (e.kind === 'frame' ? e.frame.streamId === 1 && e.frame.type !== 0 : e.streamId === 1));
  },
  'call-cancel': async () => {
    const events = await record(async (client, started) => {
      const controller = new AbortController();
      const pending = client.Calc({ n: 7 }, { signal: controller.signal }).catch((err: StatusError) => err.code);
      await started;
      controller.abort();
      await pending;
    });
    return transcript(events, onStream(1)).split('\n\n').filter((b) => !/WINDOW_UPDATE, stream 0|SETTINGS|PING/.test(b.split('\n')[0]!)).join('\n\n');
  },
};
