// The real h2grpc command against real servers, one row per behaviour: the arguments, the exit status, and what must
// be on standard output and standard error. A command still running after HANG_MS is killed, and its row fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Server, type ServerCall } from '../src/index.js';
import { calcHandler, piService } from '../examples/pi-service.js';
import { commandWorks, H2GRPC_CLI, havePeer, run } from './peers.js';

interface Row {
  /** What the row shows. */
  what: string;
  args: string[];
  status: number;
  stdout?: RegExp | string;
  stderr?: RegExp | string;
}

/** Only against a hang: a row takes about 1 s (the SETTINGS timeout's 11 s), some times that on a busy machine. */
const HANG_MS = 120_000;
t.setTimeout(600_000); // 41 rows, three at a time, each bounded by HANG_MS

const ours = new Server({ reflection: true });
ours.addService(piService, {
  Calc: async (request, call: ServerCall) => {
    if (request.n === 13) {
      call.stream.connection.destroy(new Error('the server dies mid-call')); // a server process that dies
      return new Promise(() => {});
    }
    return calcHandler()(request, call);
  },
});
const bare = new Server().addService(piService, { Calc: calcHandler() }); // no reflection
const silent = net.createServer(() => {}); // accepts, never says anything
const sockets = new Set<net.Socket>();
silent.on('connection', (s) => sockets.add(s));

t.before(async () => {
  await ours.listen(0);
  await bare.listen(0);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
t.teardown(async () => {
  ours.forceShutdown();
  bare.forceShutdown();
  for (const s of sockets) s.destroy();
  silent.close();
});

const portOf = (s: Server | net.Server) => (s instanceof Server ? (s as unknown as { listener: net.Server }).listener.address() as net.AddressInfo : s.address() as net.AddressInfo).port;

t.test('every row', async (t) => {
  const A = `127.0.0.1:${portOf(ours)}`;
  const BARE = `127.0.0.1:${portOf(bare)}`;
  const SILENT = `127.0.0.1:${portOf(silent)}`;
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
  const rows: Row[] = [
    { what: '--help lists the commands', args: ['--help'], status: 0, stdout: /h2grpc call ADDRESS SERVICE\/METHOD[\s\S]*h2grpc gen/ },
    { what: '--version', args: ['--version'], status: 0, stdout: /^h2grpc \d+\.\d+\.\d+\n$/ },
    { what: 'help call: every flag with its default', args: ['help', 'call'], status: 0, stdout: /-max-time SECONDS\n\s+the call's deadline\. Default: none[\s\S]*-plaintext[\s\S]*-emit-defaults/ },
    { what: 'call --help', args: ['call', '--help'], status: 0, stdout: /flags \(grpcurl's single-dash spellings work too\)/ },
    { what: 'an unknown command', args: ['frobnicate'], status: 2, stderr: 'h2grpc: unknown command "frobnicate"' },
    { what: 'a call through reflection', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 100}'], status: 0, stdout: /^\{\n {2}"value": 3\.138407967067091\d*\n\}\n$/, stderr: /^$/ },
    { what: "grpcurl's spellings", args: ['call', '-plaintext', '-d', '{"n": 1}', '-max-time', '5', '-H', 'x-a: b', '-emit-defaults', A, CALC], status: 0, stdout: '"value": 2.8284271247461903' },
    { what: '-proto with -import-path', args: ['call', '-plaintext', '-proto', 'pi.proto', '-import-path', 'examples', BARE, CALC, '-d', '{"n": 2}'], status: 0, stdout: '"value": 2.98142396999' },
    { what: 'a server without reflection: say to use --proto', args: ['list', '--plaintext', BARE], status: 1, stderr: 'has no reflection service (grpc.reflection.v1): give the schema with --proto FILE' },
    { what: 'describe with no symbol: every service', args: ['describe', '--plaintext', A], status: 0, stdout: /grpc\.reflection\.v1\.ServerReflection is a service:[\s\S]*pi\.PiCalculator is a service:\nservice PiCalculator \{\n {2}rpc Calc \( \.pi\.PiRequest \) returns \( \.pi\.PiResponse \);\n\}/ },
    { what: 'list SERVICE: its methods', args: ['list', '--plaintext', A, 'pi.PiCalculator'], status: 0, stdout: 'pi.PiCalculator.Calc\n' },
    { what: 'describe a message', args: ['describe', '--plaintext', A, 'pi.PiRequest'], status: 0, stdout: 'pi.PiRequest is a message:\nmessage PiRequest {\n  int32 n = 1;\n}\n' },
    { what: 'describe an unknown symbol', args: ['describe', '--plaintext', A, 'no.Such'], status: 1, stderr: 'no service, method, message or enum named no.Such' },
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
    { what: 'no address given', args: ['list'], status: 2, stderr: 'no ADDRESS (host:port) given' },
    { what: 'an address that is not host:port (-plaintext taken for one)', args: ['list', 'plaintext'], status: 2, stderr: '"plaintext" is not an address (host:port)' },
    { what: 'nothing listening', args: ['call', '--plaintext', CLOSED, CALC], status: 1, stderr: `cannot connect to ${CLOSED}: connection refused; is the server running, on this port?` },
    { what: 'TLS (the default) against a plaintext server', args: ['call', A, CALC], status: 1, stderr: `${A} did not answer the TLS handshake: the server does not speak TLS; add --plaintext` },
    { what: 'a status from the server: exit 64 + code, on stderr', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 0}'], status: 64 + 3, stdout: /^$/, stderr: 'ERROR:\n  Code: INVALID_ARGUMENT\n  Message: request number should be positive\n' },
    { what: '-format-error', args: ['call', '-plaintext', '-format-error', A, CALC, '-d', '{"n": 0}'], status: 64 + 3, stderr: '{\n  "code": 3,\n  "message": "request number should be positive",\n  "details": []\n}' },
    { what: '--timeout 0', args: ['call', '--plaintext', A, CALC, '--timeout', '0'], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: '--timeout 0.001', args: ['call', '--plaintext', A, CALC, '--timeout', '0.001'], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a server that never answers, with a deadline', args: ['call', '--plaintext', '-max-time', '0.5', SILENT, CALC, '--proto', 'examples/pi.proto'], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a server that never answers, reflection under the deadline', args: ['list', '--plaintext', '-max-time', '0.5', SILENT], status: 64 + 4, stderr: 'Code: DEADLINE_EXCEEDED' },
    { what: 'a server that never answers, no deadline: the SETTINGS timeout ends it', args: ['call', '--plaintext', SILENT, CALC, '--proto', 'examples/pi.proto'], status: 1, stderr: `${SILENT} closed the connection without speaking HTTP/2 (SETTINGS_TIMEOUT` },
    { what: 'a trace file with a damaged line: its number', args: ['trace', 'show', broken], status: 1, stderr: `h2grpc trace: ${broken}:4: not JSON` },
    { what: 'a trace event with bad hex', args: ['trace', 'show', badHex], status: 1, stderr: `h2grpc trace: ${badHex}:2: "hex" is not an even number of hex digits` },
    { what: 'a server that dies mid-call', args: ['call', '--plaintext', A, CALC, '-d', '{"n": 13}'], status: 64 + 14, stderr: 'Code: UNAVAILABLE' },
  ];
  // three at a time (two cores)
  let next = 0;
  const check = async (row: Row) => {
    const r = await run(process.execPath, [...H2GRPC_CLI, ...row.args], { timeout: HANG_MS });
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
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-cli-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const server = new Server({ reflection: true, tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
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
