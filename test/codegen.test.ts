// h2grpc gen and protoc-gen-h2grpc: the same typed modules from .proto files by three routes (our parser, protoc, buf),
// committed generated code up to date, and the generated services working on the wire.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import t from 'tap';
import { generate, loadProtos, runPlugin } from '../src/codegen/index.js';
import { wellKnownModules } from '../src/codegen/well-known.js';
import { createClient, loadProto, Server, type ServiceHandlers } from '../src/index.js';
import { commandWorks, H2GRPC_CLI, havePeer, run } from './peers.js';
import { KitchenService, type KitchenInit, type KitchenServiceShape, type Kitchen_Item } from './fixtures/codegen/gen/kitchen.js';

const DIR = 'test/fixtures/codegen';
const PROTOS = ['kitchen.proto', 'shapes/common.proto'];
const BUF = 'node_modules/.bin/buf';
const DEV_PLUGIN = `${process.cwd()}/${DIR}/protoc-gen-h2grpc-dev.sh`;
const RUNTIME = '../../../../src/index.js';

/** Every file under dir, by relative path, with its content. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

const temp = () => mkdtempSync(join(tmpdir(), 'h2grpc-gen-'));

t.test('h2grpc gen writes the committed modules of the fixture (runtime path made relative per directory)', async (t) => {
  const out = temp();
  const r = await run(process.execPath, [...H2GRPC_CLI, 'gen', '--out', out, '--runtime', RUNTIME, '-I', DIR, ...PROTOS.map((p) => `${DIR}/${p}`)]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim().split('\n').length, 2, 'one line per file written');
  t.same(tree(out), tree(`${DIR}/gen`));
  t.match(readFileSync(join(out, 'shapes/common.ts'), 'utf8'), "import * as h2grpc from '../../../../../src/index.js';");
});

t.test('protoc --h2grpc_out writes the same files as h2grpc gen', async (t) => {
  if (!havePeer(t, commandWorks('protoc', ['--version']), 'protoc', 'protobuf-compiler')) return;
  const out = temp();
  const r = await run('protoc', [`-I${DIR}`, `--plugin=protoc-gen-h2grpc=${DEV_PLUGIN}`, `--h2grpc_out=${out}`, `--h2grpc_opt=runtime=${RUNTIME}`, ...PROTOS]);
  t.equal(r.status, 0, r.stderr);
  t.same(tree(out), tree(`${DIR}/gen`));
});

t.test('buf generate writes the same files as h2grpc gen', async (t) => {
  const work = temp();
  for (const p of PROTOS) {
    const target = join(work, 'proto', p);
    (await import('node:fs')).mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, readFileSync(join(DIR, p)));
  }
  writeFileSync(join(work, 'buf.yaml'), 'version: v2\nmodules:\n  - path: proto\n');
  writeFileSync(join(work, 'buf.gen.yaml'), `version: v2\nplugins:\n  - local: ${DEV_PLUGIN}\n    out: out\n    opt: runtime=${RUNTIME}\n`);
  const r = await run(join(process.cwd(), BUF), ['generate'], { cwd: work });
  t.equal(r.status, 0, r.stderr);
  t.same(tree(join(work, 'out')), tree(`${DIR}/gen`));
});

t.test('the committed generated code is what the generator writes today', async (t) => {
  const check = (dir: string, includes: string, files: string[], runtime: string) => {
    const loaded = loadProtos(files.map((f) => `${includes}/${f}`), [includes]);
    for (const file of generate(loaded.files, loaded.requested, { runtime })) {
      t.equal(readFileSync(join(dir, file.name), 'utf8'), file.content, `${dir}/${file.name} (npm run gen:examples)`);
    }
  };
  check('examples/gen', 'examples', ['pi.proto', 'pi-streaming.proto', 'log-sink.proto'], '../../src/index.js');
  check('examples/interop/gen', 'examples/interop', ['test.proto', 'messages.proto', 'empty.proto'], '../../../src/index.js');
  check('examples/cache/gen', 'examples/cache', ['cache.proto'], '../../../src/index.js');
  for (const file of wellKnownModules()) t.equal(readFileSync(`src/grpc/schema/wkt/${file.name}`, 'utf8'), file.content, `src/grpc/schema/wkt/${file.name}`);
});

t.test('the plugin, in process: a CodeGeneratorRequest from protoc descriptors, options and errors', async (t) => {
  if (!havePeer(t, commandWorks('protoc', ['--version']), 'protoc', 'protobuf-compiler')) return;
  const set = join(temp(), 'set.pb');
  const r = await run('protoc', [`-I${DIR}`, '--include_imports', `--descriptor_set_out=${set}`, ...PROTOS]);
  t.equal(r.status, 0, r.stderr);
  const files = readFileSync(set);
  const descriptor = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor;
  const decodeSet = descriptor.FileDescriptorSet!.decode(files) as unknown as { file: protobuf.Message[] };
  const request = (toGenerate: string[], parameter: string, mutate?: (f: Record<string, unknown>) => void) => {
    const w = protobuf.Writer.create();
    for (const name of toGenerate) w.uint32(10).string(name);
    if (parameter) w.uint32(18).string(parameter);
    w.uint32(26).bytes(new Uint8Array([8, 3])); // compiler_version, skipped
    for (const f of decodeSet.file) {
      const object = descriptor.FileDescriptorProto!.toObject(f) as Record<string, unknown>;
      mutate?.(object);
      w.uint32(122).bytes(descriptor.FileDescriptorProto!.encode(descriptor.FileDescriptorProto!.fromObject(object)).finish());
    }
    return w.finish();
  };
  const response = (octets: Uint8Array) => {
    const reader = protobuf.Reader.create(octets);
    const out: { error?: string; features?: number; files: Record<string, string> } = { files: {} };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) out.error = reader.string();
      else if (tag >>> 3 === 2) out.features = Number(reader.uint64());
      else {
        const inner = protobuf.Reader.create(reader.bytes());
        let name = '';
        let content = '';
        while (inner.pos < inner.len) {
          const itag = inner.uint32();
          if (itag >>> 3 === 1) name = inner.string();
          else content = inner.string();
        }
        out.files[name] = content;
      }
    }
    return out;
  };
  const ok = response(runPlugin(request(PROTOS, `runtime=${RUNTIME}`)));
  t.equal(ok.error, undefined);
  t.equal(ok.features, 1, 'FEATURE_PROTO3_OPTIONAL');
  t.same(ok.files, tree(`${DIR}/gen`));
  t.match(response(runPlugin(request(PROTOS, 'color=blue'))).error, /unknown option "color=blue"/);
  t.match(response(runPlugin(request(PROTOS, '', (f) => (f.syntax = 'editions')))).error, /editions are not supported/);
  t.match(response(runPlugin(request(['nope.proto'], ''))).error, /no file named nope.proto/);
});

t.test('h2grpc gen: mistakes are named, with exit status 2 for usage and 1 for the files', async (t) => {
  const gen = (...args: string[]) => run(process.execPath, [...H2GRPC_CLI, 'gen', ...args]);
  const none = await gen();
  t.equal(none.status, 2);
  t.match(none.stderr, /no .proto files given[\s\S]*usage: h2grpc gen/);
  const flag = await gen('--colour', 'x.proto');
  t.equal(flag.status, 2);
  t.match(flag.stderr, /unknown flag --colour/);
  t.match((await gen('--out')).stderr, /--out needs a value/);
  const missing = await gen('--out', temp(), 'nope.proto');
  t.equal(missing.status, 1);
  t.match(missing.stderr, /h2grpc gen: nope.proto: no such file/);
  const outside = await gen('--out', temp(), '-I', 'examples/interop', 'examples/pi.proto');
  t.equal(outside.status, 1);
  t.match(outside.stderr, /examples\/pi.proto is not under any include path \(examples\/interop\); add -I/);
  const dir = temp();
  writeFileSync(join(dir, 'broken.proto'), 'syntax = "proto3";\nimport "gone.proto";\nmessage A { Missing m = 1; }\n');
  const broken = await gen('--out', temp(), '-I', dir, join(dir, 'broken.proto'));
  t.equal(broken.status, 1);
  t.match(broken.stderr, /h2grpc gen: gone.proto: not found in the include paths \(.*\); add -I/);
  writeFileSync(join(dir, 'desc.proto'), 'syntax = "proto3";\nimport "google/protobuf/descriptor.proto";\nmessage B { google.protobuf.FileDescriptorProto f = 1; }\n');
  const unsupported = await gen('--out', temp(), '-I', dir, '-I', 'node_modules/protobufjs', join(dir, 'desc.proto'));
  t.equal(unsupported.status, 1);
  t.match(unsupported.stderr, /google.protobuf.FileDescriptorProto .* is not one of the well-known types/);
  const help = await gen('--help');
  t.equal(help.status, 0);
  t.match(help.stdout, /--proto_path/);
});

t.test('a generated service on the wire: typed handlers and stubs, the runtime forms the types promise', async (t) => {
  const received: unknown[] = [];
  const item = (name: string, count: number | string): Kitchen_Item => ({ name, count: String(count) });
  const handlers: ServiceHandlers<KitchenServiceShape> = {
    Get: (request) => ({ items: [request], by_name: { [request.name]: request }, labels: { '7': 'seven' }, mood: 'GRUMPY', maybe: 0 }),
    async *List() {
      yield { name: 'a', count: '9007199254740993' };
      yield { name: 'b', count: -1 };
    },
    async Collect(requests) {
      const items: Kitchen_Item[] = [];
      for await (const r of requests) items.push(r);
      return { items, text: 'collected' };
    },
    Put: (request) => request as KitchenInit,
    async *Echo(requests) {
      for await (const r of requests) {
        received.push(r);
        yield r as KitchenInit;
      }
    },
  };
  const server = new Server().addService(KitchenService, handlers);
  const port = await server.listen(0);
  const client = createClient(`127.0.0.1:${port}`, KitchenService);
  t.teardown(() => {
    client.close();
    return server.shutdown({ graceMs: 100 });
  });
  const got = await client.Get({ name: 'n', count: '18' });
  t.same(got.items, [item('n', 18)]);
  t.same(got.by_name, { n: item('n', 18) });
  t.same(got.labels, { '7': 'seven' });
  t.equal(got.mood, 'GRUMPY');
  t.equal(got.color, 'COLOR_UNSPECIFIED');
  t.equal(got.scalars, null);
  t.equal(got.maybe, 0, 'proto3 optional: set to zero, still present');
  t.equal(got._maybe, 'maybe');
  t.notOk('text' in got, 'an unset oneof member is absent');
  const listed: Kitchen_Item[] = [];
  for await (const r of client.List({})) listed.push(r);
  t.same(listed, [item('a', '9007199254740993'), item('b', -1)], '64-bit integers arrive as exact strings');
  const collected = await client.Collect([{ name: 'x', count: 1 }, { name: 'y' }]);
  t.same(collected.items, [item('x', 1), item('y', 0)]);
  t.equal(collected.choice, 'text');
  const full: KitchenInit = {
    scalars: { f_int64: '-9007199254740993', f_uint64: '18446744073709551615', f_bytes: Buffer.from('hi'), f_bool: true, f_float: 0.5 },
    color: 2,
    ids: [1, '2'],
    point: { x: 1.5 },
    at: { seconds: 1700000000, nanos: 5 },
    took: { seconds: 2 },
    doc: { fields: { a: { numberValue: 1 }, b: { listValue: { values: [{ boolValue: true }] } } } },
    big: { value: '7' },
    mask: { paths: ['a.b'] },
    value: { stringValue: 's' },
    extra: { type_url: 'type.googleapis.com/shapes.common.Point', value: Buffer.from([9, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]) },
  };
  const echoed: unknown[] = [];
  for await (const r of client.Echo([full])) echoed.push(r);
  const e = echoed[0] as Record<string, Record<string, unknown>>;
  t.same(e.scalars!.f_int64, '-9007199254740993');
  t.same(e.scalars!.f_uint64, '18446744073709551615');
  t.same(Buffer.from(e.scalars!.f_bytes as Uint8Array).toString(), 'hi');
  t.equal(e.color as unknown, 'GREEN', 'an enum sent as a number arrives as its name');
  t.same(e.ids, ['1', '2']);
  t.same(e.point, { x: 1.5, y: 0 });
  t.same(e.at, { seconds: '1700000000', nanos: 5 });
  t.same(e.doc!.fields, { a: { numberValue: 1, kind: 'numberValue' }, b: { listValue: { values: [{ boolValue: true, kind: 'boolValue' }] }, kind: 'listValue' } });
  t.same(e.mask, { paths: ['a.b'] });
  t.equal(e.choice as unknown, 'point');
  t.same(received.length, 1);

  // the same octets as the .proto file loaded at run time (loadService), so typed and untyped peers agree
  const loaded = loadProto(`${DIR}/kitchen.proto`).lookupType('kitchen.v1.Kitchen');
  const viaGenerated = KitchenService.methods.Echo!.serialize(full);
  t.same(Buffer.from(loaded.encode(loaded.fromObject(full as Record<string, unknown>)).finish()), Buffer.from(viaGenerated));
});

t.test('maps keyed by 64-bit integers decode to decimal keys at any depth (loadService and generated alike)', async (t) => {
  const dir = temp();
  writeFileSync(join(dir, 'longs.proto'), `syntax = "proto3";
package longs;
message Leaf { map<uint64, string> names = 1; map<sint64, int32> signed = 2; }
message Tree { Leaf one = 1; repeated Leaf many = 2; map<string, Leaf> named = 3; map<fixed64, Leaf> ids = 4; Tree self = 5; }
service S { rpc Get(Tree) returns (Tree); }
`);
  const { loadService } = await import('../src/index.js');
  const method = loadService(join(dir, 'longs.proto'), 'longs.S').methods.Get!;
  const leaf = { names: { '18446744073709551615': 'max', '7': 'seven' }, signed: { '-9007199254740993': 1, '0': 2 } };
  const tree = { one: leaf, many: [leaf, leaf], named: { a: leaf }, ids: { '12345678901234567890': leaf }, self: { one: leaf } };
  const decoded = method.deserialize(method.serialize(tree)) as typeof tree;
  t.same(decoded.one.names, leaf.names);
  t.same(decoded.one.signed, leaf.signed);
  t.same(decoded.many.map((l) => l.names), [leaf.names, leaf.names]);
  t.same(decoded.named.a!.signed, leaf.signed);
  t.same(Object.keys(decoded.ids), ['12345678901234567890']);
  t.same(decoded.ids['12345678901234567890']!.names, leaf.names);
  t.same(decoded.self.one.names, leaf.names, 'through a recursive type');
});
