// Binary logging's parts without a call (gRFC A16): the GRPC_BINARY_LOG_FILTER syntax, valid and invalid; the
// metadata rules (what is omitted, the header limit, grpc-trace-bin); a GrpcLogEntry's octets against protobufjs
// encoding the same entry from binarylog.proto; the file's framing as grpc-go's sink writes it; the bounded sink.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import t from 'tap';
import { BINARYLOG_PROTO, BinaryLogFilter, binaryLog, binaryLogFromEnv, encodeLogEntry, EventType, type LogEntry, LoggerSide, readBinaryLog } from '../src/grpc/index.js';
import { addressOf, metadataOfFields, statusOfTrailers } from '../src/grpc/binlog/entry-parts.js';
import { FileSink } from '../src/grpc/binlog/file-sink.js';
import { formatBinaryLog } from '../src/trace/index.js';
import { piService } from '../examples/pi-service.js';

const dir = mkdtempSync(join(tmpdir(), 'h2grpc-binlog-'));
const ALL = { header: Infinity, message: Infinity };

t.test('filter: the patterns of gRFC A16, the most exact one winning', async (t) => {
  const f = new BinaryLogFilter('*{h:1;m:2},Foo/*{h},Foo/Bar{m},Foo/Baz{h;m},-Foo/Qux,a.b.Svc/M{h:314;m},x/y/z/*{m:7}');
  t.same(f.limitsFor('/Other/Method'), { header: 1, message: 2 }, '"*" for what nothing else names');
  t.same(f.limitsFor('/Foo/Any'), { header: Infinity, message: 0 }, 'Foo/*{h}: headers only');
  t.same(f.limitsFor('/Foo/Bar'), { header: 0, message: Infinity }, 'Foo/Bar{m}: messages only, over Foo/*');
  t.same(f.limitsFor('/Foo/Baz'), ALL, '{h;m}: both whole');
  t.equal(f.limitsFor('/Foo/Qux'), undefined, '-Foo/Qux: excluded although Foo/* and * match');
  t.same(f.limitsFor('/a.b.Svc/M'), { header: 314, message: Infinity }, 'a dotted service, {h:314;m}');
  t.same(f.limitsFor('/x/y/z/Q'), { header: 0, message: 7 }, 'a service name with slashes (as grpc-go allows)');

  t.same(new BinaryLogFilter('*').limitsFor('/S/M'), ALL, '"*": everything whole');
  t.equal(new BinaryLogFilter('').limitsFor('/S/M'), undefined, 'the empty filter logs nothing');
  t.equal(new BinaryLogFilter('Foo/*').limitsFor('/Other/M'), undefined, 'a service pattern names only its service');
  t.same(new BinaryLogFilter('Foo/*,-Foo/Bar').limitsFor('/Foo/Baz'), ALL);
  t.equal(new BinaryLogFilter('Foo/*,-Foo/Bar').limitsFor('/Foo/Bar'), undefined);
  t.same(new BinaryLogFilter('Foo/*,Foo/Bar{m:256}').limitsFor('/Foo/Bar'), { header: 0, message: 256 }, "A16's example");
  t.same(new BinaryLogFilter('Foo/*{h},Foo/Bar{m:256}').limitsFor('/Foo/Baz'), { header: Infinity, message: 0 }, "A16's example, other method");
  t.same(new BinaryLogFilter('*{h:0;m:0}').limitsFor('/S/M'), { header: 0, message: 0 }, 'zero limits: entries without payload');
  t.same(new BinaryLogFilter('Foo/Bar,*').limitsFor('/S/M'), ALL, '"*" after another pattern, as grpc-go accepts');
});

t.test('filter: a malformed string is refused, the pattern and the problem named', async (t) => {
  const cases: Array<[string, RegExp]> = [
    [',', /an empty pattern \(a "," too many\)/],
    ['Foo/*,', /an empty pattern/],
    ['*{}', /pattern "\*\{\}" has "\{\}" where limits go: \{h\}, \{h:N\}, \{m\}, \{m:N\}, \{h;m\} or \{h:N;m:M\}/],
    ['*{a}', /has "\{a\}" where limits go/],
    ['s/m{h;a}', /pattern "s\/m\{h;a\}" has "\{h;a\}" where limits go/],
    ['s/m{h;m;b}', /has "\{h;m;b\}" where limits go/],
    ['s/m{m;h}', /has "\{m;h\}" where limits go/],
    ['s/m{h:}', /has "\{h:\}" where limits go/],
    ['s/m{h:-1}', /has "\{h:-1\}" where limits go/],
    ['s/m{h:99999999999999999999}', /has a limit of 99999999999999999999 octets, more than 9007199254740991/],
    ['s/m*', /has "\*" where limits go/],
    ['s/**', /has "\*" where limits go/],
    ['*/m', /pattern "\*\/m" has "\/m" where limits go/],
    ['Foo', /pattern "Foo" is not \*, <service>\/\*, <service>\/<method> or -<service>\/<method>/],
    ['Foo/', /pattern "Foo\/" is not/],
    ['Foo/Bar Baz', /has " Baz" where limits go/],
    ['-Foo/*', /pattern "-Foo\/\*" excludes with "\*": an exclusion names one method/],
    ['-Foo/Bar{m}', /has limits or more after the method: an exclusion takes none/],
    ['-Foo', /pattern "-Foo" is not -<service>\/<method>/],
    ['s/m,-s/m', /pattern "-s\/m" names s\/m, which an earlier pattern names too/],
    ['-s/m,s/m', /pattern "s\/m" names s\/m, which an earlier pattern names too/],
    ['s/m,s/m{h:1;m:1}', /names s\/m, which an earlier pattern names too/],
    ['-s/m,-s/m', /names s\/m, which an earlier pattern names too/],
    ['s/*,s/*{h:1;m:1}', /gives s\/\* again/],
    ['*,*{h:1;m:1}', /repeats "\*": only one pattern may give the default for all methods/],
  ];
  for (const [filter, message] of cases) {
    t.throws(() => new BinaryLogFilter(filter), { message }, JSON.stringify(filter));
    t.throws(() => new BinaryLogFilter(filter), { message: new RegExp(`^binary log filter ${escape(JSON.stringify(filter))}: .*\\(gRFC A16\\)$`) }, `${JSON.stringify(filter)}: the whole filter quoted`);
  }
  t.throws(() => binaryLog({ filter: 'Foo', file: join(dir, 'never.binlog') }), { message: /pattern "Foo" is not/ }, 'binaryLog() refuses it at once');
  t.throws(() => binaryLog({ filter: '*', file: join(dir, 'no-such-dir', 'x.binlog') }), { message: /binary log file .*no-such-dir\/x\.binlog cannot be opened for writing: ENOENT/ });
  t.equal(binaryLogFromEnv(join(dir, 'env.binlog'), {}), undefined, 'no GRPC_BINARY_LOG_FILTER: no log at all');
  t.equal(binaryLogFromEnv(join(dir, 'env.binlog'), { GRPC_BINARY_LOG_FILTER: '' }), undefined, 'an empty one neither');
  t.throws(() => binaryLogFromEnv(join(dir, 'env.binlog'), { GRPC_BINARY_LOG_FILTER: '*{x}' }), { message: /pattern "\*\{x\}"/ });
  const fromEnv = binaryLogFromEnv(join(dir, 'env.binlog'), { GRPC_BINARY_LOG_FILTER: 'Foo/*', GRPC_BINARY_LOG_FILE: join(dir, 'other.binlog') });
  t.equal(fromEnv?.file, join(dir, 'other.binlog'), 'GRPC_BINARY_LOG_FILE chooses the file');
  t.equal(fromEnv?.filter.text, 'Foo/*');
  await fromEnv?.close();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

t.test('metadata: what gRPC adds is omitted, -bin values decoded, the header limit cuts in order', async (t) => {
  const fields: Array<[string, string]> = [
    [':path', '/S/M'], [':authority', 'h'], ['te', 'trailers'], ['content-type', 'application/grpc'], ['user-agent', 'ua'],
    ['grpc-timeout', '1S'], ['grpc-accept-encoding', 'gzip'], ['lb-token', 'x'], ['content-encoding', 'gzip'], ['accept-encoding', 'identity'],
    ['x-a', 'alpha'], ['grpc-trace-bin', 'AAEC'], ['x-b-bin', 'AQID,BAU'], ['x-c', 'gamma'],
  ];
  const whole = metadataOfFields(fields, Infinity);
  t.same(whole.entries.map((e) => [e.key, Buffer.from(e.value).toString('hex')]), [
    ['x-a', Buffer.from('alpha').toString('hex')], ['grpc-trace-bin', '000102'], ['x-b-bin', '010203'], ['x-b-bin', '0405'], ['x-c', Buffer.from('gamma').toString('hex')],
  ], 'pseudo-headers, te, content-type, user-agent, grpc-* (not grpc-trace-bin), lb-token, content- and accept-encoding left out');
  t.equal(whole.truncated, false);
  // x-a is 3 + 5 = 8 octets, x-b-bin's first 7 + 3 = 10: a limit of 18 keeps x-a and one x-b-bin, not the second (7 + 2)
  const cut = metadataOfFields(fields, 18);
  t.same(cut.entries.map((e) => e.key), ['x-a', 'grpc-trace-bin', 'x-b-bin'], 'kept while they fit; grpc-trace-bin kept and not counted');
  t.equal(cut.truncated, true);
  const none = metadataOfFields(fields, 0);
  t.same(none.entries.map((e) => e.key), ['grpc-trace-bin'], 'a limit of 0 keeps only grpc-trace-bin');
  t.equal(none.truncated, true);
  t.equal(metadataOfFields([['x-a', 'alpha']], 8).truncated, false, 'exactly at the limit is whole');
  t.equal(metadataOfFields([[':status', '200'], ['grpc-status', '0']], 0).truncated, false, 'nothing to log is not a truncation');

  t.same(statusOfTrailers([['grpc-status', '3'], ['grpc-message', 'bad%20n%3A%20%E2%82%AC'], ['grpc-status-details-bin', 'CAM']]), { statusCode: 3, statusMessage: 'bad n: €', statusDetails: Buffer.from([8, 3]) }, 'status: percent-decoded message, details decoded');
  t.same(statusOfTrailers([]), { statusCode: 2, statusMessage: '', statusDetails: Buffer.alloc(0) }, 'no grpc-status: UNKNOWN');

  t.same(addressOf('127.0.0.1:50051'), { type: 1, address: '127.0.0.1', ipPort: 50051 });
  t.same(addressOf('::1:50051'), { type: 2, address: '::1', ipPort: 50051 }, 'IPv6, the port after the last colon');
  t.same(addressOf('[fe80::1%eth0]:8'), { type: 2, address: 'fe80::1', ipPort: 8 }, 'IPv6 without its scope (A16)');
  t.same(addressOf('::ffff:10.0.0.1:9'), { type: 1, address: '10.0.0.1', ipPort: 9 }, 'IPv4-mapped is IPv4, as grpc-go');
  t.same(addressOf('undefined:undefined'), { type: 0, address: '', ipPort: 0 }, 'what is no address is UNKNOWN');
  t.same(addressOf(undefined), { type: 0, address: '', ipPort: 0 });
});

/** GrpcLogEntry from the shipped .proto, encoded by protobufjs's reflection: independent of our field-by-field writer. */
const LogEntryType = protobuf.loadSync(BINARYLOG_PROTO).lookupType('grpc.binarylog.v1.GrpcLogEntry');

t.test('a GrpcLogEntry is the octets protobufjs makes of the same entry, for every payload', async (t) => {
  const base = { timestamp: { seconds: 1_700_000_000, nanos: 123_456_789 }, callId: 2 ** 40 + 7, payloadTruncated: false };
  const md = [{ key: 'x-user', value: Buffer.from('alice') }, { key: 'x-blob-bin', value: Buffer.from([0, 1, 255]) }];
  const cases: Array<{ what: string; ours: LogEntry; theirs: Record<string, unknown> }> = [
    {
      what: 'CLIENT_HEADER with metadata, timeout and an IPv6 peer',
      ours: { ...base, sequenceIdWithinCall: 1, type: EventType.CLIENT_HEADER, logger: LoggerSide.SERVER, clientHeader: { metadata: md, methodName: '/pi.PiCalculator/Calc', authority: 'localhost:50051', timeout: { seconds: 4, nanos: 999_000_000 } }, peer: { type: 2, address: '::1', ipPort: 40000 } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 1, type: 1, logger: 2, clientHeader: { metadata: { entry: md }, methodName: '/pi.PiCalculator/Calc', authority: 'localhost:50051', timeout: { seconds: 4, nanos: 999_000_000 } }, peer: { type: 2, address: '::1', ipPort: 40000 } },
    },
    {
      what: 'CLIENT_HEADER with no metadata and no timeout',
      ours: { ...base, sequenceIdWithinCall: 1, type: EventType.CLIENT_HEADER, logger: LoggerSide.CLIENT, clientHeader: { metadata: [], methodName: '/S/M', authority: '' } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 1, type: 1, logger: 1, clientHeader: { metadata: {}, methodName: '/S/M' } },
    },
    {
      what: 'SERVER_HEADER, truncated',
      ours: { ...base, sequenceIdWithinCall: 4, type: EventType.SERVER_HEADER, logger: LoggerSide.CLIENT, serverHeader: { metadata: md.slice(0, 1) }, payloadTruncated: true, peer: { type: 1, address: '127.0.0.1', ipPort: 50051 } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 4, type: 2, logger: 1, serverHeader: { metadata: { entry: md.slice(0, 1) } }, payloadTruncated: true, peer: { type: 1, address: '127.0.0.1', ipPort: 50051 } },
    },
    {
      what: 'CLIENT_MESSAGE, its octets cut at 1 of 3',
      ours: { ...base, sequenceIdWithinCall: 2, type: EventType.CLIENT_MESSAGE, logger: LoggerSide.SERVER, message: { length: 3, data: Buffer.from([8, 0xe8]).subarray(0, 1) }, payloadTruncated: true },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 2, type: 3, logger: 2, message: { length: 3, data: Buffer.from([8]) }, payloadTruncated: true },
    },
    {
      what: 'SERVER_MESSAGE of zero octets',
      ours: { ...base, sequenceIdWithinCall: 5, type: EventType.SERVER_MESSAGE, logger: LoggerSide.SERVER, message: { length: 0, data: new Uint8Array(0) } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 5, type: 4, logger: 2, message: {} },
    },
    {
      what: 'CLIENT_HALF_CLOSE at a whole second',
      ours: { ...base, timestamp: { seconds: 1_700_000_001, nanos: 0 }, sequenceIdWithinCall: 3, type: EventType.CLIENT_HALF_CLOSE, logger: LoggerSide.CLIENT },
      theirs: { timestamp: { seconds: 1_700_000_001 }, callId: base.callId, sequenceIdWithinCall: 3, type: 5, logger: 1 },
    },
    {
      what: 'SERVER_TRAILER with status, message, details and metadata',
      ours: { ...base, sequenceIdWithinCall: 6, type: EventType.SERVER_TRAILER, logger: LoggerSide.SERVER, trailer: { metadata: md, statusCode: 3, statusMessage: 'bad n: €', statusDetails: Buffer.from([8, 3]) } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 6, type: 6, logger: 2, trailer: { metadata: { entry: md }, statusCode: 3, statusMessage: 'bad n: €', statusDetails: Buffer.from([8, 3]) } },
    },
    {
      what: 'SERVER_TRAILER OK, nothing else',
      ours: { ...base, sequenceIdWithinCall: 6, type: EventType.SERVER_TRAILER, logger: LoggerSide.CLIENT, trailer: { metadata: [], statusCode: 0, statusMessage: '', statusDetails: new Uint8Array(0) } },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 6, type: 6, logger: 1, trailer: { metadata: {} } },
    },
    {
      what: 'CANCEL',
      ours: { ...base, sequenceIdWithinCall: 7, type: EventType.CANCEL, logger: LoggerSide.CLIENT },
      theirs: { timestamp: base.timestamp, callId: base.callId, sequenceIdWithinCall: 7, type: 7, logger: 1 },
    },
  ];
  const file = join(dir, 'framing.binlog');
  const sink = new FileSink(file);
  const expected: Buffer[] = [];
  for (const { what, ours, theirs } of cases) {
    const octets = Buffer.from(encodeLogEntry(ours));
    const reference = Buffer.from(LogEntryType.encode(LogEntryType.fromObject(theirs)).finish());
    t.equal(octets.toString('hex'), reference.toString('hex'), what);
    sink.write(octets);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(reference.length);
    expected.push(length, reference);
  }
  await sink.close();
  t.equal(readFileSync(file).toString('hex'), Buffer.concat(expected).toString('hex'), "the file: each entry's 4-octet big-endian length, then the entry (grpc-go's binarylog/sink.go)");
  const back = readBinaryLog(readFileSync(file));
  t.same(back.map((e) => Buffer.from(encodeLogEntry(e)).toString('hex')), cases.map((c) => Buffer.from(encodeLogEntry(c.ours)).toString('hex')), 'read back as they were');
  t.same(back[0]!.clientHeader?.metadata.map((e) => [e.key, Buffer.from(e.value).toString('hex')]), [['x-user', '616c696365'], ['x-blob-bin', '0001ff']]);
  t.same([back[0]!.callId, back[0]!.peer, back[3]!.message?.length, back[3]!.payloadTruncated], [2 ** 40 + 7, { type: 2, address: '::1', ipPort: 40000 }, 3, true]);
  t.equal(sink.written, cases.length);
  t.equal(sink.dropped, 0);
});

t.test('the sink: one write per turn, bounded; past the bound entries are dropped and counted', async (t) => {
  const file = join(dir, 'bounded.binlog');
  const sink = new FileSink(file, 1000);
  const entry = Buffer.alloc(50, 7); // 54 octets with its length
  for (let i = 0; i < 100; i++) sink.write(entry); // one turn: nothing reaches the disk before it ends
  t.equal(sink.dropped, 100 - 18, 'what would pass 1000 octets waiting is dropped: 18 × 54 = 972 fit');
  t.equal(sink.written, 0, 'nothing written during the turn');
  await sink.flush();
  t.equal(sink.written, 18);
  t.equal(readFileSync(file).length, 18 * 54, 'the 18 in the file');
  sink.write(entry);
  await sink.flush();
  t.equal(sink.written, 19, 'once written, the room is free again');
  sink.write(Buffer.alloc(997));
  t.equal(sink.dropped, 83, 'an entry larger than the bound is always dropped');
  await sink.close();
  sink.write(entry);
  t.equal(sink.dropped, 84, 'after close, dropped');
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 50]), entry]);
  t.ok(readFileSync(file).equals(Buffer.concat(Array.from({ length: 19 }, () => framed))), 'the file holds the 19 written, each framed');
});

t.test('the text form: times to the microsecond when they have it, durations, IPv6 peers, details, unknown methods', async (t) => {
  const at = { seconds: 1_700_000_000, nanos: 123_456_789 };
  const entries: LogEntry[] = [
    { timestamp: at, callId: 9, sequenceIdWithinCall: 1, type: EventType.CLIENT_HEADER, logger: LoggerSide.SERVER, payloadTruncated: true, peer: { type: 2, address: '::1', ipPort: 4000 },
      clientHeader: { metadata: [{ key: 'x-a', value: Buffer.from('b') }], methodName: '/pi.PiCalculator/Calc', authority: 'h:1', timeout: { seconds: 4, nanos: 999_000_000 } } },
    { timestamp: { seconds: 1_700_000_000, nanos: 5_000_000 }, callId: 9, sequenceIdWithinCall: 2, type: EventType.CLIENT_MESSAGE, logger: LoggerSide.SERVER, payloadTruncated: false, message: { length: 2, data: Buffer.from([8, 5]) } },
    { timestamp: at, callId: 9, sequenceIdWithinCall: 3, type: EventType.SERVER_TRAILER, logger: LoggerSide.SERVER, payloadTruncated: false, trailer: { metadata: [], statusCode: 13, statusMessage: 'oops', statusDetails: Buffer.from([8, 13]) } },
    { timestamp: at, callId: 10, sequenceIdWithinCall: 1, type: EventType.CLIENT_HEADER, logger: LoggerSide.CLIENT, payloadTruncated: false, clientHeader: { metadata: [], methodName: '/no.Such/Method', authority: '' } },
    { timestamp: at, callId: 10, sequenceIdWithinCall: 2, type: EventType.CLIENT_MESSAGE, logger: LoggerSide.CLIENT, payloadTruncated: false, message: { length: 70, data: Buffer.alloc(70, 0xab) } },
    { timestamp: at, callId: 10, sequenceIdWithinCall: 3, type: EventType.CANCEL, logger: LoggerSide.CLIENT, payloadTruncated: false },
  ];
  t.same(formatBinaryLog(entries, [piService]), [
    'call 9 #1 server CLIENT_HEADER  2023-11-14T22:13:20.123456Z  (truncated)\n  peer [::1]:4000\n  method /pi.PiCalculator/Calc\n  authority h:1\n  timeout 4.999s\n  x-a: b',
    'call 9 #2 server CLIENT_MESSAGE  2023-11-14T22:13:20.005Z\n  message 2 octets: 08 05\n  pi.PiRequest {"n":5}',
    'call 9 #3 server SERVER_TRAILER  2023-11-14T22:13:20.123456Z\n  status 13 INTERNAL "oops"\n  status details 2 octets: 08 0d',
    'call 10 #1 client CLIENT_HEADER  2023-11-14T22:13:20.123456Z\n  method /no.Such/Method',
    `call 10 #2 client CLIENT_MESSAGE  2023-11-14T22:13:20.123456Z\n  message 70 octets: ${Array(64).fill('ab').join(' ')} …`,
    'call 10 #3 client CANCEL  2023-11-14T22:13:20.123456Z',
  ]);
});
