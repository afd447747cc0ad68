// The memory of closed streams (RFC 9113 §5.1): it grows from 16 slots as ids pass it, and remembers exactly the
// most recent `max` ids of a side, whatever its size when they closed.
import t from 'tap';
import { ClosedStreams } from '../src/http2/stream/index.js';

t.test('every closed stream is remembered until `max` newer ids have passed, across every growth', async (t) => {
  const max = 1000;
  const closed = new ClosedStreams(max, 1000);
  t.equal(closed.cause(1), 'forgotten', 'nothing before the first close');
  let wrong = 0;
  for (let n = 0; n < 3 * max; n++) {
    const id = 2 * n + 1;
    closed.remember(id, n % 3 === 0 ? 'reset-received' : 'end');
    // every id of the last `max` (or all so far) is still known with its cause
    for (const back of [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, max - 1]) {
      if (back > n) continue;
      const m = n - back;
      if (closed.cause(2 * m + 1) !== (m % 3 === 0 ? 'reset-received' : 'end')) wrong++;
    }
    if (n >= max && closed.cause(2 * (n - max) + 1) !== 'forgotten') wrong++;
  }
  t.equal(wrong, 0, 'ids within the window known, the one just past it forgotten');
  t.equal(closed.cause(2 * 3 * max + 1), 'forgotten', 'a stream never closed is not known');
});

t.test('a reset we sent is in its grace period, and a table with max 0 remembers nothing', async (t) => {
  const closed = new ClosedStreams(4, 60_000);
  closed.remember(2, 'reset-sent');
  t.equal(closed.cause(2), 'reset-sent');
  t.ok(closed.inResetGrace(2));
  closed.remember(40, 'end'); // past the first capacity of 16 slots, capped at max = 4
  t.equal(closed.cause(40), 'end');
  const none = new ClosedStreams(0, 1000);
  none.remember(1, 'end');
  t.equal(none.cause(1), 'forgotten');
});
