// gRFC A79's metrics beyond any call (A94 grpc.subchannel.*, A78 grpc.lb.pick_first.*), read back through the
// real OpenTelemetry SDK: off by default, exact counts of attempts, open connections and disconnections with their
// A94 reasons (a peer's GOAWAY, a reset socket, an unanswered keepalive, our own shutdown), and the names checked.
import net from 'node:net';
import t from 'tap';
import { connectionError, ErrorCode } from '../src/frames/index.js';
import { type ChannelObserver, createClient, INSTRUMENTS, joinObservers, openTelemetry, Server, Status } from '../src/grpc/index.js';
import { closeReason, goawayReason } from '../src/grpc/channel/disconnect-reason.js';
import { pi, piService } from '../examples/pi-service.js';
import { metricsPeer, series } from './telemetry/otel-helpers.js';
import { until } from './wait.js';

const CONNECTIONS = INSTRUMENTS.filter((i) => !i.enabledByDefault).map((i) => i.name);

async function piServer() {
  const server = new Server();
  server.addService(piService, { Calc: ({ n }: { n: number }) => ({ value: pi(n) }) });
  const port = await server.listen(0, '127.0.0.1');
  return { server, port };
}

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A TCP relay to `port` whose client-side sockets the test can reset or silence. */
async function relay(port: number) {
  const sockets: net.Socket[] = [];
  let silent = false;
  const server = net.createServer((inbound) => {
    sockets.push(inbound);
    const outbound = net.connect(port, '127.0.0.1');
    inbound.on('data', (chunk) => silent || outbound.write(chunk));
    outbound.on('data', (chunk) => silent || inbound.write(chunk));
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    reset: () => sockets.forEach((s) => s.resetAndDestroy()),
    silence: () => (silent = true),
    close: () => (sockets.forEach((s) => s.destroy()), new Promise((resolve) => server.close(resolve))),
  };
}

/** The value of each series of the connection instruments, "instrument{attrs}" → value (0-valued kept). */
async function readConnections(peer: ReturnType<typeof metricsPeer>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, metric] of await peer.read()) {
    if (!CONNECTIONS.includes(name)) continue;
    for (const [key, point] of series<number>(metric)) out[`${name}{${key}}`] = point.value;
  }
  return out;
}

t.test('off by default: the channel makes no observer, no connection series', async (t) => {
  const peer = metricsPeer();
  const telemetry = await openTelemetry({ meterProvider: peer.meterProvider });
  t.equal(telemetry.channel?.('dns:///127.0.0.1:1'), undefined, 'no observer for a channel');
  const { server, port } = await piServer();
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry });
  t.teardown(async () => (client.close(), await server.shutdown(), await peer.shutdown()));
  await client.Calc({ n: 1 });
  const names = [...(await peer.read()).keys()];
  t.ok(names.includes('grpc.client.attempt.started'), 'A66 recorded');
  t.same(names.filter((n) => CONNECTIONS.includes(n)), [], 'none of A78/A94');
});

t.test('pick_first: an attempt, an open connection, the peer\'s GOAWAY, then a refused attempt', async (t) => {
  const peer = metricsPeer();
  const telemetry = await openTelemetry({ meterProvider: peer.meterProvider, enableMetrics: CONNECTIONS, optionalLabels: ['grpc.disconnect_error'] });
  const { server, port } = await piServer();
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry });
  t.teardown(async () => (client.close(), await peer.shutdown()));
  const target = `grpc.target=dns:///127.0.0.1:${port}`;
  await client.Calc({ n: 1 });
  t.same(await readConnections(peer), {
    [`grpc.subchannel.connection_attempts_succeeded{${target}}`]: 1,
    [`grpc.lb.pick_first.connection_attempts_succeeded{${target}}`]: 1,
    [`grpc.subchannel.open_connections{${target}}`]: 1,
  }, 'one attempt, one connection open');

  // the server goes: GOAWAY NO_ERROR, then its socket closes
  await server.shutdown();
  await until(async () => (await readConnections(peer))[`grpc.subchannel.open_connections{${target}}`] === 0, 'the connection closed');
  await t.rejects(client.Calc({ n: 1 }), { code: Status.UNAVAILABLE }, 'nothing listens now');
  t.same(await readConnections(peer), {
    [`grpc.subchannel.connection_attempts_succeeded{${target}}`]: 1,
    [`grpc.lb.pick_first.connection_attempts_succeeded{${target}}`]: 1,
    [`grpc.subchannel.open_connections{${target}}`]: 0,
    [`grpc.subchannel.disconnections{grpc.disconnect_error=GOAWAY NO_ERROR,${target}}`]: 1,
    [`grpc.lb.pick_first.disconnections{${target}}`]: 1,
    [`grpc.subchannel.connection_attempts_failed{${target}}`]: 1,
    [`grpc.lb.pick_first.connection_attempts_failed{${target}}`]: 1,
  }, 'a disconnection for the GOAWAY, then a failed attempt');
});

t.test('round_robin: one attempt per address, no pick_first series; closing the client disconnects both', async (t) => {
  const peer = metricsPeer();
  // no optional label asked for: disconnections carry grpc.target alone
  const telemetry = await openTelemetry({ meterProvider: peer.meterProvider, enableMetrics: CONNECTIONS });
  const a = await piServer();
  const b = await piServer();
  t.teardown(async () => (await a.server.shutdown(), await b.server.shutdown(), await peer.shutdown()));
  const address = `ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}`;
  const client = createClient(address, piService, { telemetry, serviceConfig: { loadBalancingConfig: [{ round_robin: {} }] } });
  const target = `grpc.target=${address}`;
  await until(async () => ((await client.Calc({ n: 1 }), client.channel.subchannels.every((s) => s.state === 'READY'))), 'both subchannels READY');
  t.same(await readConnections(peer), {
    [`grpc.subchannel.connection_attempts_succeeded{${target}}`]: 2,
    [`grpc.subchannel.open_connections{${target}}`]: 2,
  }, 'two attempts, two connections');
  client.close();
  await until(async () => (await readConnections(peer))[`grpc.subchannel.open_connections{${target}}`] === 0, 'both closed');
  t.same(await readConnections(peer), {
    [`grpc.subchannel.connection_attempts_succeeded{${target}}`]: 2,
    [`grpc.subchannel.open_connections{${target}}`]: 0,
    [`grpc.subchannel.disconnections{${target}}`]: 2,
  }, 'both disconnected (a "subchannel shutdown", not told without the optional label)');
});

t.test('the reasons of gRFC A94: a reset socket, an unanswered keepalive, our own shutdown', async (t) => {
  const { server, port } = await piServer();
  const between = await relay(port);
  t.teardown(async () => (await between.close(), await server.shutdown()));
  const target = `grpc.target=dns:///127.0.0.1:${between.port}`;

  const labelled = metricsPeer();
  const reset = createClient(`127.0.0.1:${between.port}`, piService, { telemetry: await openTelemetry({ meterProvider: labelled.meterProvider, enableMetrics: ['grpc.subchannel.disconnections'], optionalLabels: ['grpc.disconnect_error'] }) });
  t.teardown(async () => (reset.close(), await labelled.shutdown()));
  await reset.Calc({ n: 1 });
  between.reset();
  await until(async () => Object.keys(await readConnections(labelled)).length > 0, 'the reset told');
  t.same(await readConnections(labelled), { [`grpc.subchannel.disconnections{grpc.disconnect_error=connection reset,${target}}`]: 1 }, 'ECONNRESET: "connection reset"');

  const pinged = metricsPeer();
  const quiet = createClient(`127.0.0.1:${between.port}`, piService, {
    keepalive: { interval: 50, timeout: 200, withoutStreams: true },
    telemetry: await openTelemetry({ meterProvider: pinged.meterProvider, enableMetrics: ['grpc.subchannel.disconnections'], optionalLabels: ['grpc.disconnect_error'] }),
  });
  t.teardown(async () => (quiet.close(), await pinged.shutdown()));
  await quiet.Calc({ n: 1 });
  between.silence();
  await until(async () => Object.keys(await readConnections(pinged)).length > 0, 'the keepalive timeout told');
  t.same(await readConnections(pinged), { [`grpc.subchannel.disconnections{grpc.disconnect_error=connection timed out,${target}}`]: 1 }, 'no PING ACK: "connection timed out"');

  const closing = metricsPeer();
  const closed = createClient(`127.0.0.1:${port}`, piService, { telemetry: await openTelemetry({ meterProvider: closing.meterProvider, enableMetrics: ['grpc.subchannel.disconnections'], optionalLabels: ['grpc.disconnect_error'] }) });
  t.teardown(() => closing.shutdown());
  await closed.Calc({ n: 1 });
  closed.close();
  t.same(await readConnections(closing), { [`grpc.subchannel.disconnections{grpc.disconnect_error=subchannel shutdown,grpc.target=dns:///127.0.0.1:${port}}`]: 1 }, 'the client closed: "subchannel shutdown"');

  const idling = metricsPeer();
  const idle = createClient(`127.0.0.1:${port}`, piService, { idleTimeout: 30, telemetry: await openTelemetry({ meterProvider: idling.meterProvider, enableMetrics: ['grpc.subchannel.disconnections'], optionalLabels: ['grpc.disconnect_error'] }) });
  t.teardown(async () => (idle.close(), await idling.shutdown()));
  await idle.Calc({ n: 1 });
  await until(async () => Object.keys(await readConnections(idling)).length > 0, 'the idle connection closed');
  t.same(await readConnections(idling), { [`grpc.subchannel.disconnections{grpc.disconnect_error=subchannel shutdown,grpc.target=dns:///127.0.0.1:${port}}`]: 1 }, 'idle past idleTimeout, closed by us: "subchannel shutdown"');
});

t.test('each error a connection can close with, in A94\'s words', async (t) => {
  const failure = (code: string) => Object.assign(new Error(code), { code });
  t.equal(closeReason(failure('ECONNRESET')), 'connection reset');
  t.equal(closeReason(failure('EPIPE')), 'socket error', 'a broken pipe: A94 names it a socket error');
  t.equal(closeReason(failure('ETIMEDOUT')), 'connection timed out');
  t.equal(closeReason(new Error('keepalive: no PING ACK within 200 ms; the peer is unreachable')), 'connection timed out');
  t.equal(closeReason(failure('ECONNABORTED')), 'connection aborted');
  t.equal(closeReason(failure('EHOSTUNREACH')), 'socket error', 'any other socket error');
  t.equal(closeReason(connectionError(ErrorCode.FRAME_SIZE_ERROR, 'a frame of 20000 octets')), 'unknown', 'our own protocol error (a numeric code): not a socket error');
  t.equal(closeReason(new Error('the peer answered in HTTP/1.1')), 'unknown', 'no code at all');
  t.equal(closeReason(undefined), 'unknown', 'the peer closed without a word');
  t.equal(goawayReason(0), 'GOAWAY NO_ERROR');
  t.equal(goawayReason(0xb), 'GOAWAY ENHANCE_YOUR_CALM');
  t.equal(goawayReason(0x42), 'GOAWAY UNKNOWN(0x42)', 'a code RFC 9113 does not name');
});

t.test('names checked: an unknown instrument or label is a TypeError naming it; a default one can be disabled', async (t) => {
  await t.rejects(openTelemetry({ enableMetrics: ['grpc.subchannel.open_connection'] }), { name: 'TypeError', message: /no instrument is named "grpc\.subchannel\.open_connection"; the instruments are grpc\.client\.attempt\.started, .*grpc\.subchannel\.open_connections/ });
  await t.rejects(openTelemetry({ disableMetrics: ['nope'] }), { name: 'TypeError', message: /no instrument is named "nope"/ });
  await t.rejects(openTelemetry({ optionalLabels: ['grpc.lb.locality'] }), { name: 'TypeError', message: 'openTelemetry: no instrument has the optional label "grpc.lb.locality"; the optional labels are grpc.disconnect_error' });
  const peer = metricsPeer();
  const { server, port } = await piServer();
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry: await openTelemetry({ meterProvider: peer.meterProvider, disableMetrics: ['grpc.client.call.duration'] }) });
  t.teardown(async () => (client.close(), await server.shutdown(), await peer.shutdown()));
  await client.Calc({ n: 1 });
  t.same([...(await peer.read()).keys()].sort(), ['grpc.client.attempt.duration', 'grpc.client.attempt.rcvd_total_compressed_message_size', 'grpc.client.attempt.sent_total_compressed_message_size', 'grpc.client.attempt.started'], 'the four other client instruments');
  t.same(INSTRUMENTS.map((i) => [i.name, i.enabledByDefault]).filter(([, on]) => on).length, 9, 'A66\'s nine on by default');
});

t.test('joined with other observers, a channel still tells its telemetry', async (t) => {
  const peer = metricsPeer();
  const told: string[] = [];
  const other = { channel: (target: string): ChannelObserver => ({
    connectionAttempt: (ok) => told.push(`attempt ${ok} ${target}`),
    disconnected: (reason) => told.push(`disconnected ${reason}`),
    openConnections: (delta) => told.push(`open ${delta}`),
  }) };
  const telemetry = joinObservers(await openTelemetry({ meterProvider: peer.meterProvider, enableMetrics: ['grpc.subchannel.open_connections'] }), other);
  const { server, port } = await piServer();
  const client = createClient(`127.0.0.1:${port}`, piService, { telemetry });
  t.teardown(async () => (await server.shutdown(), await peer.shutdown()));
  await client.Calc({ n: 1 });
  t.same(await readConnections(peer), { [`grpc.subchannel.open_connections{grpc.target=dns:///127.0.0.1:${port}}`]: 1 }, 'the SDK\'s');
  client.close();
  await until(() => told.length === 4, 'the other observer told of the close');
  t.same(told, [`attempt true dns:///127.0.0.1:${port}`, 'open 1', 'disconnected subchannel shutdown', 'open -1'], 'and the other\'s, in order');
});
