// HTTP/1.1 attacks on the server's normal port (gRPC-Web and Connect over HTTP/1.1 share it with HTTP/2): request
// smuggling forms (RFC 9112 §11.2), heads and chunk lines without end, slow headers and slow bodies on crowds of
// connections, a pipelining flood that never reads, and connections that say nothing. Each is bounded in count and
// time, and returns what the attacker saw. Used by test/attacks/http1-attacks.test.ts (our server, small counts) and
// scripts/attack-report.ts (ours and connect-node on node:http side by side, full counts, for docs/security.md).
import type { Attack, AttackResult } from './attacks.js';
import { CONNECT_BODY, CONNECT_HEAD, CONNECT_REQUEST, Http1Attacker } from './http1-attacker.js';

/** How hard to push: `test` keeps `npm test` to a few seconds an attack; `full` is the measurement of record. */
export interface Scale {
  /** Connections of the crowd attacks (slow headers, slow body, silent). */
  crowd: number;
  /** ms between the crowd's trickles (a header line, a body octet). */
  tickMs: number;
  /** Requests of the pipelining flood. */
  pipelined: number;
}

export const TEST_SCALE: Scale = { crowd: 200, tickMs: 200, pipelined: 100_000 };
export const FULL_SCALE: Scale = { crowd: 1000, tickMs: 2000, pipelined: 200_000 };

/** One connection sends `request` and reads what comes back until the server closes it (or the time is up). */
function once(name: string, what: string, request: string): Attack {
  return {
    name,
    what,
    async run(port, until) {
      const a = await Http1Attacker.connect(port);
      await a.write(request, until);
      await a.lingers(until);
      a.destroy();
      return a.result(1);
    },
  };
}

/** One connection sends `start`, then `more` again and again until the server closes it (or the time is up). */
function endless(name: string, what: string, start: string, more: string, maxWrites = 1_000_000): Attack {
  return {
    name,
    what,
    async run(port, until) {
      const a = await Http1Attacker.connect(port);
      await a.write(start, until);
      const block = more.repeat(Math.max(1, Math.floor(4096 / more.length)));
      const writes = await a.flood(() => block, maxWrites, until);
      await a.lingers(until);
      a.destroy();
      return a.result(writes);
    },
  };
}

/**
 * `count` connections, each sending `start`, then `tick` every `tickMs` while it stays open: closed when the server
 * closed every one. The statuses and first refusal are the first connection's (they all get the same).
 */
function crowd(name: string, what: string, count: number, tickMs: number, start: string, tick?: string): Attack {
  return {
    name,
    what,
    async run(port, until) {
      const attackers: Http1Attacker[] = [];
      for (let i = 0; i < count && Date.now() < until; i++) {
        const a = await Http1Attacker.connect(port);
        attackers.push(a);
        if (start) await a.write(start, until);
      }
      const started = Date.now();
      let next = started + tickMs;
      while (Date.now() < until && attackers.some((a) => !a.closed)) {
        if (tick && Date.now() >= next) {
          next += tickMs;
          for (const a of attackers) if (!a.closed) a.socket.write(tick);
        } else for (const a of attackers) if (a.ended && !a.closed) a.socket.write('\r\n'); // still held? (see lingers)
        await new Promise((r) => setTimeout(r, Math.min(50, tickMs)));
      }
      const closed = attackers.every((a) => a.closed);
      const last = Math.max(...attackers.map((a) => a.closedAt));
      for (const a of attackers) a.destroy();
      const merged = attackers[0]!.result(attackers.length);
      for (const a of attackers.slice(1)) for (const [s, n] of a.statuses) merged.statuses.set(s, (merged.statuses.get(s) ?? 0) + n);
      return { ...merged, closed, closedAfterMs: closed ? last - started : undefined };
    },
  };
}

/**
 * `count` pi calls (Connect, JSON) pipelined on one connection, 100 a write, never reading a response; then one more
 * every 100 ms, still never reading, until the server closes the connection (seen as a write that fails: a paused
 * socket sees no FIN) or the time is up. The statuses are what was left to read at the end.
 */
function pipelineFlood(count: number): Attack {
  return {
    name: 'pipeline-flood-no-read',
    what: `${count.toLocaleString('en')} pipelined Connect calls on one connection, never reading a response`,
    async run(port, until) {
      const a = await Http1Attacker.connect(port, { read: false });
      const batch = CONNECT_REQUEST.repeat(100);
      let sent = 100 * (await a.flood(() => batch, count / 100, until));
      while (!a.closed && Date.now() < until) {
        a.socket.write(CONNECT_REQUEST);
        sent++;
        await a.closedBy(Math.min(until, Date.now() + 100));
      }
      a.socket.resume();
      await new Promise((r) => setTimeout(r, 50));
      a.destroy();
      return a.result(sent);
    },
  };
}

const CHUNKED = `${CONNECT_HEAD}transfer-encoding: chunked\r\n\r\n`;
const HEAD_START = 'POST /pi.PiCalculator/Calc HTTP/1.1\r\nhost: 127.0.0.1\r\n';

export function http1Attacks(scale: Scale): Attack[] {
  return [
    // request smuggling (RFC 9112 §6.1, §6.3, §11.2): a second request hidden where a front end and we could disagree
    once('smuggle-cl-te', 'Content-Length and Transfer-Encoding: chunked together, a request hidden in the body',
      `${CONNECT_HEAD}content-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n${CONNECT_REQUEST}`),
    once('smuggle-cl-cl', 'two different Content-Length fields',
      `${CONNECT_HEAD}content-length: ${CONNECT_BODY.length}\r\ncontent-length: 0\r\n\r\n${CONNECT_BODY}`),
    once('smuggle-obs-fold', 'a field folded onto a second line (obs-fold) hiding Transfer-Encoding',
      `${CONNECT_HEAD}x-fold: a\r\n transfer-encoding: chunked\r\ncontent-length: ${CONNECT_BODY.length}\r\n\r\n${CONNECT_BODY}`),
    once('smuggle-bare-lf', 'lines ended by a bare LF',
      `${CONNECT_HEAD.replace(/\r\n/g, '\n')}content-length: ${CONNECT_BODY.length}\n\n${CONNECT_BODY}`),
    once('smuggle-te-not-last', 'Transfer-Encoding: chunked, identity (chunked not the last coding)',
      `${CONNECT_HEAD}transfer-encoding: chunked, identity\r\n\r\n${(CONNECT_BODY.length).toString(16)}\r\n${CONNECT_BODY}\r\n0\r\n\r\n`),
    once('smuggle-space-colon', 'whitespace between a field name and its colon ("Transfer-Encoding : chunked")',
      `${CONNECT_HEAD}transfer-encoding : chunked\r\ncontent-length: ${CONNECT_BODY.length}\r\n\r\n${CONNECT_BODY}`),
    once('chunk-size-invalid', 'a chunk size that is not hex ("0x9")', `${CHUNKED}0x9\r\n${CONNECT_BODY}\r\n0\r\n\r\n`),
    once('chunk-size-overflow', 'a chunk size of 2^80 (21 hex digits), which wraps a 64-bit integer to 9',
      `${CHUNKED}100000000000000000009\r\n${CONNECT_BODY}\r\n0\r\n\r\n`),
    // heads and lines without end
    endless('request-line-endless', 'a request-target that never ends', 'POST /', 'a'),
    endless('headers-many', 'header lines without end ("x-a: 1")', HEAD_START, 'x-a: 1\r\n'),
    endless('header-long', 'one header value that never ends', `${HEAD_START}x-long: `, 'b'),
    endless('chunk-extensions-endless', 'a chunk-size line whose extensions never end ("1;a=b;a=b…")', `${CHUNKED}1`, ';a=b'),
    endless('chunked-body-endless', 'a chunked body without end: 4 KiB chunks, never the last chunk',
      CHUNKED, `1000\r\n${'1'.repeat(4096)}\r\n`),
    pipelineFlood(scale.pipelined),
    crowd('slow-headers', `${scale.crowd} connections sending a header line every ${scale.tickMs / 1000} s, never ending the head (slowloris)`,
      scale.crowd, scale.tickMs, HEAD_START, 'x-a: 1\r\n'),
    crowd('slow-body', `${scale.crowd} Connect calls announcing 1 MB of content, then one octet every ${scale.tickMs / 1000} s (slow POST)`,
      scale.crowd, scale.tickMs, `${CONNECT_HEAD}content-length: 1000000\r\n\r\n{"n": 10`, ' '),
    crowd('silent', `${scale.crowd} connections that send nothing after connecting`, scale.crowd, scale.tickMs, ''),
  ];
}

export type { AttackResult };
