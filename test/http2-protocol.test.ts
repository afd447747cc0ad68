// RFC 9113 behaviour of our server connection, driven frame by frame by a raw peer: the preface, the stream
// states, CONTINUATION, flow control, limits, and the error each violation earns.
import net from 'node:net';
import t from 'tap';
import { ErrorCode, type Frame, FrameType } from '../src/frames/index.js';
import { GET, h2Server, RawPeer } from './raw-peer.js';
import { until } from './wait.js';

const server = h2Server;

const code = (f: Frame | undefined) => (f as { errorCode?: number } | undefined)?.errorCode;

t.test('a connection that does not start with the preface gets GOAWAY PROTOCOL_ERROR', async (t) => {
  const { port } = await server(t);
  const peer = await RawPeer.connect(port, false);
  peer.write(Buffer.from('PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n'));
  t.equal(code(await peer.goaway()), ErrorCode.PROTOCOL_ERROR);
  t.ok(await peer.untilClosed(), 'and the connection is closed');
});

t.test('an HTTP/1.1 request is answered in HTTP/1.1: 505 and a line saying the port speaks HTTP/2', async (t) => {
  const { port } = await server(t);
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  await new Promise((r) => socket.on('close', r));
  t.match(text, /^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/, 'the status line comes first: no HTTP/2 octets before it');
  t.match(text, /\r\n\r\nThis port speaks HTTP\/2 only/, 'and the body says why');
  const length = Number(/Content-Length: (\d+)/.exec(text)?.[1]);
  t.equal(Buffer.byteLength(text.split('\r\n\r\n')[1]!, 'latin1'), length, 'Content-Length matches');
});

t.test('the first frame after the preface must be SETTINGS', async (t) => {
  const { port } = await server(t);
  const peer = await RawPeer.connect(port, false);
  peer.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  peer.send({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) });
  t.equal(code(await peer.goaway()), ErrorCode.PROTOCOL_ERROR);
});

t.test('PING is answered with ACK and the same data', async (t) => {
  const { port } = await server(t);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.send({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.from('01234567') });
  const ack = await peer.waitFor((f) => f.type === FrameType.PING && (f as { ack: boolean }).ack);
  t.same(Buffer.from((ack as { data: Uint8Array }).data).toString(), '01234567');
});

t.test('stream state violations', async (t) => {
  const cases: Array<[string, (p: RawPeer) => void, 'goaway' | 'rst', number]> = [
    ['DATA on an idle stream', (p) => p.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.from('x') }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['WINDOW_UPDATE on an idle stream', (p) => p.send({ type: FrameType.WINDOW_UPDATE, streamId: 5, increment: 1 }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['RST_STREAM on an idle stream', (p) => p.send({ type: FrameType.RST_STREAM, streamId: 3, errorCode: 8 }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['HEADERS on an even stream from a client', (p) => p.headers(2, GET), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['a frame between HEADERS and its CONTINUATION', (p) => {
      p.send({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: false, headerBlock: p.hpackOut.encode(GET) });
      p.send({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) });
    }, 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['CONTINUATION without HEADERS', (p) => p.send({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: true, headerBlock: Buffer.from('82', 'hex') }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['PUSH_PROMISE from a client', (p) => p.send({ type: FrameType.PUSH_PROMISE, streamId: 1, endHeaders: true, promisedStreamId: 2, headerBlock: Buffer.from('82', 'hex') }), 'goaway', ErrorCode.PROTOCOL_ERROR],
    ['a frame above SETTINGS_MAX_FRAME_SIZE', (p) => {
      p.headers(1, GET);
      p.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.alloc(16385) });
    }, 'goaway', ErrorCode.FRAME_SIZE_ERROR],
    ['a corrupt HPACK block', (p) => p.send({ type: FrameType.HEADERS, streamId: 1, endStream: true, endHeaders: true, headerBlock: Buffer.from('ff', 'hex') }), 'goaway', ErrorCode.COMPRESSION_ERROR],
    ['WINDOW_UPDATE overflowing the connection window', (p) => p.send({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 - 1 }), 'goaway', ErrorCode.FLOW_CONTROL_ERROR],
    ['DATA after END_STREAM', (p) => {
      p.headers(1, GET, true);
      p.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.from('late') });
    }, 'rst', ErrorCode.STREAM_CLOSED],
    ['trailers without END_STREAM', (p) => {
      p.headers(1, GET);
      p.headers(1, [['x-trailer', '1']]);
    }, 'rst', ErrorCode.PROTOCOL_ERROR],
    ['an upper-case header name', (p) => p.headers(1, [...GET, ['X-Upper', '1']]), 'rst', ErrorCode.PROTOCOL_ERROR],
    ['a request without :path', (p) => p.headers(1, GET.filter(([k]) => k !== ':path')), 'rst', ErrorCode.PROTOCOL_ERROR],
    ['a connection-specific header', (p) => p.headers(1, [...GET, ['connection', 'keep-alive']]), 'rst', ErrorCode.PROTOCOL_ERROR],
    ['WINDOW_UPDATE overflowing a stream window', (p) => {
      p.headers(1, GET);
      p.send({ type: FrameType.WINDOW_UPDATE, streamId: 1, increment: 2 ** 31 - 1 });
    }, 'rst', ErrorCode.FLOW_CONTROL_ERROR],
    ['WINDOW_UPDATE of 0 on a stream', (p) => {
      p.headers(1, GET);
      p.write(Buffer.from('000004080000000001' + '00000000', 'hex'));
    }, 'rst', ErrorCode.PROTOCOL_ERROR],
  ];
  for (const [what, provoke, expect, errorCode] of cases) {
    const { port } = await server(t, {}, false);
    const peer = await RawPeer.connect(port);
    provoke(peer);
    const frame = expect === 'goaway' ? await peer.goaway() : await peer.rst(1);
    t.equal(code(frame), errorCode, `${what}: ${expect === 'goaway' ? 'GOAWAY' : 'RST_STREAM'} with error ${errorCode}`);
    peer.close();
  }
});

t.test('a header block in HEADERS and CONTINUATION frames is reassembled', async (t) => {
  const { port } = await server(t);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  const fields: Array<[string, string]> = [...GET];
  for (let i = 0; i < 100; i++) fields.push([`x-field-${i}`, 'v'.repeat(100)]);
  const block = peer.hpackOut.encode(fields);
  peer.send({ type: FrameType.HEADERS, streamId: 1, endStream: true, endHeaders: false, headerBlock: block.subarray(0, 3000) });
  peer.send({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: false, headerBlock: block.subarray(3000, 6000) });
  peer.send({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: true, headerBlock: block.subarray(6000) });
  const response = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
  t.same(peer.hpackIn.decode((response as { headerBlock: Uint8Array }).headerBlock), [[':status', '200'], ['x-fields', '104']]);
});

t.test('a header list above SETTINGS_MAX_HEADER_LIST_SIZE gets 431, and the connection goes on', async (t) => {
  const { port } = await server(t, { settings: { maxHeaderListSize: 1000 } });
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, [...GET, ['x-big', 'b'.repeat(2000)]], true);
  const refused = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
  t.same(peer.hpackIn.decode((refused as { headerBlock: Uint8Array }).headerBlock), [[':status', '431']]);
  peer.headers(3, GET, true);
  const ok = await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 3);
  t.same(peer.hpackIn.decode((ok as { headerBlock: Uint8Array }).headerBlock), [[':status', '200'], ['x-fields', '4']], 'the HPACK table stayed in step');
});

t.test('streams above SETTINGS_MAX_CONCURRENT_STREAMS are refused with REFUSED_STREAM', async (t) => {
  const { port } = await server(t, { settings: { maxConcurrentStreams: 2 } }, false);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, GET);
  peer.headers(3, GET);
  peer.headers(5, GET);
  t.equal(code(await peer.rst(5)), ErrorCode.REFUSED_STREAM);
  t.notOk(peer.frames.some((f) => f.type === FrameType.RST_STREAM && f.streamId !== 5), 'the first two stay open');
});

t.test('flow control: DATA beyond a window is a FLOW_CONTROL_ERROR', async (t) => {
  {
    const { port } = await server(t, { settings: { initialWindowSize: 100 } }, false);
    const peer = await RawPeer.connect(port);
    peer.headers(1, GET);
    peer.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.alloc(101) });
    t.equal(code(await peer.rst(1)), ErrorCode.FLOW_CONTROL_ERROR, 'beyond the stream window: RST_STREAM');
    peer.close();
  }
  {
    const { port } = await server(t, { connectionWindowSize: 65535 }, false);
    const peer = await RawPeer.connect(port);
    for (let i = 0; i < 5; i++) {
      peer.headers(1 + 2 * i, GET);
      peer.send({ type: FrameType.DATA, streamId: 1 + 2 * i, endStream: false, data: Buffer.alloc(16384) });
    }
    t.equal(code(await peer.goaway()), ErrorCode.FLOW_CONTROL_ERROR, 'beyond the connection window: GOAWAY');
    peer.close();
  }
});

t.test('flow control: WINDOW_UPDATE follows consumption, so a slow reader pushes back', async (t) => {
  const { port, streams } = await server(t, { settings: { initialWindowSize: 65535 }, connectionWindowSize: 65535 }, false);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, GET);
  for (let i = 0; i < 4; i++) peer.send({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.alloc(15000) });
  await peer.alive(); // the DATA has been handled
  t.notOk(peer.frames.some((f) => f.type === FrameType.WINDOW_UPDATE), 'no WINDOW_UPDATE while nothing is consumed');
  streams[0]!.consume(60000);
  const update = await peer.waitFor((f) => f.type === FrameType.WINDOW_UPDATE && f.streamId === 1);
  t.equal((update as { increment: number }).increment, 60000, 'the stream window is given back once consumed');
  t.ok(await peer.waitFor((f) => f.type === FrameType.WINDOW_UPDATE && f.streamId === 0), 'and the connection window');
});

t.test('flow control: we never send beyond the peer window, and SETTINGS_INITIAL_WINDOW_SIZE adjusts open streams', async (t) => {
  const { port } = await server(t);
  const peer = await RawPeer.connect(port, false);
  t.teardown(() => peer.close());
  peer.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 0]] }); // INITIAL_WINDOW_SIZE 0
  peer.headers(1, GET, true);
  await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === 1);
  await peer.alive();
  t.notOk(peer.frames.some((f) => f.type === FrameType.DATA), 'no DATA with a window of 0');
  peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 300]] });
  const sent = () => peer.frames.filter((f) => f.type === FrameType.DATA).reduce((n, f) => n + (f as { data: Uint8Array }).data.length, 0);
  await until(() => sent() >= 300 || peer.closed, '300 octets of DATA');
  await peer.alive(); // and nothing more before the answer to a PING sent after them
  t.equal(sent(), 300, 'exactly the 300 octets the new initial window allows');
  peer.send({ type: FrameType.WINDOW_UPDATE, streamId: 1, increment: 700 });
  const last = await peer.waitFor((f) => f.type === FrameType.DATA && (f as { endStream: boolean }).endStream);
  t.ok(last, 'the rest follows a WINDOW_UPDATE, with END_STREAM');
});

t.test('SETTINGS that are never acknowledged: GOAWAY SETTINGS_TIMEOUT', async (t) => {
  const { port } = await server(t, { settingsTimeout: 100 });
  const peer = await RawPeer.connect(port, false);
  t.teardown(() => peer.close());
  peer.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  peer.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] });
  t.equal(code(await peer.goaway()), ErrorCode.SETTINGS_TIMEOUT);
});

t.test('a GOAWAY from us names the last stream the peer opened', async (t) => {
  const { port, connections } = await server(t, {}, false);
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  peer.headers(1, GET);
  peer.headers(7, GET);
  await peer.alive(); // both streams are open
  connections[0]!.goaway(ErrorCode.NO_ERROR, 'bye');
  const frame = (await peer.goaway()) as { lastStreamId: number; errorCode: number; debugData: Uint8Array };
  t.equal(frame.lastStreamId, 7);
  t.equal(Buffer.from(frame.debugData).toString(), 'bye');
  peer.headers(9, GET, true);
  await peer.alive(); // stream 9 has been handled, if at all
  t.notOk(peer.frames.some((f) => f.streamId === 9), 'streams above last-stream-id are not processed');
});
