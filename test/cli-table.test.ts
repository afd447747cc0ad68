// The real h2grpc command against real servers, one row per behaviour: the arguments, the exit status, and what must
// be on standard output and standard error. A command still running after HANG_MS is killed, and its row fails.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import t from 'tap';
import { Server, type ServerCall, Status, StatusError } from '../src/index.js';
import type { Connection, Http2Stream } from '../src/http2/index.js';
import { EtcdClient, register, type Registrar } from '../src/discovery/index.js';
import { protoSchema } from '../src/cli/cli-schema.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { installed, type LocalService, startEtcd } from '../examples/cache/local-services.js';
import { KitchenService, type KitchenInit } from './fixtures/codegen/gen/kitchen.js';
import { childEnv, commandWorks, H2GRPC_CLI, havePeer, run, type RunResult } from './peers.js';
import { certificate } from './tls-certificate.js';

interface Row {
  /** What the row shows. */
  what: string;
  args: string[];
  /** Written to the command's standard input (then closed); none: standard input is empty. */
  stdin?: string;
  status: number;
  stdout?: RegExp | string;
  stderr?: RegExp | string;
}

/** Only against a hang: a row takes about 1 s, some times that on a busy machine. */
const HANG_MS = 120_000;
t.setTimeout(600_000); // the rows, three at a time, each bounded by HANG_MS

const ours = new Server({
  reflection: true,
  // x-deny: reflection (or: call) refuses the reflection requests (or the call) that carry it: which metadata went where
  interceptors: [async (call, next) => {
    const deny = call.metadata.get('x-deny');
    const reflection = call.method.path.startsWith('/grpc.reflection.');
    if ((deny === 'reflection' && reflection) || (deny === 'call' && !reflection)) throw new StatusError(Status.PERMISSION_DENIED, `x-deny: ${deny}`);
    await next();
  }],
});
// each stream's connection, so a handler can end its whole connection (streams do not hold their connection)
const owners = new WeakMap<Http2Stream, Connection>();
const handle = ours.handle.bind(ours);
ours.handle = (socket) => {
  const connection = handle(socket);
  connection.on('stream', (stream: Http2Stream) => owners.set(stream, connection));
  return connection;
};
ours.addService(piService, {
  Calc: async (request, call: ServerCall) => {
    if (request.n === 13) {
      owners.get(call.stream as Http2Stream)!.destroy(new Error('the server dies mid-call')); // a server process that dies
      return new Promise(() => {});
    }
    if (request.n === 7) {
      throw new StatusError(Status.INVALID_ARGUMENT, 'seven is not allowed', undefined, [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'n', description: 'seven is unlucky' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: { seconds: 2, nanos: 0 } },
      ]);
    }
    if (request.n === 21) return calcHandler({ sleep: 1500 })(request, call); // long enough for keepalive PINGs
    return calcHandler()(request, call);
  },
});
const bare = new Server().addService(piService, { Calc: calcHandler() }); // no reflection
const kitchen = new Server().addService(KitchenService, { Put: (request) => request as KitchenInit }); // echoes
const local = new Server({ reflection: true }).addService(piService, { Calc: calcHandler() }); // on a unix socket
const six = new Server({ reflection: true }).addService(piService, { Calc: calcHandler() }); // on ::1, for ipv6: targets
const silent = net.createServer(() => {}); // accepts, never says anything
const sockets = new Set<net.Socket>();
silent.on('connection', (s) => sockets.add(s));
const http1 = http.createServer((_request, response) => response.end('hello')); // an HTTP/1.1 server
const scratch = mkdtempSync(join(tmpdir(), 'h2grpc-cli-table-'));
const SOCKET = join(scratch, 'pi.sock');
let etcd: LocalService | undefined;
let etcdClient: EtcdClient | undefined;
let registrar: Registrar | undefined;
/** A CA, a server certificate for pi.test (not for 127.0.0.1) and a client certificate, made with openssl. */
let pki: string | undefined;
let mutual: Server | undefined; // TLS, asks for a client certificate

function makePki(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-subj', '/CN=h2grpc test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:pi.test\n');
  for (const [name, ext] of [['server', ['-extfile', 'san.ext']], ['client', []]] as const) {
    openssl('req', ...ec, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', ...ext, '-out', `${name}.pem`);
  }
}

t.before(async () => {
  await ours.listen(0);
  await bare.listen(0);
  await kitchen.listen(0);
  await local.listen({ path: SOCKET });
  await six.listen(0, '::1');
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http1.listen(0, '127.0.0.1', resolve));
  if (commandWorks('openssl', ['version'])) {
    pki = join(scratch, 'pki');
    execFileSync('mkdir', [pki]);
    makePki(pki);
    const pem = (f: string) => readFileSync(join(pki!, f));
    // the listener hands the TLS options to node:tls as they are: requestCert passes through the type's narrower view
    const tls = { key: pem('server.key'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true };
    mutual = new Server({ reflection: true, tls });
    mutual.addService(piService, { Calc: calcHandler() });
    await mutual.listen(0);
  }
  if (installed('etcd')) {
    etcd = await startEtcd();
    etcdClient = new EtcdClient(etcd.url);
    registrar = await register({ etcd: etcdClient, service: 'pi', address: `127.0.0.1:${portOf(ours)}`, ttl: 60 });
  }
});
t.teardown(async () => {
  ours.forceShutdown();
  bare.forceShutdown();
  kitchen.forceShutdown();
  local.forceShutdown();
  six.forceShutdown();
  mutual?.forceShutdown();
  for (const s of sockets) s.destroy();
  silent.close();
  http1.close();
  await registrar?.close();
  etcdClient?.close();
  await etcd?.close();
});

const portOf = (s: Server | net.Server) => (s instanceof Server ? (s as unknown as { listener: net.Server }).listener.address() as net.AddressInfo : s.address() as net.AddressInfo).port;

/** The command with `input` on its standard input. */
function runWithInput(args: string[], input: string, timeout: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

t.test('every row', async (t) => {
  const A = `127.0.0.1:${portOf(ours)}`;
  const BARE = `127.0.0.1:${portOf(bare)}`;
  const KITCHEN = `127.0.0.1:${portOf(kitchen)}`;
  const SILENT = `127.0.0.1:${portOf(silent)}`;
  const HTTP1 = `127.0.0.1:${portOf(http1)}`;
  const free = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const CLOSED = `127.0.0.1:${free}`;
  const CALC = 'pi.PiCalculator/Calc';
  const traces = mkdtempSync(join(tmpdir(), 'h2grpc-cli-trace-'));
  const broken = join(traces, 'broken.trace');
  writeFileSync(broken, '{"h2grpc_trace":1,"role":"client","started":"2026-01-01T00:00:00Z"}\n\n{"t":0,"dir":"out","preface":true}\n{"t":1,"dir":"out","hex":"00000004\n');
  const badHex = join(traces, 'hex.trace');
  writeFileSync(badHex, '{"h2grpc_trace":1,"role":"client","started":"2026-01-01T00:00:00Z"}\n{"t":1,"dir":"in","hex":"zz"}\n');
  // a FileDescriptorSet of pi.proto, as protoc -o writes one; a file that is not one; .proto files that do not parse
  const protoset = join(scratch, 'pi.protoset');
  writeFileSync(protoset, toBinary(FileDescriptorSetSchema, { $typeName: 'google.protobuf.FileDescriptorSet', file: [...protoSchema(['examples/pi.proto'], []).registry.files].map((f) => f.proto) }));
  const notProtoset = join(scratch, 'not.protoset');
  writeFileSync(notProtoset, 'syntax = "proto3";\n');
  const badProto = join(scratch, 'bad.proto');
  writeFileSync(badProto, 'syntax = "proto3";\nmessage A { int32 n = 1 }\n');
  const KITCHEN_PROTO = ['-proto', 'kitchen.proto', '-import-path', 'test/fixtures/codegen'];
  const rows: Row[] = [
    { what: '--help lists the commands', args: ['--help'], status: 0, stdout: /h2grpc call ADDRESS SERVICE\/METHOD[\s\S]*h2grpc gen/ },
    { what: '--version', args: ['--version'], status: 0, stdout: /^h2grpc \d+\.\d+\.\d+\n$/ },
    { what: 'help call: every flag with its default', args: ['help', 'call'], status: 0, stdout: /-max-time SECONDS\n\s+the deadline of the whole command \(reflection and call\); 0: none\. Default: none[\s\S]*-plaintext[\s\S]*-emit-defaults/ },
    { what: 'call --help', args: ['call', '--help'], status: 0, stdout: /flags \(grpcurl's single-dash spellings work too\)/ },
    { what: 'an unknown command', args: ['frobnicate'], status: 2, stderr: 'h2grpc: unknown command "frobnicate"' },
    { what: 'a call through reflection', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 100}'], status: 0, stdout: /^\{\n {2}"value": 3\.138407967067091\d*\n\}\n$/, stderr: /^$/ },
    { what: "grpcurl's spellings", args: ['call', '-plaintext', '-d', '{"n": 1}', '-max-time', '5', '-H', 'x-a: b', '-emit-defaults', A, CALC], status: 0, stdout: '"value": 2.8284271247461903' },
    { what: "grpcurl's -switch=true form", args: ['call', '-plaintext=true', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value": 2.8284271247461903' },
    { what: '-proto with -import-path', args: ['call', '-plaintext', '-proto', 'pi.proto', '-import-path', 'examples', BARE, CALC, '-d', '{"n": 2}'], status: 0, stdout: '"value": 2.98142396999' },
    { what: 'a server without reflection: say to use --proto', args: ['list', '--plaintext', BARE], status: 1, stderr: 'has no reflection service (grpc.reflection.v1 or v1alpha): give the schema with --proto FILE or --protoset FILE' },
    { what: 'describe with no symbol: every service', args: ['describe', '--plaintext', A], status: 0, stdout: /grpc\.reflection\.v1\.ServerReflection is a service:[\s\S]*pi\.PiCalculator is a service:\nservice PiCalculator \{\n {2}rpc Calc \( \.pi\.PiRequest \) returns \( \.pi\.PiResponse \);\n\}/ },
    { what: 'list SERVICE: its methods', args: ['list', '--plaintext', A, 'pi.PiCalculator'], status: 0, stdout: 'pi.PiCalculator.Calc\n' },
    { what: 'describe a message', args: ['describe', '--plaintext', A, 'pi.PiRequest'], status: 0, stdout: 'pi.PiRequest is a message:\nmessage PiRequest {\n  int32 n = 1;\n}\n' },
    { what: 'describe an unknown symbol', args: ['describe', '--plaintext', A, 'no.Such'], status: 1, stderr: 'no service, method, message, enum or field named no.Such' },
    { what: 'malformed JSON', args: ['call', '--plaintext', A, CALC, '-d', '{"n": '], status: 1, stderr: 'h2grpc call: -d: line 1, column 7: not valid JSON: expected a JSON value, found the end of the text' },
    { what: 'a string for an int32', args: ['call', '--plaintext', A, CALC, '-d', '{"n": "abc"}'], status: 1, stderr: '-d: line 1, column 7: cannot decode field pi.PiRequest.n from JSON: expected number (int32), got "abc"' },
    { what: 'int32 out of range (it used to wrap)', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 99999999999}'], status: 1, stderr: '99999999999 out of range' },
    { what: 'an unknown field', args: ['call', '--plaintext', A, CALC, '-d', '{"m": 1}'], status: 1, stderr: 'key "m" is unknown' },
    { what: '--allow-unknown-fields', args: ['call', '--plaintext', A, CALC, '-d', '{"m": 1, "n": 1}', '--allow-unknown-fields'], status: 0, stdout: '"value"' },
    { what: 'an array for a message', args: ['call', '--plaintext', A, CALC, '-d', '[1, 2]'], status: 1, stderr: 'expected an object, got an array' },
    { what: 'a missing -d file', args: ['call', '--plaintext', A, CALC, '-d', '@/nonexistent.json'], status: 1, stderr: 'h2grpc call: -d @/nonexistent.json: no such file' },
    { what: 'a missing --proto file', args: ['call', '--plaintext', A, CALC, '--proto', 'nope.proto'], status: 1, stderr: 'h2grpc call: --proto: nope.proto: no such file' },
    { what: 'an unknown service', args: ['call', '--plaintext', A, 'pi.Nope/Calc'], status: 1, stderr: 'h2grpc call: no service pi.Nope (the services: grpc.reflection.v1.ServerReflection, grpc.reflection.v1alpha.ServerReflection, pi.PiCalculator)' },
    { what: 'an unknown method', args: ['call', '--plaintext', A, 'pi.PiCalculator/Calk'], status: 1, stderr: 'h2grpc call: pi.PiCalculator has no method Calk (its methods: Calc)' },
    { what: 'an unknown flag', args: ['call', '--plaintext', '--bogus', A, CALC], status: 2, stderr: 'h2grpc call: unknown flag --bogus\n(h2grpc help call lists the arguments and flags)' },
    { what: 'a flag without its value', args: ['call', '--plaintext', A, CALC, '-d'], status: 2, stderr: '-d needs a value (JSON)' },
    { what: 'a timeout that is not a number', args: ['call', '--plaintext', A, CALC, '--timeout', 'abc'], status: 2, stderr: '--timeout takes a number of seconds (like 2.5), not "abc"' },
    { what: 'no method given', args: ['call', '--plaintext', A], status: 2, stderr: 'no SERVICE/METHOD given' },
    { what: 'an unknown trace level: a usage error before connecting', args: ['call', '--plaintext', CLOSED, CALC, '--trace=frmes'], status: 2, stderr: 'h2grpc call: --trace=: unknown trace level "frmes" (the levels: frames, hpack, messages, octets, all, none)' },
    { what: 'no address given', args: ['list'], status: 2, stderr: 'no ADDRESS (host:port) given' },
    { what: 'an address that is not host:port (-plaintext taken for one)', args: ['list', 'plaintext'], status: 2, stderr: '"plaintext" is not an address (host:port' },
    { what: 'nothing listening', args: ['call', '--plaintext', CLOSED, CALC], status: 1, stderr: `cannot connect to ${CLOSED}: connection refused; is the server running, on this port?` },
    { what: 'a status from the server: exit 64 + code, on stderr', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 0}'], status: 64 + 3, stdout: /^$/, stderr: 'ERROR:\n  Code: INVALID_ARGUMENT\n  Message: request number should be positive\n' },
    { what: '-format-error: the google.rpc.Status as JSON (no details: none printed, as jsonpb)', args: ['call', '-plaintext', '-format-error', A, CALC, '-d', '{"n": 0}'], status: 64 + 3, stderr: /^\{\n {2}"code": 3,\n {2}"message": "request number should be positive"\n\}\n$/ },
    { what: '--timeout 0.001', args: ['call', '--plaintext', A, CALC, '--timeout', '0.001'], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a server that never answers, with a deadline', args: ['call', '--plaintext', '-max-time', '0.5', SILENT, CALC, '--proto', 'examples/pi.proto'], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a server that never answers, reflection under the deadline', args: ['list', '--plaintext', '-max-time', '0.5', SILENT], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a trace file with a damaged line: its number', args: ['trace', 'show', broken], status: 1, stderr: `h2grpc trace: ${broken}:4: not JSON` },
    { what: 'a trace event with bad hex', args: ['trace', 'show', badHex], status: 1, stderr: `h2grpc trace: ${badHex}:2: "hex" is not an even number of hex digits` },
    { what: 'a server that dies mid-call', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 13}'], status: 64 + 14, stderr: 'Code: UNAVAILABLE' },

    // issue 23, item 10: -v and -vv as grpcurl's (on standard error: standard output keeps the responses alone)
    { what: '-v: the method, the header lists as sent and received, the trailers, the counts', args: ['call', '-plaintext', '-v', A, CALC, '-d', '{"n": 1}', '-H', 'x-a: b'], status: 0,
      stdout: /^\{\n {2}"value": 2\.8284271247461903\n\}\n$/,
      stderr: /^\nResolved method descriptor:\nrpc Calc \( \.pi\.PiRequest \) returns \( \.pi\.PiResponse \);\n\nRequest headers sent:\n:method: POST\n[\s\S]*:path: \/pi\.PiCalculator\/Calc\n[\s\S]*x-a: b\n\nResponse headers received:\n:status: 200\ncontent-type: application\/grpc\n[\s\S]*\nResponse contents:\n\nResponse trailers received:\ngrpc-status: 0\nSent 1 request and received 1 response\n$/ },
    { what: '-v on a failed call: the trailers, then the status', args: ['call', '-plaintext', '-v', A, CALC, '-d', '{"n": 0}'], status: 64 + 3, stderr: /Response headers received:\n\(empty\)\n\nResponse trailers received:\n[\s\S]*grpc-status: 3\ngrpc-message: request number should be positive\nSent 1 request and received 0 responses\nERROR:\n {2}Code: INVALID_ARGUMENT/ },
    { what: '-vv: each response\'s size and the time of each step', args: ['call', '-plaintext', '-vv', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"',
      stderr: /Response size: 9 bytes\n[\s\S]*\nTiming data: [\d.]+ ms\n {2}schema \(reflection\): [\d.]+ ms\n {4}connect \(TCP\): [\d.]+ ms\n {4}HTTP\/2 handshake \(the server's SETTINGS\): [\d.]+ ms\n {2}call: [\d.]+ ms\n/ },
    { what: '--trace stays for the frames', args: ['call', '-plaintext', '--trace', A, CALC, '-d', '{"n": 1}'], status: 0, stderr: /recv SETTINGS frame/ },

    // item 11: the rest of grpcurl's flags
    { what: '-protoset: the schema from a FileDescriptorSet', args: ['call', '-plaintext', '-protoset', protoset, BARE, CALC, '-d', '{"n": 2}'], status: 0, stdout: '"value": 2.98142396999' },
    { what: '-protoset: list with no address', args: ['list', '-protoset', protoset], status: 0, stdout: /^pi\.PiCalculator\n$/ },
    { what: '-protoset of a file that is not one', args: ['list', '-protoset', notProtoset], status: 1, stderr: `--protoset ${notProtoset}: not a FileDescriptorSet` },
    { what: '-proto and -protoset together', args: ['list', '-protoset', protoset, '-proto', 'examples/pi.proto'], status: 2, stderr: 'not both' },
    { what: 'describe -proto with no address: offline, with the comments of the source', args: ['describe', '-proto', 'examples/pi.proto', 'pi.PiCalculator'], status: 0, stdout: 'pi.PiCalculator is a service:\n// pi service\nservice PiCalculator {\n  // pi method\n  rpc Calc ( .pi.PiRequest ) returns ( .pi.PiResponse );\n}\n' },
    { what: '-msg-template: a JSON template of the message', args: ['describe', ...KITCHEN_PROTO, '-msg-template', 'kitchen.v1.Kitchen.Item'], status: 0, stdout: 'kitchen.v1.Kitchen.Item is a message:\nmessage Item {\n  string name = 1;\n  int64 count = 2;\n}\n\nMessage template:\n{\n  "name": "",\n  "count": "0"\n}\n' },
    { what: '-msg-template: every field, nested messages filled, repeated fields with one element', args: ['describe', ...KITCHEN_PROTO, '-msg-template', 'kitchen.v1.Kitchen'], status: 0, stdout: /Message template:\n\{\n {2}"scalars": \{\n {4}"fDouble": 0,[\s\S]*"items": \[\n {4}\{\n {6}"name": "",\n {6}"count": "0"\n {4}\}\n {2}\],[\s\S]*"took": "0s",/ },
    { what: '-rpc-header goes on the call, not on reflection', args: ['call', '-plaintext', '-rpc-header', 'x-deny: reflection', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: '-rpc-header goes on the call', args: ['call', '-plaintext', '-rpc-header', 'x-deny: call', A, CALC, '-d', '{"n": 1}'], status: 64 + 7, stderr: 'Message: x-deny: call' },
    { what: '-reflect-header goes on reflection', args: ['call', '-plaintext', '-reflect-header', 'x-deny: reflection', A, CALC, '-d', '{"n": 1}'], status: 64 + 7, stderr: 'Message: x-deny: reflection' },
    { what: '-reflect-header does not go on the call', args: ['call', '-plaintext', '-reflect-header', 'x-deny: call', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: '-H goes on both', args: ['call', '-plaintext', '-H', 'x-deny: call', A, CALC, '-d', '{"n": 1}'], status: 64 + 7, stderr: 'Message: x-deny: call' },
    { what: '-max-msg-sz below the response: RESOURCE_EXHAUSTED', args: ['call', '-plaintext', '-max-msg-sz', '8', A, CALC, '-d', '{"n": 1}'], status: 64 + 8, stderr: 'received message of 9 octets is larger than the limit of 8' },
    { what: '-max-msg-sz at the response', args: ['call', '-plaintext', '-max-msg-sz', '9', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: '-user-agent goes in front of ours', args: ['call', '-plaintext', '-v', '-user-agent', 'my-tool/2.0', A, CALC, '-d', '{"n": 1}'], status: 0, stderr: /\nuser-agent: my-tool\/2\.0 h2grpc\/\d+\.\d+\.\d+\n/ },
    { what: '-format text: responses in protobuf text format', args: ['call', '-plaintext', '-format', 'text', A, CALC, '-d', 'n: 2'], status: 0, stdout: /^value: 2\.98142396999\d*\n$/ },
    { what: '-format text: a request that is not text format', args: ['call', '-plaintext', '-format', 'text', A, CALC, '-d', '{"n": 2}'], status: 1, stderr: '-d: not a pi.PiRequest in text format' },
    { what: '-format yaml', args: ['call', '-plaintext', '-format', 'yaml', A, CALC], status: 2, stderr: '-format is json or text, not "yaml"' },
    { what: '-keepalive-time: PINGs while the call waits', args: ['call', '-plaintext', '-keepalive-time', '0.2', '--trace', A, CALC, '-d', '{"n": 21}'], status: 0, stdout: '"value"', stderr: /send PING frame <length=8, flags=0x00, stream_id=0>/ },
    { what: '-max-time 0: no deadline (it used to be an immediate DEADLINE_EXCEEDED)', args: ['call', '-plaintext', '-max-time', '0', A, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value": 2.8284271247461903' },
    { what: '-unix: the address is a socket path', args: ['list', '-plaintext', '-unix', SOCKET], status: 0, stdout: /pi\.PiCalculator\n/ },
    { what: '-cert without -key', args: ['list', '-cert', 'client.pem', A], status: 2, stderr: '--cert and --key go together: give both' },
    { what: '-insecure with -plaintext', args: ['list', '-plaintext', '-insecure', A], status: 2, stderr: '--insecure is for TLS; it cannot go with --plaintext' },

    // item 12: targets as the library takes them
    { what: 'dns: target', args: ['call', '-plaintext', `dns:${A}`, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: 'dns:/// target', args: ['list', '-plaintext', `dns:///localhost:${portOf(ours)}`], status: 0, stdout: 'pi.PiCalculator' },
    { what: 'ipv4: target with two addresses (pick_first takes the one that answers)', args: ['list', '-plaintext', `ipv4:${CLOSED},${A}`], status: 0, stdout: 'pi.PiCalculator' },
    { what: 'ipv6: target', args: ['call', '-plaintext', `ipv6:[::1]:${portOf(six)}`, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: 'ipv6: target that is not IPv6', args: ['list', '-plaintext', 'ipv6:127.0.0.1:5'], status: 2, stderr: 'target "ipv6:127.0.0.1:5": "127.0.0.1" is not an IPv6 address' },
    { what: 'unix: target', args: ['call', '-plaintext', `unix:${SOCKET}`, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"' },
    { what: 'unix:/// target', args: ['list', '-plaintext', `unix://${SOCKET}`], status: 0, stdout: 'pi.PiCalculator' },
    { what: 'a target the resolver refuses', args: ['list', '-plaintext', 'ipv4:nothing:1'], status: 2, stderr: 'target "ipv4:nothing:1": "nothing" is not an IPv4 address' },
    { what: 'etcd:/// without --etcd', args: ['list', '-plaintext', 'etcd:///pi'], status: 2, stderr: 'etcd:///pi: an etcd:/// address is resolved by etcd; give it with --etcd HOST:PORT' },
    { what: 'no socket at a unix: path', args: ['list', '-plaintext', `unix:${join(scratch, 'none.sock')}`], status: 1, stderr: 'no such socket; is the server running, listening there?' },

    // item 13: one message for a unary or server-streaming method
    { what: 'two messages in -d for a unary method', args: ['call', '-plaintext', A, CALC, '-d', '{"n": 1} {"n": 2}'], status: 1, stderr: 'h2grpc call: -d: too many input messages: pi.PiCalculator/Calc is a unary method and takes one request, not 2' },
    { what: 'two messages on standard input for a unary method', args: ['call', '-plaintext', A, CALC, '-d', '@-'], stdin: '{"n": 1}\n{"n": 2}\n', status: 1, stderr: 'h2grpc call: standard input: too many input messages' },
    { what: 'one message on standard input (grpcurl\'s -d @)', args: ['call', '-plaintext', A, CALC, '-d', '@'], stdin: '{"n": 1}\n', status: 0, stdout: '"value": 2.8284271247461903' },

    // item 14: ProtoJSON for details, jsonpb's nulls, describe's nested types
    { what: 'details as ProtoJSON, numbered as grpcurl prints them', args: ['call', '-plaintext', A, CALC, '-d', '{"n": 7}'], status: 64 + 3,
      stderr: 'ERROR:\n  Code: INVALID_ARGUMENT\n  Message: seven is not allowed\n  Details:\n  1)\t{\n    \t  "@type": "type.googleapis.com/google.rpc.BadRequest",\n    \t  "fieldViolations": [\n    \t    {\n    \t      "field": "n",\n    \t      "description": "seven is unlucky"\n    \t    }\n    \t  ]\n    \t}\n  2)\t{\n    \t  "@type": "type.googleapis.com/google.rpc.RetryInfo",\n    \t  "retryDelay": "2s"\n    \t}\n' },
    { what: '-format-error with details', args: ['call', '-plaintext', '-format-error', A, CALC, '-d', '{"n": 7}'], status: 64 + 3, stderr: /^\{\n {2}"code": 3,\n {2}"message": "seven is not allowed",\n {2}"details": \[\n {4}\{\n {6}"@type": "type\.googleapis\.com\/google\.rpc\.BadRequest",\n {6}"fieldViolations": \[[\s\S]*"retryDelay": "2s"/ },
    { what: '-emit-defaults: an unset message field is null, as grpcurl', args: ['call', '-plaintext', ...KITCHEN_PROTO, '-emit-defaults', KITCHEN, 'kitchen.v1.KitchenService/Put', '-d', '{"mood": "HAPPY"}'], status: 0, stdout: /^\{\n {2}"scalars": null,\n {2}"mood": "HAPPY",\n {2}"color": "COLOR_UNSPECIFIED",\n {2}"items": \[\],\n {2}"ids": \[\],\n {2}"byName": \{\},\n {2}"labels": \{\},\n {2}"at": null,\n {2}"took": null,\n {2}"extra": null,\n {2}"doc": null,\n {2}"big": null,\n {2}"mask": null,\n {2}"value": null\n\}\n$/ },
    { what: 'describe: nested messages and enums', args: ['describe', ...KITCHEN_PROTO, 'kitchen.v1.Kitchen'], status: 0, stdout: /  \.google\.protobuf\.Value value = 17;\n {2}message Item \{\n {4}string name = 1;\n {4}int64 count = 2;\n {2}\}\n {2}enum Mood \{\n {4}MOOD_UNSPECIFIED = 0;\n {4}HAPPY = 1;\n {4}GRUMPY = 2;\n {2}\}\n\}\n$/ },

    // item 15: errors that point the right way
    { what: 'TLS (the default) against a plaintext server', args: ['call', A, CALC], status: 1, stderr: `h2grpc call: ${A}: the TLS handshake failed (` },
    { what: 'TLS against a plaintext server: the hint', args: ['list', A], status: 1, stderr: 'the server may be plaintext; try --plaintext' },
    { what: '--plaintext against an HTTP/1.1 server', args: ['list', '-plaintext', HTTP1], status: 1, stderr: `h2grpc list: ${HTTP1} is an HTTP/1.x server, not HTTP/2 (it answered "HTTP/1.1 400 Bad Request" to our HTTP/2 preface): is this the port of the gRPC server?` },
    { what: 'a server that accepts and stays silent: --connect-timeout covers the HTTP/2 handshake', args: ['call', '--plaintext', '--connect-timeout', '2', SILENT, CALC, '--proto', 'examples/pi.proto'], status: 1, stderr: `h2grpc call: ${SILENT} accepted the connection but gave no HTTP/2 answer within 2 s (--connect-timeout): no SETTINGS frame came; if it expects TLS, drop --plaintext` },

    // item 16: parse errors name the file, line and column
    { what: 'gen: a parse error names the file', args: ['gen', '--out', scratch, '-I', scratch, badProto], status: 1, stderr: `h2grpc gen: ${badProto}:2:25: illegal token '}', ';' expected` },
    { what: '--proto: a parse error names the file', args: ['describe', '--proto', badProto, '-I', scratch], status: 1, stderr: `h2grpc describe: --proto: ${badProto}:2:25: illegal token '}', ';' expected` },
  ];
  if (pki) {
    const P = (f: string) => join(pki!, f);
    const MUTUAL = `127.0.0.1:${portOf(mutual!)}`;
    rows.push(
      { what: 'TLS: a server that asks for a client certificate', args: ['list', '-cacert', P('ca.pem'), '-authority', 'pi.test', MUTUAL], status: 1, stderr: `${MUTUAL} asks for a client certificate: give it with --cert FILE --key FILE` },
      { what: 'TLS: -cert and -key, -authority for the certificate\'s name', args: ['call', '-v', '-cacert', P('ca.pem'), '-cert', P('client.pem'), '-key', P('client.key'), '-authority', 'pi.test', MUTUAL, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"', stderr: '\n:authority: pi.test\n' },
      { what: 'TLS: -servername for the certificate\'s name, the :authority left as the address', args: ['call', '-v', '-cacert', P('ca.pem'), '-cert', P('client.pem'), '-key', P('client.key'), '-servername', 'pi.test', MUTUAL, CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value"', stderr: `\n:authority: ${MUTUAL}\n` },
      { what: 'TLS: a certificate for another name', args: ['list', '-cacert', P('ca.pem'), '-cert', P('client.pem'), '-key', P('client.key'), MUTUAL], status: 1, stderr: "the server's certificate is for another name (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list); give the name it carries with --authority NAME, or --insecure" },
      { what: 'TLS: -servername and -authority that differ', args: ['list', '-servername', 'a', '-authority', 'b', MUTUAL], status: 2, stderr: '--servername and --authority name different servers' },
    );
  } else havePeer(t, false, 'TLS rows (certificates are made with openssl)', 'Debian package openssl');
  if (etcd) {
    rows.push(
      { what: 'etcd:///NAME with --etcd: h2grpc/discovery\'s resolver', args: ['call', '-plaintext', '--etcd', `127.0.0.1:${etcd.port}`, 'etcd:///pi', CALC, '-d', '{"n": 1}'], status: 0, stdout: '"value": 2.8284271247461903' },
      { what: 'etcd:///NAME that nothing registered', args: ['list', '-plaintext', '--etcd', `127.0.0.1:${etcd.port}`, 'etcd:///nobody'], status: 1, stderr: 'etcd:///nobody names no server: etcd has no key under nobody/ (is the server registered?)' },
    );
  } else havePeer(t, false, 'etcd:/// rows', 'Debian package etcd-server');
  // three at a time (two cores)
  let next = 0;
  const check = async (row: Row) => {
    const args = [...H2GRPC_CLI, ...row.args];
    const r = row.stdin !== undefined ? await runWithInput(args, row.stdin, HANG_MS) : await run(process.execPath, args, { timeout: HANG_MS });
    const label = `${row.what}: h2grpc ${row.args.join(' ')}`;
    t.equal(r.status, row.status, `${label}: exit ${row.status}${r.status !== row.status ? ` (stderr: ${r.stderr.trim()})` : ''}`);
    if (row.stdout !== undefined) t.match(r.stdout, row.stdout, `${label}: stdout`);
    if (row.stderr !== undefined) t.match(r.stderr, row.stderr, `${label}: stderr`);
  };
  await Promise.all([0, 1, 2].map(async () => {
    while (next < rows.length) await check(rows[next++]!);
  }));
});

t.test('plaintext against a TLS server says to drop --plaintext', async (t) => {
  if (!havePeer(t, commandWorks('openssl', ['version']), 'a TLS server (a certificate is made with openssl)', 'Debian package openssl')) return;
  const { key, cert, dir } = certificate();
  const server = new Server({ reflection: true, tls: { key, cert } });
  server.addService(piService, { Calc: calcHandler() });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const plain = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', `127.0.0.1:${port}`, 'pi.PiCalculator/Calc']);
  t.equal(plain.status, 1);
  t.match(plain.stderr, 'if it expects TLS, drop --plaintext');
  const untrusted = await run(process.execPath, [...H2GRPC_CLI, 'call', `127.0.0.1:${port}`, 'pi.PiCalculator/Calc']);
  t.equal(untrusted.status, 1);
  t.match(untrusted.stderr, "the server's certificate is not trusted");
  t.match(untrusted.stderr, 'give its CA with --cacert FILE, or --insecure');
  const trusted = await run(process.execPath, [...H2GRPC_CLI, 'call', '--cacert', join(dir, 'cert.pem'), `127.0.0.1:${port}`, 'pi.PiCalculator/Calc', '-d', '{"n": 1}']);
  t.equal(trusted.status, 0, trusted.stderr);
  t.match(trusted.stdout, '"value"');
});

t.test('a trace recorded by h2grpc call through reflection carries its schema: it decodes anywhere, down to the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-self-contained-'));
  const file = join(dir, 'call.trace');
  const address = `127.0.0.1:${portOf(ours)}`;
  const call = await run(process.execPath, [...H2GRPC_CLI, 'call', '--plaintext', '--trace-file', file, address, 'pi.PiCalculator/Calc', '-d', '{"n": 5}']);
  t.equal(call.status, 0, call.stderr);
  const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!);
  t.type(header.schema, 'string', 'the header carries a FileDescriptorSet');
  t.notOk((header.protos ?? []).some((p: string) => p.startsWith('/')), 'no absolute paths');
  t.same(header.protos ?? [], [], 'no .proto file to find: reflection gave the schema');
  const shown = await run(process.execPath, [...H2GRPC_CLI, 'trace', 'show', file, '--levels', 'messages,octets']);
  t.equal(shown.status, 0, shown.stderr);
  t.match(shown.stdout, 'pi.PiRequest {"n":5}', 'the request decoded without any .proto file');
  t.match(shown.stdout, /pi\.PiResponse \{"value":3\.07/, 'the response too');
  t.match(shown.stdout, /08 +tag: field 1 n, wire type 0 \(varint\)\n\s+05 +varint 5/, 'the octets of the request, down to the field');
  t.match(shown.stdout, /tag: field 1 value, wire type 1 \(fixed64\)/);
});
