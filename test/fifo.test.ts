// The O(1) queue under Inbox (received messages waiting for the reader): order, compaction, window accounting.
import t from 'tap';
import { Fifo } from '../src/http2/index.js';
import { frameMessage, Inbox } from '../src/grpc/call/message.js';

t.test('Fifo keeps order across compactions, and is empty at the end', async (t) => {
  const q = new Fifo<number>();
  t.equal(q.shift(), undefined, 'empty: undefined');
  t.equal(q.peek(), undefined);
  let next = 0;
  let expect = 0;
  let wrong = 0;
  // pushes outrun shifts, then shifts catch up: the head passes 1024 many times with items still behind it
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 3000; i++) q.push(next++);
    for (let i = 0; i < 2000; i++) if (q.shift() !== expect++) wrong++;
  }
  t.equal(q.length, 20 * 1000, 'length is pushes minus shifts');
  t.equal(q.peek(), expect, 'peek is the oldest');
  while (q.length > 0) if (q.shift() !== expect++) wrong++;
  t.equal(wrong, 0, 'every item came out in the order it went in');
  t.equal(expect, next, 'all of them');
  t.equal(q.shift(), undefined);
  q.push(1);
  q.push(2);
  q.clear();
  t.equal(q.length, 0, 'clear empties it');
  t.equal(q.shift(), undefined);
});

t.test('Inbox: a backlog of 50,000 messages is taken in order and every octet of window is given back', async (t) => {
  let credited = 0;
  const inbox = new Inbox(1 << 20, (n) => (credited += n));
  const N = 50_000;
  let pushed = 0;
  // several messages per DATA payload, and some split across payloads
  const all = Buffer.concat(Array.from({ length: N }, (_, i) => frameMessage(Buffer.from(String(i)))));
  for (let at = 0; at < all.length; at += 1000) {
    const payload = all.subarray(at, at + 1000);
    inbox.push(payload);
    pushed += payload.length;
  }
  t.ok(credited < pushed, 'whole messages waiting hold their window');
  let wrong = 0;
  for (let i = 0; i < N; i++) if (inbox.take()?.data.toString() !== String(i)) wrong++;
  t.equal(wrong, 0, 'in order');
  t.equal(inbox.take(), undefined, 'then empty');
  t.equal(credited, pushed, 'the whole window given back');
});

t.test('Fifo.remove takes one entry out of the middle, drain empties it in order', async (t) => {
  const q = new Fifo<string>();
  for (const s of ['a', 'b', 'c', 'd']) q.push(s);
  t.equal(q.shift(), 'a');
  t.equal(q.remove('c'), true, 'a queued entry is removed');
  t.equal(q.remove('a'), false, 'one already taken is not there');
  t.equal(q.remove('x'), false, 'nor one never queued');
  t.same(q.drain(), ['b', 'd'], 'the rest, oldest first');
  t.equal(q.length, 0);
  t.same(q.drain(), []);
});
