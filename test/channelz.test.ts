// gRFC A14 channelz, read back as a stranger would: through our Channelz service with our client, through reflection
// by `h2grpc call` and `buf curl`, and as the CLI's tree; and beside grpc-js's channelz for the same traffic.
// Exact counts for known traffic, flow-control windows that the octets sent account for, subchannel traces.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn } from 'node:child_process';
import t from 'tap';
import { ChannelzRegistry, createClient, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { counts, knownTraffic, piServer, populated, reader, REQUEST_OCTETS, RESPONSE_OCTETS, streams, WINDOW, type Z } from './channelz-helpers.js';
import { BUF, childEnv, commandWorks, H2GRPC_CLI, havePeer, run } from './peers.js';
import { HANG_MS, until } from './wait.js';

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
  // each end's own receive window (as grpc-go and grpc-js): local, what the peer may still send; remote, what we may
  t.equal(accepted.data.local_flow_control_window.value, String(WINDOW - REQUEST_OCTETS), 'server local: the client may still send 16 MiB less the request octets');
  t.equal(accepted.data.remote_flow_control_window.value, String(WINDOW - RESPONSE_OCTETS), 'server remote: it may still send 16 MiB less the response octets');
  t.ok(accepted.data.last_remote_stream_created_timestamp, 'the client opened the streams');
  t.notOk(accepted.data.last_local_stream_created_timestamp, 'the server opened none');
  t.equal(accepted.security, null, 'plaintext: no security');
  t.equal(Number(accepted.data.peer_max_concurrent_streams), 0, 'no peer_max_concurrent_streams on a server socket (channelz.proto: client side only)');

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
  t.equal(dialed.data.local_flow_control_window.value, String(WINDOW - RESPONSE_OCTETS), 'client local: the server may still send 16 MiB less the response octets');
  t.equal(dialed.data.remote_flow_control_window.value, String(WINDOW - REQUEST_OCTETS), 'client remote: it may still send 16 MiB less the request octets');
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

/** Everything a Channelz service says of the pi server on `port` and of the channel to it, read with our client. */
async function snapshot(cz: ReturnType<typeof reader>, port: number) {
  const server = (await cz.GetServers({})).server.find((s: Z) => s.listen_socket.some((l: Z) => l.name.endsWith(`:${port}`)));
  const [ref] = (await cz.GetServerSockets({ server_id: server.ref.server_id })).socket_ref;
  const accepted = (await cz.GetSocket({ socket_id: ref.socket_id })).socket;
  const channel = (await cz.GetTopChannels({})).channel.find((c: Z) => c.data.target.endsWith(`:${port}`));
  const sub = (await cz.GetSubchannel({ subchannel_id: channel.subchannel_ref[0].subchannel_id })).subchannel;
  const dialed = (await cz.GetSocket({ socket_id: sub.socket_ref[0].socket_id })).socket;
  return { server, accepted, channel, sub, dialed };
}

t.test('grpc-js\'s channelz for the same traffic: the same counts, the same fields populated', async (t) => {
  // grpc-js: its pi server, its client, and its channelz (process-wide) served by a second server
  const piPackage = (grpc.loadPackageDefinition(protoLoader.loadSync(PI_PROTO, { keepCase: true })) as Z).pi;
  const theirServer = new grpc.Server();
  theirServer.addService(piPackage.PiCalculator.service, {
    Calc: (call: Z, callback: grpc.sendUnaryData<unknown>) =>
      call.request.n <= 0 ? callback({ code: grpc.status.INVALID_ARGUMENT, details: 'request number should be positive' }) : callback(null, { value: pi(call.request.n) }),
  });
  const bind = (s: grpc.Server) => new Promise<number>((resolve, reject) => s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const theirPort = await bind(theirServer);
  const admin = new grpc.Server();
  grpc.addAdminServicesToServer(admin);
  const adminPort = await bind(admin);
  const theirClient = new piPackage.PiCalculator(`127.0.0.1:${theirPort}`, grpc.credentials.createInsecure());
  t.teardown(() => {
    theirClient.close();
    theirServer.forceShutdown();
    admin.forceShutdown();
  });
  await knownTraffic((n) => new Promise((resolve, reject) => theirClient.Calc({ n }, (e: Error | null, v: unknown) => (e ? reject(e) : resolve(v)))));
  const theirs = await snapshot(reader(t, adminPort), theirPort);

  // ours, the same traffic
  const registry = new ChannelzRegistry();
  const { port } = await piServer(t, registry);
  const monitor = await piServer(t, registry);
  const client = createClient(`127.0.0.1:${port}`, piService, { channelz: registry });
  t.teardown(() => client.close());
  await knownTraffic((n) => client.Calc({ n }));
  const ours = await snapshot(reader(t, monitor.port), port);

  for (const what of ['server', 'channel', 'sub'] as const) {
    t.same(counts(ours[what].data), counts(theirs[what].data), `${what}: the same call counts`);
    t.same(counts(ours[what].data), { started: 4, succeeded: 3, failed: 1 });
  }
  for (const what of ['accepted', 'dialed'] as const) {
    t.same(streams(ours[what].data), streams(theirs[what].data), `${what} socket: the same stream and message counts`);
  }
  for (const what of ['server', 'channel', 'sub', 'accepted', 'dialed'] as const) {
    const missing = populated(theirs[what]).filter((field) => !populated(ours[what]).includes(field) && !field.startsWith('ref.name'));
    t.same(missing, [], `${what}: every field grpc-js fills, we fill (${populated(ours[what]).length} fields)`);
  }
  // the windows mean the same: local is what the peer may still send (grpc-js starts from 65535, we grant 16 MiB)
  t.equal(Number(theirs.dialed.data.local_flow_control_window.value), 65535 - RESPONSE_OCTETS, 'grpc-js client local: 65535 less the response octets');
  t.equal(Number(ours.dialed.data.local_flow_control_window.value), WINDOW - RESPONSE_OCTETS, 'ours: 16 MiB less the same octets');
  t.equal(Number(theirs.accepted.data.local_flow_control_window.value), 65535 - REQUEST_OCTETS, 'grpc-js server local: 65535 less the request octets');
  t.equal(Number(ours.accepted.data.local_flow_control_window.value), WINDOW - REQUEST_OCTETS, 'ours: 16 MiB less the same octets');
});

const buf = BUF;
const hasBuf = buf !== '' && commandWorks(buf, ['--version']);

t.test('stock readers through reflection: buf curl and h2grpc call', async (t) => {
  const { port } = await piServer(t, true, true);
  const client = createClient(`127.0.0.1:${port}`, piService);
  t.teardown(() => client.close());
  await knownTraffic((n) => client.Calc({ n }));
  // the readers' own calls count too (their reflection streams, and the GetServers in flight, started and not ended:
  // grpc-js counts alike), so: 1 failed call, and every call but the one answering has ended
  const call = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', `127.0.0.1:${port}`, 'grpc.channelz.v1.Channelz/GetServers', '-d', '{}']);
  t.equal(call.status, 0, call.stderr);
  const byCli = JSON.parse(call.stdout);
  t.equal(byCli.end, true);
  const cliCounts = counts({ calls_started: byCli.server[0].data.callsStarted, calls_succeeded: byCli.server[0].data.callsSucceeded, calls_failed: byCli.server[0].data.callsFailed });
  t.equal(typeof byCli.server[0].data.callsStarted, 'string', 'h2grpc call: ProtoJSON, int64 as strings');
  // h2grpc call asks reflection everything on one stream, as grpcurl does: 4 pi calls, 1 reflection, the GetServers
  t.same([cliCounts.started, cliCounts.succeeded, cliCounts.failed], [6, 4, 1], 'the 3 pi calls and the reflection stream OK, 1 failed, GetServers in flight');
  t.match(byCli.server[0].listenSocket[0].name, `127.0.0.1:${port}`);
  if (!havePeer(t, hasBuf, 'buf curl', 'npm package @bufbuild/buf')) return;
  const curl = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '-d', '{}', `http://127.0.0.1:${port}/grpc.channelz.v1.Channelz/GetServers`]);
  t.equal(curl.status, 0, curl.stderr);
  const byBuf = JSON.parse(curl.stdout);
  const bufCounts = counts({ calls_started: byBuf.server[0].data.callsStarted, calls_succeeded: byBuf.server[0].data.callsSucceeded, calls_failed: byBuf.server[0].data.callsFailed });
  t.equal(bufCounts.failed, 1, 'buf curl: still the one failed call');
  // buf keeps its reflection stream open while it calls: two calls in flight
  t.equal(bufCounts.started, bufCounts.succeeded + bufCounts.failed + 2, 'all ended but GetServers and buf\'s reflection stream');
  t.ok(bufCounts.succeeded > cliCounts.succeeded, 'h2grpc call\'s GetServers and buf\'s reflection have ended since, OK');
  t.equal(byBuf.server[0].data.trace.events[0].description, 'Server created');
  const sockets = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '-d', JSON.stringify({ serverId: byBuf.server[0].ref.serverId }), `http://127.0.0.1:${port}/grpc.channelz.v1.Channelz/GetServerSockets`]);
  t.equal(sockets.status, 0, sockets.stderr);
  t.ok(JSON.parse(sockets.stdout).socketRef.length >= 2, 'the pi client\'s connection and buf curl\'s own');
});

t.test('h2grpc channelz: the tree, and --watch until Ctrl-C', async (t) => {
  const registry = new ChannelzRegistry();
  const { port } = await piServer(t, registry);
  const client = createClient(`127.0.0.1:${port}`, piService, { channelz: registry });
  t.teardown(() => client.close());
  await knownTraffic((n) => client.Calc({ n }));
  const tree = await run(process.execPath, [...H2GRPC_CLI, 'channelz', '--plaintext', `127.0.0.1:${port}`]);
  t.equal(tree.status, 0, tree.stderr);
  const lines = tree.stdout.split('\n');
  t.equal(lines[0], `channelz of 127.0.0.1:${port}`);
  t.match(tree.stdout, new RegExp(`└─ channel \\d+  127\\.0\\.0\\.1:${port}  READY\\n {5}calls 4 started, 3 ok, 1 failed`), 'the channel and its calls');
  t.match(tree.stdout, /└─ subchannel \d+ {2}127\.0\.0\.1:\d+ {2}READY\n {8}calls 4 started, 3 ok, 1 failed/, 'its subchannel');
  t.match(tree.stdout, /└─ socket \d+ {2}127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+\n {11}streams 4 started, 4 ok, 0 failed · messages 4 sent, 3 received · keepalives 0\n {11}windows: peer may send 16777174, we may send 16777188/, 'the subchannel\'s socket, its numbers');
  t.match(tree.stdout, /Subchannel Connectivity change to READY/, 'the trace');
  t.match(tree.stdout, /├─ listening \d+ {2}127\.0\.0\.1:\d+/, 'the server listens');
  t.match(tree.stdout, /streams 4 started, 4 ok, 0 failed · messages 3 sent, 4 received/, 'the server\'s side of the connection');

  const none = await run(process.execPath, [...H2GRPC_CLI, 'channelz', '--plaintext', `127.0.0.1:${(await piServer(t)).port}`]);
  t.equal(none.status, 1, 'a server without channelz: exit 1');
  t.match(none.stderr, /does the server serve channelz/);
  const usage = await run(process.execPath, [...H2GRPC_CLI, 'channelz', '--interval', '0', `127.0.0.1:${port}`]);
  t.equal(usage.status, 2, 'an interval out of bounds is a usage error');
  t.match(usage.stderr, /--interval takes a number from 0\.1 to 3600/);

  const watch = spawn(process.execPath, [...H2GRPC_CLI, 'channelz', '--plaintext', '--watch', '--interval', '0.2', `127.0.0.1:${port}`], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => watch.kill('SIGKILL'), HANG_MS);
  let out = '';
  watch.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => watch.on('close', resolve));
  await until(() => out.split('channelz of').length > 2, 'two trees printed');
  watch.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C ends it, exit 0');
  clearTimeout(killer);
});

t.test('examples/pi-server.ts --channelz, read by h2grpc channelz after the tutorial\'s client', async (t) => {
  const server = spawn(process.execPath, ['--import', 'tsx', 'examples/pi-server.ts', '--port', '0', '--channelz'], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => server.kill('SIGKILL'));
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  await until(() => /channelz: npx h2grpc channelz --plaintext 127\.0\.0\.1:\d+\n/.test(out), 'pi-server.ts says where channelz is');
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const client = await run(process.execPath, ['--import', 'tsx', 'examples/pi-client.ts', '--port', String(port)]);
  t.equal(client.status, 0, client.stderr);
  const tree = await run(process.execPath, [...H2GRPC_CLI, 'channelz', '--plaintext', `127.0.0.1:${port}`]);
  t.equal(tree.status, 0, tree.stderr);
  // pi-client.ts: pi(1) … pi(999), pi(0) failing, pi(1) again; then the GetServers answering (started, not ended)
  t.match(tree.stdout, /└─ server \d+\n {5}calls 1002 started, 1000 ok, 1 failed/, '1001 pi calls, 1 failed, and the reader\'s');
  t.equal(tree.stdout.match(/─ socket \d+/g)?.length, 1, 'one connection: the reader\'s (the tutorial client\'s left with it)');
  t.match(tree.stdout, 'channels: none', 'a server alone has no channels');
});
