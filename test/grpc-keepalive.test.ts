// Keepalive and connection lifetimes: a silent peer is found out, ping abuse earns ENHANCE_YOUR_CALM, idle and
// aged connections are drained, and clients reconnect.
import net from 'node:net';
import t from 'tap';
import { ErrorCode, FrameType } from '../src/frames/index.js';
import { createClient, Server, Status } from '../src/grpc/index.js';
import { calcHandler, pi, piService } from '../examples/pi-service.js';
import { RawPeer } from './raw-peer.js';
import { HANG_MS, once } from './wait.js';

t.test('a silent peer is detected by keepalive and its calls fail UNAVAILABLE', async (t) => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => {
    sockets.push(s);
    s.on('data', () => {}); // reads everything, answers nothing
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const client = createClient<'Calc'>(`127.0.0.1:${(silent.address() as net.AddressInfo).port}`, piService, { keepalive: { interval: 100, timeout: 100 } });
  t.teardown(() => client.close());
  await t.rejects(client.Calc({ n: 1 }), { code: Status.UNAVAILABLE, details: /keepalive: no PING ACK within 100 ms/ });
});

t.test('keepalive pings on a healthy connection keep it up', async (t) => {
  const server = new Server();
  server.addService(piService, { Calc: calcHandler({ sleep: 300 }) });
  const port = await server.listen(0);
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { keepalive: { interval: 50, timeout: 1000 } });
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  t.equal((await client.Calc({ n: 10 })).value, pi(10), 'a 300 ms call with pings every 50 ms completes');
});

t.test('a client that pings too often gets GOAWAY ENHANCE_YOUR_CALM', async (t) => {
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  for (let i = 0; i < 5; i++) peer.send({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.alloc(8, i) });
  const goaway = (await peer.goaway()) as { errorCode: number; debugData: Uint8Array } | undefined;
  t.equal(goaway?.errorCode, ErrorCode.ENHANCE_YOUR_CALM);
  t.equal(Buffer.from(goaway!.debugData).toString(), 'too_many_pings');
});

t.test('PINGs between calls that are answered are no strikes (grpc-go: HEADERS or DATA sent clear them)', async (t) => {
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const peer = await RawPeer.connect(port);
  t.teardown(() => peer.close());
  const request: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', 'x'], ['content-type', 'application/grpc'], ['te', 'trailers']];
  // as Go's HTTP/2 client does after each stream it resets: a call, then a PING once no stream is open, ten times
  for (let i = 0, id = 1; i < 10; i++, id += 2) {
    peer.headers(id, request);
    peer.send({ type: FrameType.DATA, streamId: id, endStream: true, data: Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]) });
    await peer.waitFor((f) => f.type === FrameType.HEADERS && f.streamId === id && (f as { endStream: boolean }).endStream);
    peer.send({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.alloc(8, i) });
    await peer.waitFor((f) => f.type === FrameType.PING && (f as { ack: boolean }).ack && Buffer.from((f as { data: Uint8Array }).data).equals(Buffer.alloc(8, i)));
  }
  t.same(peer.received(FrameType.GOAWAY), [], 'no GOAWAY');
  // the strikes still count once nothing is sent between PINGs
  for (let i = 0; i < 5; i++) peer.send({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.alloc(8, 100 + i) });
  const goaway = (await peer.goaway()) as { errorCode: number } | undefined;
  t.equal(goaway?.errorCode, ErrorCode.ENHANCE_YOUR_CALM, 'PINGs with nothing between them still earn ENHANCE_YOUR_CALM');
});

t.test('maxConnectionIdle and maxConnectionAge drain connections; clients reconnect', async (t) => {
  let connections = 0;
  const sockets: net.Socket[] = [];
  const server = new Server({ maxConnectionIdle: 100, maxConnectionAge: 400, maxConnectionAgeGrace: 1000 });
  server.addService(piService, { Calc: calcHandler({ sleep: 10 }) });
  const port = await server.listen(0);
  const handle = server.handle.bind(server);
  server.handle = (socket) => {
    connections++;
    sockets.push(socket as net.Socket);
    return handle(socket);
  };
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  await client.Calc({ n: 1 });
  await once(sockets[0]!, 'close', sockets[0]!.destroyed); // idle past maxConnectionIdle
  t.equal((await client.Calc({ n: 2 }, { waitForReady: true })).value, pi(2));
  t.equal(connections, 2, 'the idle connection was closed and the client reconnected');
  // busy past maxConnectionAge: calls in a row until the aged connection is replaced (bounded), and a few more
  const results: number[] = [];
  const started = Date.now();
  while (connections < 3 && Date.now() - started < HANG_MS) results.push((await client.Calc({ n: 3 }, { waitForReady: true })).value);
  for (let i = 0; i < 5; i++) results.push((await client.Calc({ n: 3 }, { waitForReady: true })).value);
  t.ok(results.every((v) => v === pi(3)), `${results.length} calls in a row all succeeded across the age limit`);
  t.ok(connections >= 3, `an aged connection was replaced (${connections} connections)`);
});

t.test('a client channel closes an idle connection and reconnects on the next call', async (t) => {
  let connections = 0;
  const sockets: net.Socket[] = [];
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  const handle = server.handle.bind(server);
  server.handle = (socket) => {
    connections++;
    sockets.push(socket as net.Socket);
    return handle(socket);
  };
  const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { idleTimeout: 50 });
  t.teardown(() => {
    client.close();
    server.forceShutdown();
  });
  await client.Calc({ n: 1 });
  await once(sockets[0]!, 'close', sockets[0]!.destroyed); // the client closed it when idle
  await client.Calc({ n: 1 });
  t.equal(connections, 2);
});
