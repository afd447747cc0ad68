// grpc-go 1.33's stock channelz service (Debian), read by our client and by `h2grpc channelz` after known traffic
// (3 OK calls, 1 INVALID_ARGUMENT), beside our server's channelz for the same traffic: the same counts for the
// server and the connection, every field grpc-go fills decoded, and filled by us too unless said why not. And its
// other stock services: reflection (v1alpha only) and health, through `h2grpc list` and `call`.
import t, { type Test } from 'tap';
import { createClient, Status, type StatusError } from '../src/grpc/index.js';
import { counts, populated, reader, streams, type Z } from './channelz-helpers.js';
import { buildGoPeer, ECHO_SERVICE, ourEchoServer, startGoServer } from './go-peer.js';
import { H2GRPC_CLI, run } from './peers.js';

/** 3 OK Unary calls and 1 Fail, from a client of our own that stays connected (the connection read below). */
async function knownTraffic(t: Test, port: number): Promise<void> {
  const client = createClient<'Unary' | 'Fail' | 'Chat'>(`127.0.0.1:${port}`, ECHO_SERVICE);
  t.teardown(() => client.close());
  for (const text of ['a', 'bb', 'ccc']) await client.Unary({ text });
  const failed = await client.Fail({ text: 'x' }).catch((err: StatusError) => err);
  t.equal((failed as StatusError).code, Status.INVALID_ARGUMENT, 'Fail: INVALID_ARGUMENT');
}

/** The server on `port`, its listen socket, and its first connection (the traffic's: the reader connects after). */
async function snapshot(t: Test, port: number) {
  const cz = reader(t, port);
  const servers = (await cz.GetServers({})).server;
  t.equal(servers.length, 1, 'one server');
  const server = servers[0];
  const listen = (await cz.GetSocket({ socket_id: server.listen_socket[0].socket_id })).socket;
  const refs = (await cz.GetServerSockets({ server_id: server.ref.server_id })).socket_ref;
  t.equal(refs.length, 2, 'two connections: the traffic\'s and the reader\'s');
  const accepted = (await cz.GetSocket({ socket_id: refs[0].socket_id })).socket;
  return { server, listen, accepted, byId: (await cz.GetServer({ server_id: server.ref.server_id })).server };
}

/** A copy without the Timestamps before 1970 (grpc-go 1.33's zero time.Time for "never"). */
function withoutYearOne(z: Z): Z {
  return Object.fromEntries(Object.entries(z).filter(([key, v]) => !(key.endsWith('timestamp') && v && Number(v.seconds) < 0)).map(([key, v]) =>
    [key, v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? withoutYearOne(v) : v]));
}

const programs = await buildGoPeer(t, 'grpc-go channelz comparison');
if (programs) {
  t.test('grpc-go\'s channelz and ours for the same traffic: the same counts, the fields decoded', async (t) => {
    const go = await startGoServer(t, programs);
    await knownTraffic(t, go.port);
    const theirs = await snapshot(t, go.port);
    const { port } = await ourEchoServer(t, { channelz: true });
    await knownTraffic(t, port);
    const ours = await snapshot(t, port);

    // the 4 calls, and the GetServers answering (started, not yet ended), on both
    t.same(counts(theirs.server.data), { started: 5, succeeded: 3, failed: 1 }, 'grpc-go\'s server: 5 started (4 and the GetServers answering), 3 OK, 1 failed');
    t.same(counts(ours.server.data), counts(theirs.server.data), 'ours: the same');
    t.same(counts(theirs.byId.data), { started: 9, succeeded: 7, failed: 1 }, 'grpc-go\'s GetServer: and the reader\'s 4 reads before, OK, and itself');
    t.same(counts(ours.byId.data), counts(theirs.byId.data), 'ours: the same');
    t.same(streams(theirs.accepted.data), { started: 4, succeeded: 4, failed: 0, sent: 3, received: 4 }, 'grpc-go\'s connection: 4 streams ended normally (a failed call too), 3 responses, 4 requests');
    t.same(streams(ours.accepted.data), streams(theirs.accepted.data), 'ours: the same');
    for (const [who, s] of [['grpc-go', theirs], ['ours', ours]] as const) {
      const p = who === 'ours' ? port : go.port;
      t.same([...s.listen.local.tcpip_address.ip_address], [127, 0, 0, 1], `${who}: the listen socket, 127.0.0.1 as 4 octets`);
      t.equal(s.listen.local.tcpip_address.port, p, `${who}: its port`);
      t.equal(s.accepted.local.tcpip_address.port, p, `${who}: the connection's local end is the server's port`);
      t.ok(s.accepted.remote.tcpip_address.port > 0, `${who}: its remote end the client's`);
      t.ok(s.accepted.data.last_remote_stream_created_timestamp, `${who}: the client opened streams`);
      t.ok(s.server.data.last_call_started_timestamp, `${who}: last call started, set`);
    }
    // grpc-go 1.33 sends its zero time.Time (year 1) where ours leaves a timestamp out: a server opens no streams
    t.equal(Number(theirs.accepted.data.last_local_stream_created_timestamp.seconds), -62135596800, 'grpc-go: last local stream "never" as 0001-01-01');
    t.equal(ours.accepted.data.last_local_stream_created_timestamp, null, 'ours: left out');

    // a year-1 timestamp is grpc-go's "never", as an absent one is ours
    const fields = (z: Z) => populated(withoutYearOne(z)).filter((f) => !f.startsWith('ref.name'));
    for (const what of ['server', 'listen', 'accepted'] as const) {
      const missing = fields(theirs[what]).filter((f) => !fields(ours[what]).includes(f));
      t.same(missing, what === 'server' ? [] : ['data.option'], `${what}: every field grpc-go fills, we fill, but socket options (${fields(ours[what]).length} fields)`);
    }
    // grpc-go (func_linux.go) describes its sockets' options as Anys: SO_LINGER, SO_RCVTIMEO, SO_SNDTIMEO, TCP_INFO
    const options = theirs.accepted.data.option.map((o: Z) => `${o.name} ${o.additional?.type_url ?? ''}`);
    t.same(options, [
      'SO_LINGER type.googleapis.com/grpc.channelz.v1.SocketOptionLinger',
      'SO_RCVTIMEO type.googleapis.com/grpc.channelz.v1.SocketOptionTimeout',
      'SO_SNDTIMEO type.googleapis.com/grpc.channelz.v1.SocketOptionTimeout',
      'TCP_INFO type.googleapis.com/grpc.channelz.v1.SocketOptionTcpInfo',
    ], 'grpc-go\'s socket options, each an Any our client decodes');

    // h2grpc channelz prints grpc-go's tree: the server's calls, its connections' numbers, no channels
    const tree = await run(process.execPath, [...H2GRPC_CLI, 'channelz', '--plaintext', `127.0.0.1:${go.port}`]);
    t.equal(tree.status, 0, tree.stderr);
    t.match(tree.stdout, new RegExp(`^channelz of 127\\.0\\.0\\.1:${go.port}\\nservers\\n└─ server \\d+\\n {5}calls 10 started, 8 ok, 1 failed, last \\d+ms ago\\n`), 'the server: our 4 calls, the 5 reads so far, the GetServers answering');
    t.match(tree.stdout, new RegExp(`├─ listening \\d+  127\\.0\\.0\\.1:${go.port}\\n`), 'its listen socket');
    t.match(tree.stdout, new RegExp(`─ socket \\d+  127\\.0\\.0\\.1:${go.port} -> 127\\.0\\.0\\.1:\\d+\\n.*streams 4 started, 4 ok, 0 failed · messages 3 sent, 4 received · keepalives 0\\n.*windows: peer may send \\d+, we may send \\d+ · last stream [\\d.]+m?s ago · last message [\\d.]+m?s ago\\n`), 'the traffic\'s connection: its numbers, its last stream (grpc-go\'s year-1 "never" ignored)');
    t.notMatch(tree.stdout, /min ago/, 'no time reads as minutes (or centuries) ago');
    t.match(tree.stdout, /channels: none/, 'a server alone has no channels');
  });
}

if (programs) {
  t.test('grpc-go\'s reflection (v1alpha only, in 1.33) and health, through h2grpc list and call', async (t) => {
    const go = await startGoServer(t, programs);
    const address = `127.0.0.1:${go.port}`;
    const list = await run(process.execPath, [...H2GRPC_CLI, 'list', '--plaintext', address]);
    t.equal(list.status, 0, list.stderr);
    t.equal(list.stdout, 'gogo.EchoService\ngrpc.channelz.v1.Channelz\ngrpc.health.v1.Health\ngrpc.reflection.v1alpha.ServerReflection\n', 'v1 UNIMPLEMENTED, so v1alpha: every service');
    const call = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', address, 'gogo.EchoService/Unary', '-d', '{"text":"hi"}']);
    t.equal(call.status, 0, call.stderr);
    t.same(JSON.parse(call.stdout), { text: 'hi' }, 'the schema grpc-go described (echo.proto, registered by hand in the Go program)');
    const health = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', address, 'grpc.health.v1.Health/Check', '-d', '{}']);
    t.same(JSON.parse(health.stdout), { status: 'SERVING' }, 'grpc-go\'s health service');
  });
}
