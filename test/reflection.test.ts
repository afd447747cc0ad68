// Server reflection: buf curl --reflect against our pi server (v1 and v1alpha), and our answers decoded and
// compared with what @grpc/reflection (on a grpc-js server) answers for the same .proto files.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import t from 'tap';
import { loadService, REFLECTION_PROTO, reflectionV1alphaText, Server } from '../src/grpc/index.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { calcHandler, PI_PROTO, piService } from '../examples/pi-service.js';
import { INTEROP_PROTO, testHandlers, testService } from '../examples/interop/service.js';
import { BUF, commandWorks, havePeer, run } from './peers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const FileDescriptorProto = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor.FileDescriptorProto!;

async function ourServer() {
  const server = new Server({ reflection: true, health: true });
  server.addService(piService, { Calc: calcHandler() });
  server.addService(testService, testHandlers);
  return { server, port: await server.listen(0) };
}

/** One reflection request and its answer, through a grpc-js client. */
const V1ALPHA_PROTO = join(mkdtempSync(join(tmpdir(), 'h2grpc-reflection-')), 'reflection-v1alpha.proto');
writeFileSync(V1ALPHA_PROTO, reflectionV1alphaText());

function reflect(port: number, request: Record<string, unknown>, version: 'v1' | 'v1alpha' = 'v1'): Promise<Any> {
  const def = protoLoader.loadSync(version === 'v1' ? REFLECTION_PROTO : V1ALPHA_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = (grpc.loadPackageDefinition(def) as Any).grpc.reflection[version];
  const client = new pkg.ServerReflection(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on('data', (m: Any) => {
      resolve(m);
      call.end();
      client.close();
    });
    call.on('error', reject);
    call.write(request);
  });
}

/** What a set of FileDescriptorProtos says, independent of how it is split into files. */
function summary(protos: Buffer[]): Any {
  const services: string[] = [];
  const messages: string[] = [];
  for (const bytes of protos) {
    const file = FileDescriptorProto.toObject(FileDescriptorProto.decode(bytes), { enums: String }) as Any;
    const pkg = file.package ? `${file.package}.` : '';
    for (const s of file.service ?? []) for (const m of s.method ?? []) services.push(`${pkg}${s.name}.${m.name}(${m.clientStreaming ? 'stream ' : ''}${m.inputType.replace(/^\./, '')}) -> ${m.serverStreaming ? 'stream ' : ''}${m.outputType.replace(/^\./, '')}`);
    // type names by their last part: ours are fully qualified (".grpc.testing.PayloadType", as protoc writes them),
    // @grpc/reflection's relative ("PayloadType")
    for (const m of file.messageType ?? []) messages.push(`${pkg}${m.name} {${(m.field ?? []).map((f: Any) => `${f.name}=${f.number}:${f.type}${f.typeName ? `(${f.typeName.replace(/^.*\./, '')})` : ''}`).join(' ')}}`);
  }
  return { services: [...new Set(services)].sort(), messages: [...new Set(messages)].sort() };
}

t.test('our reflection answers match @grpc/reflection for the same protos', async (t) => {
  const { server, port } = await ourServer();
  t.teardown(() => server.forceShutdown());
  const js = new grpc.Server();
  const defs = protoLoader.loadSync([PI_PROTO, INTEROP_PROTO], { keepCase: true, includeDirs: [join(INTEROP_PROTO, '..')] });
  new ReflectionService(defs).addToServer(js);
  const jsPort = await new Promise<number>((resolve, reject) => js.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => js.forceShutdown());

  for (const version of ['v1', 'v1alpha'] as const) {
    const listed = await reflect(port, { list_services: '' }, version);
    const names = listed.list_services_response.service.map((s: Any) => s.name).sort();
    t.same(names, ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', 'grpc.testing.TestService', 'pi.PiCalculator'], `${version}: list_services`);
  }
  for (const symbol of ['pi.PiCalculator', 'grpc.testing.TestService', 'grpc.testing.SimpleRequest', 'pi.PiCalculator.Calc']) {
    const ours = await reflect(port, { file_containing_symbol: symbol });
    const theirs = await reflect(jsPort, { file_containing_symbol: symbol });
    const a = summary(ours.file_descriptor_response.file_descriptor_proto);
    const b = summary(theirs.file_descriptor_response.file_descriptor_proto);
    t.same(a, b, `file_containing_symbol ${symbol}: the same services, methods and message fields as @grpc/reflection`);
  }
  const byName = await reflect(port, { file_by_filename: 'pi.proto' });
  t.match(summary(byName.file_descriptor_response.file_descriptor_proto).services, ['pi.PiCalculator.Calc(pi.PiRequest) -> pi.PiResponse'], 'file_by_filename');
  const missing = await reflect(port, { file_containing_symbol: 'no.Such' });
  t.equal(missing.error_response.error_code, 5, 'an unknown symbol: ErrorResponse NOT_FOUND');
  t.equal((await reflect(port, { file_by_filename: 'nope.proto' })).error_response.error_code, 5, 'an unknown file: NOT_FOUND');
  t.equal((await reflect(port, { file_containing_extension: { containing_type: 'pi.PiRequest', extension_number: 100 } })).error_response.error_code, 5, 'no extensions: NOT_FOUND');
  const numbers = await reflect(port, { all_extension_numbers_of_type: 'pi.PiRequest' });
  t.same(numbers.all_extension_numbers_response, { base_type_name: 'pi.PiRequest', extension_number: [] }, 'all_extension_numbers_of_type');
});

t.test('buf curl --reflect against our pi server', async (t) => {
  const buf = BUF;
  if (!havePeer(t, commandWorks(buf, ['--version']), 'buf curl', 'npm package @bufbuild/buf')) return;
  const { server, port } = await ourServer();
  t.teardown(() => server.forceShutdown());
  const list = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '--list-methods', `http://127.0.0.1:${port}`]);
  t.equal(list.status, 0, list.stderr);
  t.match(list.stdout, /^pi\.PiCalculator\/Calc$/m);
  t.match(list.stdout, /^grpc\.testing\.TestService\/FullDuplexCall$/m);
  for (const protocol of ['grpc-v1', 'grpc-v1alpha']) {
    const call = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '--reflect-protocol', protocol, '-d', '{"n": 100}', `http://127.0.0.1:${port}/pi.PiCalculator/Calc`]);
    t.equal(call.status, 0, call.stderr);
    t.same(JSON.parse(call.stdout), { value: 3.1384079670670912 }, `${protocol}: a call with the schema from reflection`);
  }
  const unary = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '-d', '{"response_size": 3}', `http://127.0.0.1:${port}/grpc.testing.TestService/UnaryCall`]);
  t.same(JSON.parse(unary.stdout), { payload: { body: 'AAAA' } }, 'a message with nested types and bytes');
});

t.test('files named alike: v1/service.proto beside v2/service.proto, and a user\'s health.proto beside the shipped one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'h2grpc-reflection-names-'));
  mkdirSync(join(dir, 'v1'));
  mkdirSync(join(dir, 'v2'));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const echo = (pkg: string, service: string) => `syntax = "proto3";\npackage ${pkg};\nmessage Text { string text = 1; }\nservice ${service} { rpc Say(Text) returns (Text); }\n`;
  const v1 = loadService(file('v1/service.proto', echo('demo.v1', 'Echo')), 'demo.v1.Echo');
  const v2 = loadService(file('v2/service.proto', echo('demo.v2', 'Shout')), 'demo.v2.Shout');
  const mine = loadService(file('health.proto', echo('myapp', 'Echo')), 'myapp.Echo');
  const server = new Server({ reflection: true, health: true });
  server.addService(v1, { Say: ({ text }: Any) => ({ text }) });
  server.addService(v2, { Say: ({ text }: Any) => ({ text: String(text).toUpperCase() }) });
  server.addService(mine, { Say: ({ text }: Any) => ({ text: `mine: ${text}` }) });
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());

  const named = async (symbol: string) => {
    const answer = await reflect(port, { file_containing_symbol: symbol });
    return (answer.file_descriptor_response.file_descriptor_proto as Buffer[]).map((b) => (FileDescriptorProto.decode(b) as Any).name as string);
  };
  t.same(await named('demo.v1.Echo'), ['v1/service.proto'], 'demo.v1.Echo: by the shortest tail of its path no other file has');
  t.same(await named('demo.v2.Shout'), ['v2/service.proto'], 'demo.v2.Shout: its own file, not lost behind v1\'s');
  t.same(await named('myapp.Echo'), ['health.proto'], 'the user\'s health.proto keeps its name');
  t.same(await named('grpc.health.v1.Health'), ['grpc/health/v1/health.proto'], 'the shipped health service by its upstream name');
  t.same((await named('grpc.reflection.v1alpha.ServerReflection'))[0], 'grpc/reflection/v1alpha/reflection.proto', 'reflection v1alpha too');

  const buf = BUF;
  if (!havePeer(t, commandWorks(buf, ['--version']), 'buf curl', 'npm package @bufbuild/buf')) return;
  const list = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '--list-methods', `http://127.0.0.1:${port}`]);
  t.equal(list.status, 0, list.stderr);
  for (const method of ['demo.v1.Echo/Say', 'demo.v2.Shout/Say', 'myapp.Echo/Say', 'grpc.health.v1.Health/Check']) t.match(list.stdout, new RegExp(`^${method.replace(/\./g, '\\.')}$`, 'm'), `buf curl lists ${method}`);
  for (const [method, said] of [['demo.v1.Echo/Say', 'hi'], ['demo.v2.Shout/Say', 'HI'], ['myapp.Echo/Say', 'mine: hi']] as const) {
    const call = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '-d', '{"text": "hi"}', `http://127.0.0.1:${port}/${method}`]);
    t.equal(call.status, 0, call.stderr);
    t.same(JSON.parse(call.stdout || '{}'), { text: said }, `buf curl calls ${method} with the schema from reflection`);
  }
});
