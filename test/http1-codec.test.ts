// The HTTP/1.1 codec (src/http1) byte-exact: parser vectors for both roles, each request smuggling form refused
// with its status, every limit at its edge and one over, the same input split at every octet boundary, the
// serializers' exact output, and a bounded seeded fuzzer that only ever sees Http1Error.
import t, { type Test } from 'tap';
import {
  encodeChunk, encodeLastChunk, Http1Error, Http1Parser, serializeRequestHead, serializeResponseHead,
  type Http1Event, type Http1Limits,
} from '../src/http1/index.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** All events of parsing `input` pushed in the given pieces, data coalesced so chunkings compare equal. */
function parse(role: 'request' | 'response', pieces: Buffer[], limits: Partial<Http1Limits> = {}): unknown[] {
  const p = new Http1Parser(role, limits);
  const out: unknown[] = [];
  for (const piece of pieces) {
    for (const e of p.push(piece) as Array<Http1Event<unknown>>) {
      const last = out[out.length - 1] as { type: string; data: string } | undefined;
      if (e.type === 'data' && last?.type === 'data') last.data += e.data.toString('latin1');
      else out.push(e.type === 'data' ? { type: 'data', data: e.data.toString('latin1') } : e);
    }
  }
  return out;
}

function refused(t: Test, role: 'request' | 'response', input: string, status: number, limit?: string, limits: Partial<Http1Limits> = {}) {
  try {
    parse(role, [b(input)], limits);
    t.fail(`accepted: ${JSON.stringify(input)}`);
  } catch (e) {
    t.ok(e instanceof Http1Error, `Http1Error for ${JSON.stringify(input.slice(0, 60))}`);
    t.equal((e as Http1Error).status, status, (e as Error).message);
    t.equal((e as Http1Error).limit, limit);
    t.equal((e as Http1Error).mustClose, true);
  }
}

const GET = 'GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n';
const CHUNKED_POST = 'POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\ngrpc-status: 0\r\nx-t:  v \r\n\r\n';

t.test('request vectors', async (t) => {
  t.same(parse('request', [b(GET)]), [
    { type: 'head', head: { method: 'GET', target: '/a?b=c', version: '1.1', fields: [['host', 'x'], ['accept', '*/*']], framing: { kind: 'none' }, keepAlive: true } },
    { type: 'end', keepAlive: true },
  ]);
  t.same(parse('request', [b(CHUNKED_POST)]).slice(1), [
    { type: 'data', data: 'hello world' },
    { type: 'trailers', fields: [['grpc-status', '0'], ['x-t', 'v']] },
    { type: 'end', keepAlive: true },
  ]);
  const cl = parse('request', [b('PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabcGET / HTTP/1.0\r\n\r\n')]);
  t.same(cl.map((e) => (e as { type: string }).type), ['head', 'data', 'end', 'head', 'end'], 'pipelined');
  t.same(cl[2], { type: 'end', keepAlive: false }, 'Connection: close');
  t.same(cl[4], { type: 'end', keepAlive: false }, 'HTTP/1.0 without keep-alive');
  t.same(parse('request', [b('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')])[1], { type: 'end', keepAlive: true });
  t.equal(parse('request', [b('\r\n' + GET)]).length, 2, 'RFC 9112 §2.2: an empty line before the request line is ignored');
});

t.test('the body is not copied: data events are views of the pushed buffer', async (t) => {
  const input = b('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody');
  const e = new Http1Parser('request').push(input)[1] as { type: 'data'; data: Buffer };
  t.equal(e.data.buffer, input.buffer);
  t.equal(e.data.toString(), 'body');
});

t.test('response vectors', async (t) => {
  t.same(parse('response', [b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')]), [
    { type: 'head', head: { status: 200, reason: 'OK', version: '1.1', fields: [['content-length', '2']], framing: { kind: 'length', length: 2 }, keepAlive: true } },
    { type: 'data', data: 'hi' },
    { type: 'end', keepAlive: true },
  ]);
  const p = new Http1Parser('response');
  const events = p.push(b('HTTP/1.1 200 OK\r\n\r\nuntil close'));
  t.same(events.map((e) => e.type), ['head', 'data']);
  t.same(p.finish(), [{ type: 'end', keepAlive: false }], 'close-delimited ends at finish()');
  const h = new Http1Parser('response');
  h.expectHeadResponse(true);
  t.same(h.push(b('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n')).map((e) => e.type), ['head', 'end'], 'HEAD: no content');
  t.same(parse('response', [b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n')]).map((e) => (e as { type: string }).type), ['head', 'end', 'head', 'end']);
  const cut = new Http1Parser('response');
  cut.push(b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'));
  t.throws(() => cut.finish(), Http1Error, 'closed inside a message');
});

t.test('request smuggling and malformed input refused, each with its status', async (t) => {
  const H = 'POST / HTTP/1.1\r\nHost: x\r\n';
  const cases: Array<[string, string, number, string?]> = [
    ['Content-Length with Transfer-Encoding', `${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['duplicate Content-Length', `${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, 400],
    ['comma-joined differing Content-Length', `${H}Content-Length: 3, 4\r\n\r\nabc`, 400],
    ['non-digit Content-Length', `${H}Content-Length: +3\r\n\r\nabc`, 400],
    ['obs-fold', `${H}X-A: a\r\n b\r\n\r\n`, 400],
    ['bare LF', `POST / HTTP/1.1\nHost: x\r\n\r\n`, 400],
    ['bare LF in fields', `${H}X-A: a\n\r\n`, 400],
    ['bare CR', `${H}X-A: a\rb\r\n\r\n`, 400],
    ['whitespace before colon', `${H}Content-Length : 3\r\n\r\nabc`, 400],
    ['invalid chunk size', `${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, 400],
    ['negative chunk size', `${H}Transfer-Encoding: chunked\r\n\r\n-1\r\n`, 400],
    ['overflowing chunk size', `${H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n`, 400, 'maxChunkSizeDigits'],
    ['chunk longer than its size', `${H}Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n`, 400],
    ['chunked not last', `${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400],
    ['unknown transfer coding alone', `${H}Transfer-Encoding: gzip\r\n\r\n`, 400],
    ['unknown transfer coding before chunked', `${H}Transfer-Encoding: gzip, chunked\r\n\r\n`, 501],
    ['Transfer-Encoding in HTTP/1.0', `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n`, 400],
    ['invalid method token', `G(T / HTTP/1.1\r\nHost: x\r\n\r\n`, 400],
    ['invalid field name', `${H}X@A: 1\r\n\r\n`, 400],
    ['NUL in field value', `${H}X-A: a\0b\r\n\r\n`, 400],
    ['DEL in field value', `${H}X-A: a\x7fb\r\n\r\n`, 400],
    ['two spaces in request line', `GET  / HTTP/1.1\r\nHost: x\r\n\r\n`, 400],
    ['no Host in HTTP/1.1', `GET / HTTP/1.1\r\n\r\n`, 400],
    ['two Hosts', `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, 400],
    ['HTTP/2.0 request line', `GET / HTTP/2.0\r\nHost: x\r\n\r\n`, 505],
  ];
  for (const [name, input, status, limit] of cases) await t.test(name, async (t) => refused(t, 'request', input, status, limit));
});

t.test('every limit: at the limit passes, one over fails', async (t) => {
  const startLine = (n: number) => `GET /${'a'.repeat(n - 'GET / HTTP/1.1'.length)} HTTP/1.1`;
  t.equal(startLine(100).length, 100);
  t.equal(parse('request', [b(`${startLine(100)}\r\nHost: x\r\n\r\n`)], { maxStartLineOctets: 100 }).length, 2);
  refused(t, 'request', `${startLine(101)}\r\nHost: x\r\n\r\n`, 414, 'maxStartLineOctets', { maxStartLineOctets: 100 });
  refused(t, 'request', `${startLine(101)}`, 414, 'maxStartLineOctets', { maxStartLineOctets: 100 });
  refused(t, 'response', `HTTP/1.1 200 ${'a'.repeat(88)}\r\n\r\n`, 400, 'maxStartLineOctets', { maxStartLineOctets: 100 });

  const fields = (n: number) => 'Host: x\r\n' + Array.from({ length: n - 1 }, (_, i) => `x-${i}: 1\r\n`).join('');
  t.equal(parse('request', [b(`GET / HTTP/1.1\r\n${fields(5)}\r\n`)], { maxHeaderCount: 5 }).length, 2);
  refused(t, 'request', `GET / HTTP/1.1\r\n${fields(6)}\r\n`, 431, 'maxHeaderCount', { maxHeaderCount: 5 });

  const octets = (n: number) => `Host: x\r\nx: ${'v'.repeat(n - 9 - 5)}\r\n`; // field lines of exactly n octets
  t.equal(octets(64).length, 64);
  t.equal(parse('request', [b(`GET / HTTP/1.1\r\n${octets(64)}\r\n`)], { maxHeaderOctets: 64 }).length, 2);
  refused(t, 'request', `GET / HTTP/1.1\r\n${octets(65)}\r\n`, 431, 'maxHeaderOctets', { maxHeaderOctets: 64 });
  refused(t, 'request', `GET / HTTP/1.1\r\nHost: x\r\nx: ${'v'.repeat(100)}`, 431, 'maxHeaderOctets', { maxHeaderOctets: 64 });
  const trailers = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n`;
  refused(t, 'request', `${trailers}${octets(65)}\r\n`, 431, 'maxHeaderOctets', { maxHeaderOctets: 64 });

  const cl = (n: number) => `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${n}\r\n\r\n${'b'.repeat(n)}`;
  t.equal(parse('request', [b(cl(10))], { maxBodyOctets: 10 }).length, 3);
  refused(t, 'request', cl(11), 413, 'maxBodyOctets', { maxBodyOctets: 10 });
  refused(t, 'request', `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n`, 413, 'maxBodyOctets');
  const ch = (...sizes: number[]) => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${sizes.map((n) => `${n.toString(16)}\r\n${'b'.repeat(n)}\r\n`).join('')}0\r\n\r\n`;
  t.equal(parse('request', [b(ch(6, 4))], { maxBodyOctets: 10 }).length, 3);
  refused(t, 'request', ch(6, 5), 413, 'maxBodyOctets', { maxBodyOctets: 10 });

  const digits = (d: string) => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${d}\r\nb\r\n0\r\n\r\n`;
  t.equal(parse('request', [b(digits('0001'))], { maxChunkSizeDigits: 4 }).length, 3);
  refused(t, 'request', digits('00001'), 400, 'maxChunkSizeDigits', { maxChunkSizeDigits: 4 });

  const ext = (n: number) => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(n - 1)}\r\nb\r\n0\r\n\r\n`;
  t.equal(parse('request', [b(ext(16))], { maxChunkExtensionOctets: 16 }).length, 3);
  refused(t, 'request', ext(17), 400, 'maxChunkExtensionOctets', { maxChunkExtensionOctets: 16 });
  t.throws(() => new Http1Parser('request', { maxChunkSizeDigits: 14 }), TypeError);
});

t.test('the client side: every limit on a response, at the limit and one over', async (t) => {
  const R = 'HTTP/1.1 200 OK\r\n';
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `x-${i}: 1\r\n`).join('');
  t.equal(parse('response', [b(`${R}${fields(4)}content-length: 0\r\n\r\n`)], { maxHeaderCount: 5 }).length, 2);
  refused(t, 'response', `${R}${fields(5)}content-length: 0\r\n\r\n`, 431, 'maxHeaderCount', { maxHeaderCount: 5 });
  const octets = (n: number) => `x: ${'v'.repeat(n - 5)}\r\n`;
  t.equal(parse('response', [b(`${R}${octets(64)}\r\n`)], { maxHeaderOctets: 64 }).length, 1, 'head; close-delimited body follows');
  refused(t, 'response', `${R}${octets(65)}\r\n`, 431, 'maxHeaderOctets', { maxHeaderOctets: 64 });
  t.equal(parse('response', [b(`${R}content-length: 10\r\n\r\n${'b'.repeat(10)}`)], { maxBodyOctets: 10 }).length, 3);
  refused(t, 'response', `${R}content-length: 11\r\n\r\n`, 413, 'maxBodyOctets', { maxBodyOctets: 10 });
  refused(t, 'response', `${R}\r\n${'b'.repeat(11)}`, 413, 'maxBodyOctets', { maxBodyOctets: 10 });
  const ch = (line: string) => `${R}transfer-encoding: chunked\r\n\r\n${line}\r\nb\r\n0\r\n\r\n`;
  t.equal(parse('response', [b(ch('0001;e=1'))], { maxChunkSizeDigits: 4, maxChunkExtensionOctets: 4 }).length, 3);
  refused(t, 'response', ch('00001'), 400, 'maxChunkSizeDigits', { maxChunkSizeDigits: 4 });
  refused(t, 'response', ch('1;e=12'), 400, 'maxChunkExtensionOctets', { maxChunkExtensionOctets: 4 });
  t.equal(parse('response', [b(`HTTP/1.1 200 ${'a'.repeat(87)}\r\n\r\n`)], { maxStartLineOctets: 100 }).length, 1);
});

t.test('the same input split at every octet boundary (and one octet at a time) parses the same', async (t) => {
  const inputs: Array<['request' | 'response', string]> = [
    ['request', GET + CHUNKED_POST + 'PUT /x HTTP/1.1\r\nHost: y\r\nContent-Length: 5\r\n\r\n12345'],
    ['response', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\ngrpc-status: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyz'],
  ];
  for (const [role, s] of inputs) {
    const input = b(s);
    const whole = parse(role, [input]);
    for (let i = 1; i < input.length; i++) {
      for (const j of [i + 1, Math.min(input.length, i + 7)]) {
        const split = parse(role, [input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
        if (JSON.stringify(split) !== JSON.stringify(whole)) t.fail(`${role} split at ${i},${j} differs`);
      }
    }
    t.same(parse(role, [...input].map((o) => Buffer.of(o))), whole, `${role}: octet by octet`);
  }
});

t.test('serializers, byte-exact, and the parser reads back what they write', async (t) => {
  const req = serializeRequestHead('POST', '/svc/M', [['host', 'x'], ['transfer-encoding', 'chunked']]);
  t.equal(req.toString('latin1'), 'POST /svc/M HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
  const res = serializeResponseHead(200, [['content-type', 'text/plain']]);
  t.equal(res.toString('latin1'), 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n');
  t.equal(serializeResponseHead(431, []).toString('latin1'), 'HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n');
  const chunk = encodeChunk(b('hello world!!!!!!'));
  t.equal(Buffer.concat(chunk).toString('latin1'), '11\r\nhello world!!!!!!\r\n');
  t.same(encodeChunk(b('')), []);
  t.equal(encodeLastChunk([['grpc-status', '0']]).toString('latin1'), '0\r\ngrpc-status: 0\r\n\r\n');
  t.equal(encodeLastChunk().toString('latin1'), '0\r\n\r\n');
  const events = parse('request', [req, ...chunk, encodeLastChunk([['grpc-status', '0']])]);
  t.same(events.slice(1), [{ type: 'data', data: 'hello world!!!!!!' }, { type: 'trailers', fields: [['grpc-status', '0']] }, { type: 'end', keepAlive: true }]);
  t.throws(() => serializeResponseHead(200, [['x', 'a\r\nInjected: 1']]), TypeError, 'no response splitting');
  t.throws(() => serializeResponseHead(200, [['x y', '1']]), TypeError);
  t.throws(() => serializeRequestHead('GET', '/ HTTP/1.1\r\n', []), TypeError);
  t.throws(() => serializeRequestHead('G T', '/', []), TypeError);
});

t.test('fuzz: random and mutated input only ever throws Http1Error (seeded, count and time bounded)', async (t) => {
  let x = Number(process.env.FUZZ_SEED ?? 0x2545f491) >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const seeds = [GET, CHUNKED_POST, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nt: 1\r\n\r\n'].map(b);
  const deadline = Date.now() + 5_000;
  let rounds = 0;
  let typed = 0;
  for (; rounds < 20_000 && Date.now() < deadline; rounds++) {
    const seed = seeds[next() % seeds.length]!;
    const input = Buffer.from(seed);
    for (let k = (next() % 4) + 1; k > 0; k--) input[next() % input.length] = next() & 0xff;
    const p = new Http1Parser(seed[0] === 0x48 ? 'response' : 'request', { maxHeaderOctets: 256, maxBodyOctets: 1024 });
    try {
      for (let at = 0; at < input.length; ) {
        const n = (next() % 16) + 1;
        p.push(input.subarray(at, at + n));
        at += n;
      }
      p.finish();
    } catch (e) {
      if (!(e instanceof Http1Error)) throw e;
      typed++;
    }
  }
  t.ok(rounds > 100, `${rounds} rounds`);
  t.ok(typed > 0, `${typed} inputs refused with Http1Error, none with anything else`);
});

t.test('docs/http1.md: the byte-level walk-through is what the codec reads and writes', async (t) => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../docs/http1.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## One request'));
  const [request, response] = [...section.matchAll(/```\n([^`]*)```/g)].map((m) => m[1]!);
  const octets = request!.split('\n').flatMap((line) => {
    const hex: number[] = [];
    for (const token of line.split(' ')) {
      if (!/^[0-9a-f]{2}$/.test(token)) break;
      hex.push(parseInt(token, 16));
    }
    return hex;
  });
  t.same(parse('request', [Buffer.from(octets)]).slice(1), [
    { type: 'data', data: 'hello' },
    { type: 'trailers', fields: [['x-t', '1']] },
    { type: 'end', keepAlive: true },
  ]);
  const wire = response!.split('\n').filter((l) => l.trim()).map((l) => l.split(/ {2,}/)[0]!.replace(/ CRLF/g, '\r\n').replace(/^CRLF/, '\r\n').replace(/ /g, ' ')).join('');
  const written = serializeResponseHead(200, [['content-type', 'text/plain'], ['transfer-encoding', 'chunked']]).toString('latin1') +
    Buffer.concat(encodeChunk(b('hi'))).toString('latin1') + encodeLastChunk([['grpc-status', '0']]).toString('latin1');
  t.equal(wire.replace(/\r\n /g, '\r\n'), written);
});
