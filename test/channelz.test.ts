// gRFC A14 channelz, read back as a stranger would: through our Channelz service with our client, through reflection
// by `h2grpc call` and `buf curl`, and as the CLI's tree; and beside grpc-js's channelz for the same traffic.
// Exact counts for known traffic, flow-control windows that the octets sent account for, subchannel traces.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ChannelzRegistry, channelzService, createClient, Server, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { childEnv, commandWorks, H2GRPC_CLI, havePeer, run } from './peers.js';
import { HANG_MS, until } from './wait.js';

type Z = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CHANNELZ_METHODS = ['GetTopChannels', 'GetServers', 'GetServer', 'GetServerSockets', 'GetChannel', 'GetSubchannel', 'GetSocket'] as const;

/** A pi server whose Calc fails for n <= 0, counting into `channelz`. */
async function piServer(t: Test, channelz?: ChannelzRegistry | boolean, reflection = false) {
  const server = new Server({ channelz, reflection });
  server.addService(piService, {
    Calc: ({ n }: { n: number }) => {
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { server, port };
}

/** A Channelz client of `port`, for reading (it counts nowhere). */
function reader(t: Test, port: number) {
  const client = createClient<(typeof CHANNELZ_METHODS)[number]>(`127.0.0.1:${port}`, channelzService);
  t.teardown(() => client.close());
  return client;
}

/** 3 OK calls and 1 failed one. */
async function knownTraffic(calc: (n: number) => Promise<unknown>) {
  for (const n of [1, 2, 3]) await calc(n);
  await calc(0).then(() => { throw new Error('n = 0 should fail'); }, (err: StatusError) => { if (err.code !== Status.INVALID_ARGUMENT) throw err; });
}

const counts = (d: Z) => ({ started: Number(d.calls_started), succeeded: Number(d.calls_succeeded), failed: Number(d.calls_failed) });
const streams = (d: Z) => ({ started: Number(d.streams_started), succeeded: Number(d.streams_succeeded), failed: Number(d.streams_failed), sent: Number(d.messages_sent), received: Number(d.messages_received) });

// each request is a 5-octet prefix and PiRequest{n} (08 0n: 2 octets); each response a prefix and a double (9)
const REQUEST_OCTETS = 4 * (5 + 2);
const RESPONSE_OCTETS = 3 * (5 + 9);
// RFC 9113 §6.9.2: 65535 to start, and both sides grant a connection window of 16 MiB at once
const WINDOW = 16 << 20;

t.test('our client → our server: exact counts, windows, addresses, trace', async (t) => {
  const registry = new ChannelzRegistry();
  const { server, port } = await piServer(t, registry);
  const monitor = await piServer(t, registry); // serves the registry; its own calls count on it, not on `server`
  const client = createClient(`127.0.0.1:${port}`, piService, { channelz: registry });
  t.teardown(() => client.close());
  await knownTraffic((n) => client.Calc({ n }));
  const cz = reader(t, monitor.port);

  const { server: servers, end } = await cz.GetServers({});
  t.equal(end, true);
  t.equal(servers.length, 2, 'two servers in the registry');
  const ours = servers.find((s: Z) => s.listen_socket.some((l: Z) => l.name === `127.0.0.1:${port}`));
  t.same(counts(ours.data), { started: 4, succeeded: 3, failed: 1 }, 'the server: 4 calls started, 3 OK, 1 failed');
  t.ok(ours.data.last_call_started_timestamp, 'last call started: set');
  t.equal(server.channelz, registry, 'server.channelz is the registry it counts into');
  const listen = (await cz.GetSocket({ socket_id: ours.listen_socket[0].socket_id })).socket;
  t.same([...listen.local.tcpip_address.ip_address], [127, 0, 0, 1], 'the listen socket: 127.0.0.1 as 4 octets');
  t.equal(listen.local.tcpip_address.port, port);

  const sockets = await cz.GetServerSockets({ server_id: ours.ref.server_id });
  t.equal(sockets.socket_ref.length, 1, 'one connection accepted');
  const accepted = (await cz.GetSocket({ socket_id: sockets.socket_ref[0].socket_id })).socket;
  t.same(streams(accepted.data), { started: 4, succeeded: 4, failed: 0, sent: 3, received: 4 }, 'server socket: 4 streams ended normally (a failed call still ends its stream), 3 responses, 4 requests');
  t.equal(accepted.data.local_flow_control_window.value, String(WINDOW - RESPONSE_OCTETS), 'server: what it may still send is 16 MiB less the response octets');
  t.equal(accepted.data.remote_flow_control_window.value, String(WINDOW - REQUEST_OCTETS), 'server: what the client may still send is 16 MiB less the request octets');
  t.ok(accepted.data.last_remote_stream_created_timestamp, 'the client opened the streams');
  t.notOk(accepted.data.last_local_stream_created_timestamp, 'the server opened none');
  t.equal(accepted.security, null, 'plaintext: no security');

  const { channel: channels } = await cz.GetTopChannels({});
  t.equal(channels.length, 1, 'one channel');
  const channel = channels[0];
  t.equal(channel.data.target, `127.0.0.1:${port}`);
  t.equal(channel.data.state.state, 'READY');
  t.same(counts(channel.data), { started: 4, succeeded: 3, failed: 1 }, 'the channel: 4, 3, 1');
  const descriptions = (c: Z) => c.data.trace.events.map((e: Z) => e.description);
  t.same(descriptions(channel), ['Channel created', 'Channel Connectivity change to CONNECTING', `Child Subchannel(id:${channel.subchannel_ref[0].subchannel_id}) created`, 'Channel Connectivity change to READY']);
  t.equal(channel.data.trace.events[2].subchannel_ref.subchannel_id, channel.subchannel_ref[0].subchannel_id, 'the event names its child');
  const sub = (await cz.GetSubchannel({ subchannel_id: channel.subchannel_ref[0].subchannel_id })).subchannel;
  t.same(counts(sub.data), { started: 4, succeeded: 3, failed: 1 }, 'the subchannel: 4, 3, 1');
  t.same(descriptions(sub), ['Subchannel created', 'Subchannel Connectivity change to CONNECTING', 'Subchannel Connectivity change to READY']);
  const dialed = (await cz.GetSocket({ socket_id: sub.socket_ref[0].socket_id })).socket;
  t.same(streams(dialed.data), { started: 4, succeeded: 4, failed: 0, sent: 4, received: 3 }, 'client socket: 4 streams, 4 requests, 3 responses');
  t.equal(dialed.data.local_flow_control_window.value, String(WINDOW - REQUEST_OCTETS), 'client: may still send 16 MiB less the request octets');
  t.equal(dialed.data.remote_flow_control_window.value, String(WINDOW - RESPONSE_OCTETS), 'client: granted the server 16 MiB less the response octets');
  t.equal(dialed.remote.tcpip_address.port, port, 'the client socket\'s remote end is the server');
  t.equal(dialed.local.tcpip_address.port, accepted.remote.tcpip_address.port, 'and its local end is what the server saw');
  t.equal(dialed.data.peer_max_concurrent_streams, 1000, 'the server\'s SETTINGS_MAX_CONCURRENT_STREAMS');

  const missing = await cz.GetChannel({ channel_id: 9999 }).catch((err: StatusError) => err);
  t.equal((missing as StatusError).code, Status.NOT_FOUND, 'an unknown id: NOT_FOUND');
});

t.test('a subchannel\'s trace when its server goes away: CONNECTING, READY, IDLE, then TRANSIENT_FAILURE', async (t) => {
  const registry = new ChannelzRegistry();
  const monitor = await piServer(t, registry);
  const target = await piServer(t);
  const client = createClient(`127.0.0.1:${target.port}`, piService, { channelz: registry, backoff: { initialBackoff: 60_000 } });
  t.teardown(() => client.close());
  await client.Calc({ n: 1 });
  target.server.forceShutdown();
  await until(() => client.channel.subchannels[0]?.state === 'IDLE', 'the subchannel IDLE once its connection closed');
  const failed = await client.Calc({ n: 1 }).catch((err: StatusError) => err);
  t.equal((failed as StatusError).code, Status.UNAVAILABLE, 'a call to nobody fails UNAVAILABLE');
  const cz = reader(t, monitor.port);
  const [channel] = (await cz.GetTopChannels({})).channel;
  const sub = (await cz.GetSubchannel({ subchannel_id: channel.subchannel_ref[0].subchannel_id })).subchannel;
  const events = sub.data.trace.events.map((e: Z) => e.description.replace(/ \(.*\)$/, ''));
  t.same(events, [
    'Subchannel created', 'Subchannel Connectivity change to CONNECTING', 'Subchannel Connectivity change to READY', 'Subchannel Connectivity change to IDLE',
    'Subchannel Connectivity change to CONNECTING', 'Subchannel Connectivity change to TRANSIENT_FAILURE',
  ]);
  const failure = sub.data.trace.events.at(-1);
  t.equal(failure.severity, 'CT_WARNING', 'TRANSIENT_FAILURE is a warning');
  t.match(failure.description, /ECONNREFUSED/, 'with why');
  t.equal(sub.data.state.state, 'TRANSIENT_FAILURE');
  t.same(sub.socket_ref, [], 'its socket left with its connection');
  t.same(counts(sub.data), { started: 1, succeeded: 1, failed: 0 }, 'the failed call never reached the subchannel');
  t.same(counts(channel.data), { started: 2, succeeded: 1, failed: 1 }, 'the channel counts it');
});

t.test('paging: max_results 0 and 1, start ids, past the end, bounds', async (t) => {
  const registry = new ChannelzRegistry({ maxTraceEvents: 2 });
  const monitor = await piServer(t, registry);
  const clients = [1, 2, 3].map(() => createClient('127.0.0.1:1', piService, { channelz: registry }));
  t.teardown(() => clients.forEach((c) => c.close()));
  const cz = reader(t, monitor.port);
  const ids = (r: Z) => r.channel.map((c: Z) => Number(c.ref.channel_id));
  const all = await cz.GetTopChannels({ max_results: 0 });
  t.equal(all.channel.length, 3, 'max_results 0: the default page, all three');
  t.equal(all.end, true);
  const [a, b, c] = ids(all);
  t.ok(a! < b! && b! < c!, 'in increasing id order');
  const first = await cz.GetTopChannels({ max_results: 1 });
  t.same([ids(first), first.end], [[a], false], 'max_results 1: one, not the end');
  const second = await cz.GetTopChannels({ start_channel_id: a! + 1, max_results: 1 });
  t.same([ids(second), second.end], [[b], false], 'start past the first: the second');
  const last = await cz.GetTopChannels({ start_channel_id: c, max_results: 1 });
  t.same([ids(last), last.end], [[c], true], 'the last one: end');
  const past = await cz.GetTopChannels({ start_channel_id: c! + 1000 });
  t.same([past.channel, past.end], [[], true], 'start past the end: none, end');
  const negative = await cz.GetTopChannels({ max_results: -1 }).catch((err: StatusError) => err);
  t.equal((negative as StatusError).code, Status.INVALID_ARGUMENT, 'a negative max_results: INVALID_ARGUMENT');
  t.match((negative as StatusError).details, /max_results/);

  // the trace keeps maxTraceEvents, counts all
  await clients[0]!.Calc({ n: 1 }).catch(() => undefined);
  const traced = (await cz.GetChannel({ channel_id: a })).channel.data.trace;
  t.equal(traced.events.length, 2, 'two events kept');
  t.ok(Number(traced.num_events_logged) > 2, `num_events_logged counts every one (${traced.num_events_logged})`);

  // GetServerSockets pages the same way
  const extra = [createClient(`127.0.0.1:${monitor.port}`, piService), createClient(`127.0.0.1:${monitor.port}`, piService)];
  t.teardown(() => extra.forEach((x) => x.close()));
  for (const x of extra) await x.Calc({ n: 1 });
  const [server] = (await cz.GetServers({})).server;
  const socketPage = await cz.GetServerSockets({ server_id: server.ref.server_id, max_results: 1 });
  t.same([socketPage.socket_ref.length, socketPage.end], [1, false], 'one socket of three, not the end');
  const rest = await cz.GetServerSockets({ server_id: server.ref.server_id, start_socket_id: Number(socketPage.socket_ref[0].socket_id) + 1 });
  t.same([rest.socket_ref.length, rest.end], [2, true], 'the other two (the reader\'s and the second client\'s), the end');
  const noServer = await cz.GetServerSockets({ server_id: 123456 }).catch((err: StatusError) => err);
  t.equal((noServer as StatusError).code, Status.NOT_FOUND);
});
