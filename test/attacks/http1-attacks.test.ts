// Every HTTP/1.1 attack of test/attacks/http1-attacks.ts (small counts: TEST_SCALE) against our server in its own
// process, on its one port. Each asserts: the answer (status, the limit named, the connection closed); the server's RSS
// stays under 100 MB above its idle baseline; and two well-behaved clients keep getting every answer meanwhile, a
// Connect call over HTTP/1.1 (connect-node's transport) and a gRPC call over HTTP/2 (ours). `npm run attacks` runs
// them at full scale beside connect-node (scripts/attack-report.ts, docs/security.md).
import t, { type Test } from 'tap';
import { MB, reaction, runAttack, startTarget, type Outcome } from './harness.js';
import { http1Attacks, TEST_SCALE } from './http1-attacks.js';

// the window each attack has; they end in 0.01 to 2 s (the timeouts below), more on a busy machine
const SECONDS = Number(process.env.H2GRPC_ATTACK_SECONDS ?? 30);
t.setTimeout(900_000);
/**
 * Timeouts shortened so the slow attacks end within the test: 1 s for heads, idle or unread connections, requests;
 * 0.5 s for a peer to close its side after we closed ours (the attacker never does: it only sees the server's close).
 */
const OPTIONS = { requestTimeout: 1000, http1: { headersTimeoutMs: 1000, idleTimeoutMs: 1000, lingerTimeoutMs: 500 } };

const refused = (status: number, why: RegExp) => (t: Test, o: Outcome) => {
  t.same([...o.statuses], [[String(status), 1]], `answered ${status}, once`);
  t.match(o.refusal ?? '', why, `naming why: ${o.refusal}`);
};

/** What each attack must earn from our server. */
const EXPECT: Record<string, (t: Test, o: Outcome) => void> = {
  'smuggle-cl-te': refused(400, /both Transfer-Encoding and Content-Length/),
  'smuggle-cl-cl': refused(400, /more than one Content-Length/),
  'smuggle-obs-fold': refused(400, /obs-fold/),
  'smuggle-bare-lf': refused(400, /bare LF/),
  'smuggle-te-not-last': refused(400, /chunked is not the last/),
  'smuggle-space-colon': refused(400, /whitespace between field name and colon/),
  'chunk-size-invalid': refused(400, /invalid chunk size/),
  'chunk-size-overflow': refused(400, /maxChunkSizeDigits/),
  'request-line-endless': refused(414, /maxStartLineOctets/),
  'headers-many': refused(431, /maxHeaderCount/),
  'header-long': refused(431, /maxHeaderOctets/),
  'chunk-extensions-endless': refused(400, /maxChunkExtensionOctets/),
  // a gRPC server's HTTP/1.1 body is unbounded (a stream has no length): the message limit refuses it (Connect: 429)
  'chunked-body-endless': refused(429, /request message larger than the limit of 4194304 octets/),
  // the server stops reading once its answers wait unread (the kernel's buffers hold tens of thousands first), and
  // cuts the connection idleTimeoutMs later: without that, it answered every request into its own memory, for ever
  'pipeline-flood-no-read': (t, o) => t.ok(o.sent > 1000, `${o.sent} requests pipelined, never read`),
  'slow-headers': (t, o) => {
    t.equal(o.statuses.get('408'), o.sent, `every connection answered 408 (${o.statuses.get('408')} of ${o.sent})`);
    t.match(o.refusal ?? '', /headersTimeoutMs/, 'naming headersTimeoutMs');
  },
  'slow-body': (t, o) => t.ok(o.sent >= TEST_SCALE.crowd, `${o.sent} slow calls: each ended by requestTimeout, then the rest of its body given headersTimeoutMs`),
  silent: (t, o) => t.same([...o.statuses], [], 'closed without a word (the first octet is awaited headersTimeoutMs)'),
};

const ONLY = process.env.H2GRPC_ATTACK_ONLY?.split(',');

for (const attack of http1Attacks(TEST_SCALE).filter((a) => !ONLY || ONLY.includes(a.name))) {
  t.test(`${attack.name}: ${attack.what}`, async (t) => {
    const target = await startTarget('ours', OPTIONS);
    t.teardown(() => target.stop());
    const o = await runAttack(target, attack, SECONDS, ['connect-http1', 'grpc']);
    const growth = (o.peakRss - o.baseline.rss) / MB;
    t.comment(`${reaction(o)}; peak RSS +${growth.toFixed(1)} MB; ${o.cpuMs.toFixed(0)} ms CPU; ${o.seconds.toFixed(2)} s`);
    EXPECT[attack.name]!(t, o);
    t.ok(o.closed, `the attacking connection${o.sent > 1 && !attack.name.startsWith('pipeline') ? 's' : ''} closed`);
    t.ok(growth < 100, `server RSS stayed within 100 MB of its baseline (+${growth.toFixed(1)} MB)`);
    for (const [name, good] of Object.entries(o.goodBy)) {
      t.ok(good.ok > 0, `${name}: a well-behaved client kept getting answers (${good.ok}, max ${good.maxLatencyMs} ms)`);
      t.equal(good.failed, 0, `${name}: none of its calls failed${good.firstError ? `: ${good.firstError}` : ''}`);
    }
  });
}
