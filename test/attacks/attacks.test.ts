// Every attack of test/attacks/attacks.ts against our server in its own process, one connection (or one crowd of
// connections) each, bounded in count and time. Each asserts: the abuse is refused with the right code or the
// attacking connection is closed, naming the limit; the server's RSS stays under 150 MB above its idle baseline; and
// a well-behaved client on another connection keeps getting answers throughout.
import t, { type Test } from 'tap';
import { ATTACKS } from './attacks.js';
import { MB, reaction, runAttack, startTarget, type Outcome } from './harness.js';

// the window an attack has to be refused in: they take 0.01 to 3 s, more on a busy machine; most end at once
const SECONDS = Number(process.env.H2GRPC_ATTACK_SECONDS ?? 30);
t.setTimeout(900_000); // 17 attacks, each bounded by its window
/** The server's options in these tests: timeouts shortened so the slow attacks end within the test. */
const OPTIONS = { requestTimeout: 1000, limits: { outboundStallTimeout: 2000 } };

const saidOrGoaway = (o: Outcome) => [...o.said, o.goaway?.debug ?? ''].join('\n');

/** What each attack must earn from our server. */
const EXPECT: Record<string, (t: Test, o: Outcome) => void> = {
  'continuation-flood': (t, o) => t.match(saidOrGoaway(o), /maxContinuationFrames/, 'GOAWAY ENHANCE_YOUR_CALM maxContinuationFrames'),
  'continuation-large': (t, o) => t.match(saidOrGoaway(o), /maxHeaderBlockSize/, 'GOAWAY ENHANCE_YOUR_CALM maxHeaderBlockSize'),
  'settings-flood-no-read': (t, o) => t.match(saidOrGoaway(o), /settingsRate|maxQueuedControlFrames/, 'ended by settingsRate or maxQueuedControlFrames'),
  'ping-flood-no-read': (t, o) => t.match(saidOrGoaway(o), /maxQueuedControlFrames|outboundStallTimeout/, 'ended by maxQueuedControlFrames'),
  'requests-no-read': (t, o) => t.match(saidOrGoaway(o), /maxQueuedControlFrames|outboundStallTimeout|glitchRate/, 'ended by a bound: control frames owed, the stall timeout, or the streams it had refused'),
  'rapid-reset': (t, o) => t.match(saidOrGoaway(o), /streamResetRate/, 'GOAWAY ENHANCE_YOUR_CALM streamResetRate'),
  'empty-data': (t, o) => t.match(saidOrGoaway(o), /emptyDataRate/, 'GOAWAY ENHANCE_YOUR_CALM emptyDataRate'),
  'priority-flood': (t, o) => t.match(saidOrGoaway(o), /priorityRate/, 'GOAWAY ENHANCE_YOUR_CALM priorityRate'),
  'made-you-reset': (t, o) => {
    t.ok((o.resets.get(3) ?? 0) > 0, 'each stream reset with FLOW_CONTROL_ERROR');
    t.match(saidOrGoaway(o), /glitchRate/, 'then GOAWAY ENHANCE_YOUR_CALM glitchRate');
  },
  'malformed-headers': (t, o) => {
    t.ok((o.resets.get(1) ?? 0) > 0, 'each request reset with PROTOCOL_ERROR');
    t.match(saidOrGoaway(o), /glitchRate/, 'then GOAWAY ENHANCE_YOUR_CALM glitchRate');
  },
  'hpack-bomb': (t, o) => t.ok((o.statuses.get('431') ?? 0) > 0, 'each bomb answered 431 (header list above SETTINGS_MAX_HEADER_LIST_SIZE)'),
  'window-update-overflow': (t, o) => t.equal(o.goaway?.code, 3, 'GOAWAY FLOW_CONTROL_ERROR'),
  'zero-window-many-streams': (t, o) => t.ok((o.resets.get(7) ?? 0) > 0, 'streams above MAX_CONCURRENT_STREAMS refused with REFUSED_STREAM'),
  'stream-id-exhaustion': (t, o) => {
    t.ok((o.statuses.get('200') ?? 0) >= 1, 'stream 2^31-1 is served');
    t.equal(o.goaway?.code, 1, 'a lower id afterwards: GOAWAY PROTOCOL_ERROR');
  },
  'decompression-bomb': (t, o) => t.ok((o.grpcStatuses.get('8') ?? 0) > 0, 'grpc-status 8 RESOURCE_EXHAUSTED'),
  'slowloris-idle': (t, o) => t.ok(o.closed, 'every idle connection closed by maxConnectionIdle'),
  'data-1-octet': (t, o) => {
    t.match(saidOrGoaway(o), /dataFramingBudget/, 'GOAWAY ENHANCE_YOUR_CALM dataFramingBudget');
    t.ok(o.peakRss - o.baseline.rss < 20 * MB, `server RSS stayed within 20 MB of its baseline (+${((o.peakRss - o.baseline.rss) / MB).toFixed(1)} MB)`);
  },
  'data-padded-empty': (t, o) => t.match(saidOrGoaway(o), /emptyDataRate/, 'GOAWAY ENHANCE_YOUR_CALM emptyDataRate: padding alone is no data'),
  'header-bomb-zero-window': (t, o) => {
    t.ok((o.resets.get(7) ?? 0) > 0, 'streams past maxOpenHeaderListOctets refused with REFUSED_STREAM');
    // which bound ends it first depends on timing: the stall timeout, the refusals counted as glitches, or (when the
    // refusals come faster than a peer that reads nothing takes them) the RST_STREAM frames owed to it
    t.match(saidOrGoaway(o), /outboundStallTimeout|glitchRate|maxQueuedControlFrames/, 'then the connection ended: outboundStallTimeout, or the refusals it provoked (glitchRate, maxQueuedControlFrames)');
  },
  'requests-without-message': (t, o) => {
    t.equal(o.grpcStatuses.get('12') ?? 0, o.sent, `every call without a message answered at once with UNIMPLEMENTED (${o.grpcStatuses.get('12') ?? 0} of ${o.sent})`);
    t.ok(o.sent >= 1000, `${o.sent} calls sent`);
    t.equal(o.resets.get(7) ?? 0, 0, 'no stream refused: none is left waiting for a message');
  },
  'slowloris-call': (t, o) => t.ok(o.closed, 'every connection closed: requestTimeout ends the call, then maxConnectionIdle'),
};

/** Attacks that do not end the connection: the abuse is refused stream by stream. */
const KEPT = new Set(['hpack-bomb', 'zero-window-many-streams', 'decompression-bomb', 'requests-without-message']);

/** H2GRPC_ATTACK_ONLY=name,name runs only those (while working on one); the suite runs them all. */
const ONLY = process.env.H2GRPC_ATTACK_ONLY?.split(',');

for (const attack of ATTACKS.filter((a) => !ONLY || ONLY.includes(a.name))) {
  t.test(`${attack.name}: ${attack.what}`, async (t) => {
    const slowloris = attack.name.startsWith('slowloris');
    // the PING flood keeps a call open: its request must not time out first (then PINGs without a call are strikes)
    const options = slowloris ? { ...OPTIONS, maxConnectionIdle: 1000 } : attack.name === 'ping-flood-no-read' ? { ...OPTIONS, requestTimeout: 60_000 } : OPTIONS;
    const target = await startTarget('ours', options);
    t.teardown(() => target.stop());
    const o = await runAttack(target, attack, slowloris ? 3 * SECONDS : SECONDS);
    t.comment(`${reaction(o)}; peak RSS +${((o.peakRss - o.baseline.rss) / MB).toFixed(1)} MB; ${o.cpuMs.toFixed(0)} ms CPU; good client ${o.good.ok} ok, ${o.good.failed} failed, max ${o.good.maxLatencyMs} ms`);
    EXPECT[attack.name]!(t, o);
    if (o.said.length) t.comment(`the server said: ${o.said.slice(0, 3).join(' | ')}`);
    if (!KEPT.has(attack.name)) t.ok(o.closed, 'the attacking connection is closed');
    t.ok(o.peakRss - o.baseline.rss < 150 * MB, `server RSS stayed within 150 MB of its baseline (+${((o.peakRss - o.baseline.rss) / MB).toFixed(1)} MB)`);
    t.ok(o.good.ok > 0, `a well-behaved client kept getting answers (${o.good.ok})`);
    t.equal(o.good.failed, 0, `no call of the well-behaved client failed${o.good.firstError ? `: ${o.good.firstError}` : ''}`);
  });
}
