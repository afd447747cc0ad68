// RFC 9113's stream rules, one raw-frame test each: §5.1 (half-closed and closed states, and why a stream closed),
// §5.1.1 (stream ids), §5.1.2 (concurrency, half-closed streams included), §6.9.1 (window overflow), §8.1 (early
// responses, trailers), §8.1.1 (content-length), §8.2.1 and §8.3 (field and pseudo-header validation), on the
// server side and, for responses, on the client side.
import net from 'node:net';
import t, { type Test } from 'tap';
import { ErrorCode, type Frame, FrameType, CLIENT_PREFACE } from '../src/frames/index.js';
import { Connection, type HeaderList } from '../src/http2/index.js';
import { Server } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { GET, h2Server, RawPeer, rawServer } from './raw-peer.js';

const code = (f: Frame | undefined) => (f as { errorCode?: number } | undefined)?.errorCode;
const data = (streamId: number, bytes = 'x', endStream = false): Frame => ({ type: FrameType.DATA, streamId, endStream, data: Buffer.from(bytes) });
const windowUpdate = (streamId: number, increment = 100): Frame => ({ type: FrameType.WINDOW_UPDATE, streamId, increment });
const priority = (streamId: number): Frame => ({ type: FrameType.PRIORITY, streamId, priority: { streamDependency: 0, exclusive: false, weight: 16 } });
const rst = (streamId: number, errorCode: number = ErrorCode.CANCEL): Frame => ({ type: FrameType.RST_STREAM, streamId, errorCode });

/** A raw peer connected to our gRPC server serving the pi service. */
async function grpcPeer(t: Test): Promise<RawPeer> {
  const server = new Server();
  server.addService(piService, { Calc: () => ({ value: 1 }) });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  return peer;
}

/** No GOAWAY and no RST_STREAM beyond `rsts` came, and the connection still answers a PING. */
async function untroubled(t: Test, peer: RawPeer, what: string, rsts = 0) {
  t.ok(await peer.alive(), `${what}: the connection goes on`);
  t.equal(peer.received(FrameType.GOAWAY).length, 0, `${what}: no GOAWAY`);
  t.equal(peer.received(FrameType.RST_STREAM).length, rsts, `${what}: no RST_STREAM`);
}

t.test('§5.1 half-closed (remote): DATA and HEADERS are STREAM_CLOSED; WINDOW_UPDATE, PRIORITY, RST_STREAM are fine', async (t) => {
  for (const [what, frame, expect] of [
    ['DATA', data(1), ErrorCode.STREAM_CLOSED],
    ['HEADERS', 'headers', ErrorCode.STREAM_CLOSED],
  ] as const) {
    const { port } = await h2Server(t, {}, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET, true);
    if (frame === 'headers') peer.headers(1, [['x-late', '1']], true);
    else peer.send(frame);
    t.equal(code(await peer.rst(1)), expect, `${what} after END_STREAM: RST_STREAM STREAM_CLOSED`);
    peer.close();
  }
  const { port } = await h2Server(t, {}, false);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, GET, true);
  peer.send(windowUpdate(1));
  peer.send(priority(1));
  await untroubled(t, peer, 'WINDOW_UPDATE and PRIORITY on a half-closed (remote) stream');
  peer.send(rst(1));
  await untroubled(t, peer, 'RST_STREAM on a half-closed (remote) stream');
});

t.test('§5.1 closed by END_STREAM both ways: DATA or HEADERS is a connection error STREAM_CLOSED', async (t) => {
  for (const late of ['DATA', 'HEADERS'] as const) {
    const { port } = await h2Server(t);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET, true);
    t.ok(await peer.waitFor((f) => f.type === FrameType.DATA && (f as { endStream: boolean }).endStream), 'the response ended the stream');
    peer.send(windowUpdate(1));
    peer.send(priority(1));
    peer.send(rst(1, ErrorCode.NO_ERROR));
    await untroubled(t, peer, 'WINDOW_UPDATE, PRIORITY, RST_STREAM on a closed stream');
    if (late === 'DATA') peer.send(data(1));
    else peer.headers(1, GET, true);
    t.equal(code(await peer.goaway()), ErrorCode.STREAM_CLOSED, `${late} on a stream closed both ways: GOAWAY STREAM_CLOSED`);
    peer.close();
  }
});

t.test('§5.1 closed by our RST_STREAM: late frames are ignored for the grace period, then STREAM_CLOSED', async (t) => {
  const resetBy = async (grace: number) => {
    const { port } = await h2Server(t, { limits: { resetStreamGrace: grace } }, false);
    const peer = await RawPeer.connect(port);
    t.teardown(() => peer.close());
    peer.headers(1, [...GET, ['X-Upper', '1']]); // malformed: we reset it
    t.equal(code(await peer.rst(1)), ErrorCode.PROTOCOL_ERROR);
    return peer;
  };
  // a grace no machine is too slow for
  const within = await resetBy(60_000);
  within.send(data(1));
  within.headers(1, [['x-trailer', '1']], true);
  await untroubled(t, within, 'DATA and HEADERS within the grace period', 1);
  // a short one, waited out (a timer only ever fires late)
  const after = await resetBy(50);
  await new Promise((r) => setTimeout(r, 100));
  after.send(data(1));
  await after.waitFor(() => after.received(FrameType.RST_STREAM, 1).length === 2);
  t.equal(code(after.received(FrameType.RST_STREAM, 1)[1]), ErrorCode.STREAM_CLOSED, 'DATA after the grace period: RST_STREAM STREAM_CLOSED');
});

t.test('§5.1 closed by the peer\'s RST_STREAM: DATA or HEADERS afterwards is STREAM_CLOSED', async (t) => {
  for (const late of ['DATA', 'HEADERS'] as const) {
    const { port } = await h2Server(t, {}, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    peer.send(rst(1));
    if (late === 'DATA') peer.send(data(1));
    else peer.headers(1, [['x-trailer', '1']], true);
    t.equal(code(await peer.rst(1)), ErrorCode.STREAM_CLOSED, `${late} after the peer reset the stream`);
    peer.close();
  }
});

t.test('§5.1.1 stream ids: lower than one used before, or reused', async (t) => {
  {
    const { port } = await h2Server(t, {}, false);
    const peer = await RawPeer.connect(port);
    peer.headers(5, GET);
    peer.headers(3, GET);
    t.equal(code(await peer.goaway()), ErrorCode.PROTOCOL_ERROR, 'stream 5 then 3: GOAWAY PROTOCOL_ERROR');
    peer.close();
  }
  {
    const { port } = await h2Server(t);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET, true);
    await peer.waitFor((f) => f.type === FrameType.DATA && (f as { endStream: boolean }).endStream);
    peer.headers(1, GET, true);
    t.equal(code(await peer.goaway()), ErrorCode.STREAM_CLOSED, 'a finished stream id reused: GOAWAY STREAM_CLOSED');
    peer.close();
  }
  {
    const { port } = await h2Server(t, {}, false);
    const peer = await RawPeer.connect(port);
    peer.headers(7, GET);
    peer.send(data(3));
    t.equal(code(await peer.rst(3)), ErrorCode.STREAM_CLOSED, 'DATA on stream 3, implicitly closed by stream 7: STREAM_CLOSED');
    peer.close();
  }
});

t.test('§5.1.2 half-closed streams count against MAX_CONCURRENT_STREAMS', async (t) => {
  const { port } = await h2Server(t, { settings: { maxConcurrentStreams: 2 } }, false);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, GET, true); // half-closed (remote): still counted
  peer.headers(3, GET, true);
  peer.headers(5, GET, true);
  t.equal(code(await peer.rst(5)), ErrorCode.REFUSED_STREAM, 'the third: REFUSED_STREAM');
  peer.send(data(5));
  await untroubled(t, peer, 'DATA the peer sent before it saw REFUSED_STREAM is ignored', 1);
});

t.test('§6.9.1 a stream window above 2^31-1: RST_STREAM FLOW_CONTROL_ERROR, also after an early response', async (t) => {
  const peer = await grpcPeer(t);
  peer.headers(1, [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']]); // answered at once
  await peer.waitFor((f) => f.type === FrameType.DATA && f.streamId === 1 && (f as { endStream: boolean }).endStream);
  peer.send(windowUpdate(1, 2 ** 31 - 1));
  peer.send(windowUpdate(1, 2 ** 31 - 1));
  t.equal(code(await peer.rst(1)), ErrorCode.FLOW_CONTROL_ERROR, 'the stream is still tracked after our END_STREAM');
});

t.test('§8.1 a non-gRPC request gets a normal HTTP/2 response with a text body, and is read to its end', async (t) => {
  const peer = await grpcPeer(t);
  peer.headers(1, [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']], true);
  const headers = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
  const fields = Object.fromEntries(peer.hpackIn.decode((headers as { headerBlock: Uint8Array }).headerBlock));
  t.equal(fields[':status'], '405');
  t.equal(fields['content-type'], 'text/plain; charset=utf-8');
  const body = await peer.waitFor((f) => f.type === FrameType.DATA && f.streamId === 1);
  t.match(Buffer.from((body as { data: Uint8Array }).data).toString(), /This port serves gRPC, gRPC-Web and Connect/);
  t.equal(Number(fields['content-length']), (body as { data: Uint8Array }).data.length, 'content-length matches the body');
  // a POST with the wrong content-type that keeps sending: 415, then its DATA is read and discarded without error
  peer.headers(3, [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', 'x'], ['content-type', 'text/plain']]);
  const refused = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 3);
  t.equal(Object.fromEntries(peer.hpackIn.decode((refused as { headerBlock: Uint8Array }).headerBlock))[':status'], '415');
  peer.send(data(3, 'more'));
  peer.send(data(3, 'end', true));
  await untroubled(t, peer, 'the rest of the request');
});

t.test('§8.1 a gRPC error before the request is complete: Trailers-Only, RST_STREAM NO_ERROR, late DATA ignored', async (t) => {
  const peer = await grpcPeer(t);
  peer.headers(1, [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Nope'], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers']]);
  const trailers = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
  t.equal(Object.fromEntries(peer.hpackIn.decode((trailers as { headerBlock: Uint8Array }).headerBlock))['grpc-status'], '12');
  t.equal(code(await peer.rst(1)), ErrorCode.NO_ERROR);
  peer.send(data(1, '\0\0\0\0\0', true));
  await untroubled(t, peer, 'DATA that crossed our RST_STREAM', 1);
});

t.test('§8.1, §8.1.1, §8.2.1, §8.3: malformed requests are a stream error PROTOCOL_ERROR', async (t) => {
  const cases: Array<[string, (p: RawPeer) => void]> = [
    ['a second HEADERS without END_STREAM', (p) => {
      p.headers(1, GET);
      p.headers(1, [['x-more', '1']]);
    }],
    ['a pseudo-header in trailers', (p) => {
      p.headers(1, GET);
      p.headers(1, [[':path', '/again']], true);
    }],
    ['an empty :path', (p) => p.headers(1, GET.map(([k, v]) => [k, k === ':path' ? '' : v]), true)],
    [':path not beginning with "/"', (p) => p.headers(1, GET.map(([k, v]) => [k, k === ':path' ? 'echo' : v]), true)],
    ['content-length above the DATA', (p) => {
      p.headers(1, [...GET, ['content-length', '10']]);
      p.send(data(1, 'short', true));
    }],
    ['content-length below the DATA', (p) => {
      p.headers(1, [...GET, ['content-length', '2']]);
      p.send(data(1, 'longer'));
    }],
    ['content-length with no DATA at all', (p) => p.headers(1, [...GET, ['content-length', '1']], true)],
    ['a content-length that is not a number', (p) => p.headers(1, [...GET, ['content-length', '1x']], true)],
    ['an upper-case name', (p) => p.headers(1, [...GET, ['X-Upper', '1']], true)],
    ['CR in a name', (p) => p.headers(1, [...GET, ['x-a\rb', '1']], true)],
    ['LF in a name', (p) => p.headers(1, [...GET, ['x-a\nb', '1']], true)],
    ['NUL in a name', (p) => p.headers(1, [...GET, ['x-a\0b', '1']], true)],
    ['a space in a name', (p) => p.headers(1, [...GET, ['x-a b', '1']], true)],
    ['a colon inside a name', (p) => p.headers(1, [...GET, ['x-a:b', '1']], true)],
    ['the octet 0xff in a name', (p) => p.headers(1, [...GET, ['x-\xff', '1']], true)],
    ['an empty name', (p) => p.headers(1, [...GET, ['', '1']], true)],
    ['CR in a value', (p) => p.headers(1, [...GET, ['x-a', 'b\rc']], true)],
    ['LF in a value', (p) => p.headers(1, [...GET, ['x-a', 'b\nc']], true)],
    ['NUL in a value', (p) => p.headers(1, [...GET, ['x-a', 'b\0c']], true)],
    ['a value with leading space', (p) => p.headers(1, [...GET, ['x-a', ' b']], true)],
    ['a value with a trailing tab', (p) => p.headers(1, [...GET, ['x-a', 'b\t']], true)],
    ['a pseudo-header after a regular field', (p) => p.headers(1, [[':method', 'POST'], [':scheme', 'http'], ['x-a', '1'], [':path', '/echo']], true)],
    ['a pseudo-header twice', (p) => p.headers(1, [...GET, [':path', '/twice']], true)],
    ['an unknown pseudo-header', (p) => p.headers(1, [...GET, [':protocol', 'x']], true)],
    ['a response pseudo-header in a request', (p) => p.headers(1, [...GET, [':status', '200']], true)],
    ['a request without :method', (p) => p.headers(1, GET.filter(([k]) => k !== ':method'), true)],
    ['a request without :scheme', (p) => p.headers(1, GET.filter(([k]) => k !== ':scheme'), true)],
    ['a connection-specific field', (p) => p.headers(1, [...GET, ['transfer-encoding', 'chunked']], true)],
    ['te other than "trailers"', (p) => p.headers(1, [...GET, ['te', 'gzip']], true)],
    ['CONNECT with :path', (p) => p.headers(1, [[':method', 'CONNECT'], [':authority', 'x:1'], [':path', '/']], true)],
  ];
  for (const [what, provoke] of cases) {
    const { port } = await h2Server(t, {}, false);
    const peer = await RawPeer.connect(port);
    provoke(peer);
    t.equal(code(await peer.rst(1)), ErrorCode.PROTOCOL_ERROR, `${what}: RST_STREAM PROTOCOL_ERROR`);
    t.ok(await peer.alive(), `${what}: only the stream fails`);
    peer.close();
  }
});

t.test('well-formed edge cases are accepted', async (t) => {
  const cases: Array<[string, HeaderList]> = [
    ['an empty value', [...GET, ['x-empty', '']]],
    ['inner spaces and tabs in a value', [...GET, ['x-a', 'b \t c']]],
    ['every token character in a name', [...GET, ["x-!#$%&'*+-.^_`|~09az", '1']]],
    ['OPTIONS *', [[':method', 'OPTIONS'], [':scheme', 'http'], [':path', '*'], [':authority', 'x']]],
    ['content-length equal to the DATA', [...GET, ['content-length', '0']]],
    ['CONNECT with :authority only', [[':method', 'CONNECT'], [':authority', 'x:1']]],
  ];
  for (const [what, fields] of cases) {
    const { port } = await h2Server(t);
    const peer = await RawPeer.connect(port);
    peer.headers(1, fields, true);
    const response = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
    t.ok(response, `${what}: answered`);
    t.equal(peer.received(FrameType.RST_STREAM).length, 0, `${what}: no RST_STREAM`);
    peer.close();
  }
});

t.test('the client validates responses too: malformed → RST_STREAM PROTOCOL_ERROR', async (t) => {
  const cases: Array<[string, HeaderList]> = [
    ['a response without :status', [['content-type', 'text/plain']]],
    ['a request pseudo-header in a response', [[':status', '200'], [':path', '/']]],
    ['CR in a value', [[':status', '200'], ['x-a', 'b\rc']]],
    ['an upper-case name', [[':status', '200'], ['X-A', '1']]],
    ['a connection-specific field', [[':status', '200'], ['connection', 'close']]],
  ];
  t.equal(CLIENT_PREFACE.length, 24);
  for (const [what, response] of cases) {
    const port = await rawServer(t, (frame, reply, hpack) => {
      if (frame.type === FrameType.HEADERS) reply({ type: FrameType.HEADERS, streamId: frame.streamId, endStream: true, endHeaders: true, headerBlock: hpack.encode(response) });
    });
    const socket = net.connect(port, '127.0.0.1');
    const connection = new Connection(socket, 'client');
    const reset = await new Promise<number>((resolve) => {
      connection.request([[':method', 'POST'], [':scheme', 'http'], [':path', '/'], [':authority', 'x']], {
        onHeaders: () => resolve(-2),
        onData: () => {},
        onReset: (_s, errorCode) => resolve(errorCode),
      }, true);
    });
    t.equal(reset, ErrorCode.PROTOCOL_ERROR, `${what}: the stream fails with PROTOCOL_ERROR`);
    connection.destroy();
  }
});
