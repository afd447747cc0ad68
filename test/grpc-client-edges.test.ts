// The client against servers that answer oddly (gRPC statuscodes.md, compression.md, http-grpc-status-mapping.md):
// too few or too many response messages, compression it cannot read, a status before the messages were read, and
// the grpc-timeout a call sends. Each server here is a raw HTTP/2 peer that writes exactly the frames under test.
import t from 'tap';
import { type Frame, FrameType } from '../src/frames/index.js';
import type { HpackEncoder } from '../src/hpack/index.js';
import { createClient, Status, type StatusError } from '../src/grpc/index.js';
import { PiStreams } from '../examples/gen/pi-streaming.js';
import { piService } from '../examples/pi-service.js';
import { rawServer } from './raw-peer.js';

/** An empty message: a valid response of any method. */
const EMPTY = Buffer.from([0, 0, 0, 0, 0]);
/** pi_streaming.PiResponse{value: 3} (field 2, double) as a gRPC message, uncompressed. */
const RESPONSE = Buffer.from([0, 0, 0, 0, 9, 0x11, 0, 0, 0, 0, 0, 0, 0x08, 0x40]);

/** A server answering every call with `messages`, then trailers (grpc-status 0 unless told otherwise). */
function answering(messages: Buffer[], headers: Array<[string, string]> = [], trailers: Array<[string, string]> = [['grpc-status', '0']]) {
  return (frame: Frame, reply: (...frames: Frame[]) => void, hpack: HpackEncoder) => {
    if (frame.type !== FrameType.HEADERS) return;
    const id = frame.streamId;
    reply(
      { type: FrameType.HEADERS, streamId: id, endStream: false, endHeaders: true, headerBlock: hpack.encode([[':status', '200'], ['content-type', 'application/grpc'], ...headers]) },
      ...messages.map((data): Frame => ({ type: FrameType.DATA, streamId: id, endStream: false, data })),
      { type: FrameType.HEADERS, streamId: id, endStream: true, endHeaders: true, headerBlock: hpack.encode(trailers) },
    );
  };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: StatusError) => e);

t.test('a unary or client-streaming call answered with 0 or 2 messages is UNIMPLEMENTED (cardinality)', async (t) => {
  for (const count of [0, 2]) {
    const port = await rawServer(t, answering(Array.from({ length: count }, () => EMPTY)));
    const client = createClient(`127.0.0.1:${port}`, piService);
    const streams = createClient(`127.0.0.1:${port}`, PiStreams);
    t.teardown(() => (client.close(), streams.close()));
    const unary = await failure(client.Calc({ n: 1 }));
    t.equal(unary?.code, Status.UNIMPLEMENTED, `unary, ${count} messages: UNIMPLEMENTED`);
    t.match(unary?.details, `exactly one response message, not ${count}`);
    const clientStreaming = await failure(streams.Summarize([{ n: 1 }]));
    t.equal(clientStreaming?.code, Status.UNIMPLEMENTED, `client streaming, ${count} messages: UNIMPLEMENTED`);
  }
});

t.test('HTTP 431 without grpc-status is UNKNOWN (http-grpc-status-mapping.md)', async (t) => {
  const port = await rawServer(t, (frame, reply, hpack) => {
    if (frame.type === FrameType.HEADERS) reply({ type: FrameType.HEADERS, streamId: frame.streamId, endStream: true, endHeaders: true, headerBlock: hpack.encode([[':status', '431']]) });
  });
  const client = createClient(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  const err = await failure(client.Calc({ n: 1 }));
  t.equal(err?.code, Status.UNKNOWN);
  t.match(err?.details, 'received HTTP status 431 without grpc-status');
});

t.test('a response the client cannot decompress is INTERNAL, always a StatusError', async (t) => {
  const compressed = Buffer.from(RESPONSE);
  compressed[0] = 1;
  const cases: Array<[string, Array<[string, string]>, RegExp]> = [
    ['an encoding it does not support (grpc-encoding br)', [['grpc-encoding', 'br']], /grpc-encoding br is not supported/],
    ['a compressed message without grpc-encoding', [], /compressed message arrived without grpc-encoding/],
    ['gzip that is not gzip', [['grpc-encoding', 'gzip']], /gzip message does not decompress/],
  ];
  for (const [what, headers, details] of cases) {
    const port = await rawServer(t, answering([compressed], headers));
    const client = createClient(`127.0.0.1:${port}`, piService);
    const streams = createClient(`127.0.0.1:${port}`, PiStreams);
    t.teardown(() => (client.close(), streams.close()));
    const err = await failure(client.Calc({ n: 1 }));
    t.equal(err?.code, Status.INTERNAL, `${what}: INTERNAL (UNIMPLEMENTED is a server's answer)`);
    t.match(err?.details, details);
    // read after the trailers (status OK) arrived: still a StatusError, never undefined
    const call = streams.Approximations({ n: 1 });
    await call.done;
    const thrown = await (async () => {
      try {
        for await (const _ of call);
      } catch (e) {
        return e;
      }
    })();
    t.ok(thrown instanceof Error, `${what}, read after an OK status: the iterator throws an Error`);
    t.equal((thrown as StatusError).code, Status.INTERNAL);
  }
});

t.test('cancel() after the status arrived, with messages unread: they are dropped and reading ends CANCELLED', async (t) => {
  const port = await rawServer(t, answering([RESPONSE, RESPONSE, RESPONSE]));
  const streams = createClient(`127.0.0.1:${port}`, PiStreams);
  t.teardown(() => streams.close());
  const call = streams.Approximations({ n: 3 });
  await call.done; // the trailers are in; nothing was read
  const read: unknown[] = [];
  const iterator = call[Symbol.asyncIterator]();
  read.push((await iterator.next()).value);
  call.cancel();
  const err = await iterator.next().then(() => undefined, (e: StatusError) => e);
  t.equal(read.length, 1, 'one message read before cancel()');
  t.equal(err?.code, Status.CANCELLED, 'the next read: CANCELLED, the two unread messages dropped');
  // all read, then cancel(): nothing to drop, the call stays OK
  const whole = streams.Approximations({ n: 3 });
  const all: unknown[] = [];
  for await (const m of whole) all.push(m);
  whole.cancel();
  t.equal(all.length, 3, 'a call read to its end is not changed by a later cancel()');
});

t.test('grpc-timeout is the time the call was given, however long it waits to be sent', async (t) => {
  const port = await rawServer(t, answering([RESPONSE]));
  // what the client's HPACK encoder writes, through the observer seam
  const sent: string[] = [];
  const client = createClient(`127.0.0.1:${port}`, piService, {
    observer: () => ({ hpack: ({ direction, event }) => direction === 'out' && event.name === 'grpc-timeout' && sent.push(event.value) }),
  });
  t.teardown(() => client.close());
  const started = performance.now();
  const calls = Array.from({ length: 400 }, () => client.Calc({ n: 1 }, { timeout: 5000 }));
  const created = performance.now() - started; // the calls waited for one connection after this
  await Promise.all(calls);
  t.equal(sent.length, 400, 'every call sent grpc-timeout');
  const ms = sent.map((v) => (v.endsWith('m') ? Number(v.slice(0, -1)) : v.endsWith('u') ? Number(v.slice(0, -1)) / 1000 : NaN));
  t.ok(ms.every((m) => m <= 5000 && m >= 5000 - created - 1), `each between ${(5000 - created - 1).toFixed(0)} and 5000 ms (the calls took ${created.toFixed(0)} ms to make): ${Math.min(...ms)}..${Math.max(...ms)}`);
});
