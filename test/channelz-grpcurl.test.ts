// Channelz read by stock grpcurl through server reflection: the service listed and described (channelz.proto and the
// well-known files it imports), and the exact counts of known traffic in grpcurl's own ProtoJSON. grpcurl is in no
// package CI installs (neither npm nor Debian), so this file runs only where H2GRPC_GRPCURL or PATH provides one.
import t from 'tap';
import { ChannelzRegistry, createClient } from '../src/grpc/index.js';
import { piService } from '../examples/pi-service.js';
import { knownTraffic, piServer, REQUEST_OCTETS, RESPONSE_OCTETS, WINDOW, type Z } from './channelz-helpers.js';
import { commandWorks, GRPCURL, run } from './peers.js';

const found = commandWorks(GRPCURL, ['-version']);
if (!found && process.env.H2GRPC_GRPCURL) {
  t.fail(`H2GRPC_GRPCURL=${process.env.H2GRPC_GRPCURL} does not run (${GRPCURL} -version failed)`);
} else if (!found) {
  // no t.fail under H2GRPC_REQUIRE_PEERS=1: no registry CI reaches has grpcurl
  t.comment('SKIP channelz read by grpcurl: no grpcurl (set H2GRPC_GRPCURL or put grpcurl on PATH)');
  t.plan(0, 'no grpcurl');
} else {
  t.test('grpcurl reads channelz through reflection: exact counts, streams, messages, windows', async (t) => {
    const registry = new ChannelzRegistry();
    const { port } = await piServer(t, registry, true);
    const target = `127.0.0.1:${port}`;
    const client = createClient(target, piService, { channelz: registry });
    t.teardown(() => client.close());
    await knownTraffic((n) => client.Calc({ n }));

    const grpcurl = async (args: string[]) => {
      const r = await run(GRPCURL, ['-plaintext', ...args]);
      t.equal(r.status, 0, `grpcurl ${args.join(' ')}: exit 0 ${r.stderr}`);
      return r.stdout;
    };
    const channelz = async (method: string, request: Z = {}): Promise<Z> =>
      JSON.parse(await grpcurl(['-d', JSON.stringify(request), target, `grpc.channelz.v1.Channelz/${method}`]));

    // first, before any other grpcurl call ends: then the only calls that ended are the pi calls
    const { server: servers, end } = await channelz('GetServers');
    t.equal(end, true);
    t.equal(servers.length, 1, 'one server');
    const data = servers[0].data;
    t.equal(typeof data.callsStarted, 'string', 'int64 as a string, as ProtoJSON has it');
    // grpcurl keeps its reflection stream open while it calls: it and the GetServers answering are in flight
    t.same([data.callsStarted, data.callsSucceeded, data.callsFailed], ['6', '3', '1'], 'the 4 pi calls (3 OK, 1 failed) and grpcurl\'s 2 in flight');
    t.match(data.lastCallStartedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'a Timestamp in RFC 3339');
    t.equal(data.trace.events[0].description, 'Server created');
    t.equal(data.trace.events[0].severity, 'CT_INFO', 'an enum by its name');
    t.same(servers[0].listenSocket.map((l: Z) => l.name), [target], 'the listen socket');

    const list = (await grpcurl([target, 'list'])).split('\n');
    t.ok(list.includes('grpc.channelz.v1.Channelz'), 'listed: grpc.channelz.v1.Channelz');
    t.ok(list.includes('pi.PiCalculator'), 'listed: pi.PiCalculator');
    const service = await grpcurl([target, 'describe', 'grpc.channelz.v1.Channelz']);
    for (const method of ['GetTopChannels', 'GetServers', 'GetServer', 'GetServerSockets', 'GetChannel', 'GetSubchannel', 'GetSocket']) {
      t.match(service, new RegExp(`rpc ${method} \\( \\.grpc\\.channelz\\.v1\\.${method}Request \\) returns \\( \\.grpc\\.channelz\\.v1\\.${method}Response \\)`), `described: ${method}`);
    }
    // the imports channelz.proto needs, resolved through reflection
    const socketData = await grpcurl([target, 'describe', 'grpc.channelz.v1.SocketData']);
    t.match(socketData, /\.google\.protobuf\.Timestamp last_message_sent_timestamp = 9;/, 'timestamp.proto');
    t.match(socketData, /\.google\.protobuf\.Int64Value local_flow_control_window = 11;/, 'wrappers.proto');
    t.match(await grpcurl([target, 'describe', 'grpc.channelz.v1.ChannelTraceEvent']), /\.google\.protobuf\.Timestamp timestamp = 3;/);
    t.match(await grpcurl([target, 'describe', 'grpc.channelz.v1.SocketOptionTimeout']), /\.google\.protobuf\.Duration duration = 1;/, 'duration.proto');
    t.match(await grpcurl([target, 'describe', 'grpc.channelz.v1.Security.OtherSecurity']), /\.google\.protobuf\.Any value = 2;/, 'any.proto');

    const serverId = servers[0].ref.serverId;
    t.equal((await channelz('GetServer', { server_id: serverId })).server.ref.serverId, serverId, 'GetServer by id');
    const { socketRef, end: socketsEnd } = await channelz('GetServerSockets', { server_id: serverId });
    t.equal(socketsEnd, true);
    t.equal(socketRef.length, 2, 'the pi client\'s connection and this grpcurl\'s');
    // ids grow: the pi client's connection is the older one
    const [ours] = socketRef.sort((a: Z, b: Z) => Number(a.socketId) - Number(b.socketId));
    t.match(ours.name, new RegExp(`^127\\.0\\.0\\.1:${port} -> 127\\.0\\.0\\.1:\\d+$`), 'named local -> remote');
    const { socket } = await channelz('GetSocket', { socket_id: ours.socketId });
    const d = socket.data;
    t.same([d.streamsStarted, d.streamsSucceeded, d.streamsFailed, d.messagesSent, d.messagesReceived], ['4', '4', undefined, '3', '4'],
      'server socket: 4 streams ended normally (streams_failed 0, so left out), 3 responses, 4 requests');
    t.equal(d.localFlowControlWindow, String(WINDOW - REQUEST_OCTETS), 'an Int64Value as its bare value: the client may still send 16 MiB less the requests');
    t.equal(d.remoteFlowControlWindow, String(WINDOW - RESPONSE_OCTETS), 'the server may still send 16 MiB less the responses');
    t.ok(d.lastRemoteStreamCreatedTimestamp && d.lastMessageSentTimestamp && d.lastMessageReceivedTimestamp, 'the timestamps');
    t.same(socket.local.tcpipAddress, { ipAddress: 'fwAAAQ==', port }, 'local: 127.0.0.1 as base64 octets, the server port');
    t.equal(socket.remote.tcpipAddress.ipAddress, 'fwAAAQ==');
    const listen = (await channelz('GetSocket', { socket_id: servers[0].listenSocket[0].socketId })).socket;
    t.same([listen.data, listen.local.tcpipAddress.port], [{}, port], 'the listen socket: an address, no data');

    // the client's side, in the same registry
    const { channel } = await channelz('GetTopChannels');
    t.equal(channel.length, 1, 'one channel');
    t.same([channel[0].data.target, channel[0].data.state.state], [target, 'READY']);
    t.same([channel[0].data.callsStarted, channel[0].data.callsSucceeded, channel[0].data.callsFailed], ['4', '3', '1'], 'the channel: 4, 3, 1');
    const channelId = channel[0].ref.channelId;
    t.same((await channelz('GetChannel', { channel_id: channelId })).channel.ref.channelId, channelId, 'GetChannel by id');
    const subchannelId = channel[0].subchannelRef[0].subchannelId;
    const { subchannel } = await channelz('GetSubchannel', { subchannel_id: subchannelId });
    t.same([subchannel.data.callsStarted, subchannel.data.callsSucceeded, subchannel.data.callsFailed], ['4', '3', '1'], 'the subchannel: 4, 3, 1');
    const dialed = (await channelz('GetSocket', { socket_id: subchannel.socketRef[0].socketId })).socket.data;
    t.same([dialed.streamsStarted, dialed.streamsSucceeded, dialed.messagesSent, dialed.messagesReceived], ['4', '4', '4', '3'], 'client socket: 4 streams, 4 requests, 3 responses');
    t.equal(dialed.peerMaxConcurrentStreams, 1000, 'a uint32 as a number: the server\'s SETTINGS_MAX_CONCURRENT_STREAMS');

    const missing = await run(GRPCURL, ['-plaintext', '-d', '{"socket_id": 99999}', target, 'grpc.channelz.v1.Channelz/GetSocket']);
    t.not(missing.status, 0, 'an unknown socket: grpcurl fails');
    t.match(missing.stderr, /Code: NotFound/, 'with NOT_FOUND');
  });
}
