// What each benchmark scenario does on the client, written once over the Stack operations both stacks provide.
import type { Stack } from './client-process.js';
import { memory } from './memory.js';

/** Octets in a small message's body. */
export const SMALL = 16;
const STREAM_BATCH = 10_000; // small messages per server-streaming call
const LARGE_STREAM = 64 << 10;
const HUGE = 4 << 20;

export interface Job {
  scenario: ScenarioName;
  port: number;
  seconds: number;
  /** idle: how many connections to open. */
  connections?: number;
}

export interface Outcome {
  /** The scenario's figure, in its unit. */
  value: number;
  p50?: number;
  p99?: number;
  /** idle: this process's memory with the connections open, and before. */
  memory?: { before: ReturnType<typeof memory>; after: ReturnType<typeof memory> };
}

interface Scenario {
  title: string;
  unit: string;
  run(job: Job, makeStack: (port: number, index?: number) => Stack): Promise<Outcome>;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function latencies(list: number[]): { p50: number; p99: number } {
  const sorted = Float64Array.from(list).sort();
  return { p50: quantile(sorted as unknown as number[], 0.5), p99: quantile(sorted as unknown as number[], 0.99) };
}

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

/**
 * `callers` closed loops, each calling `once` again as soon as it resolves, for `seconds` after `warmups` calls one at
 * a time: calls a second and the latencies of the calls.
 */
export async function closedLoops(seconds: number, callers: number, once: () => Promise<void>, warmups: number): Promise<Outcome> {
  for (let i = 0; i < warmups; i++) await once();
  const times: number[] = [];
  const start = now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let t0 = now(); t0 < end; t0 = now()) {
      await once();
      times.push(now() - t0);
    }
  }));
  return { value: times.length / ((now() - start) / 1000), ...latencies(times) };
}

/** `callers` closed loops making unary calls with a small body for the job's seconds. */
async function unaryLoop(job: Job, stack: Stack, callers: number): Promise<Outcome> {
  const body = Buffer.alloc(SMALL, 7);
  return closedLoops(job.seconds, callers, async () => {
    const answer = await stack.unary(body);
    if (answer.length !== SMALL || answer[0] !== 7) throw new Error('wrong unary answer');
  }, 200);
}

/** Runs `once` until the job's seconds are up, summing what it returns over the elapsed seconds. */
async function repeat(job: Job, once: () => Promise<number>, warmups = 1): Promise<number> {
  for (let i = 0; i < warmups; i++) await once();
  let total = 0;
  const start = now();
  const end = start + job.seconds * 1000;
  do total += await once();
  while (now() < end);
  return total / ((now() - start) / 1000);
}

/** Round trips of one small message on a bidi call, one at a time. */
export const pingPong = (job: Job, roundTrip: () => Promise<void>): Promise<Outcome> => closedLoops(job.seconds, 1, roundTrip, 500);

export type ScenarioName = 'unary1' | 'unary100' | 'serverStream' | 'clientStream' | 'bidi' | 'pingpong' | 'stream64k' | 'unary4m' | 'idle';

export const scenarios: Record<ScenarioName, Scenario> = {
  unary1: {
    title: 'unary, 1 in flight',
    unit: 'calls/s',
    run: async (job, make) => unaryLoop(job, make(job.port), 1),
  },
  unary100: {
    title: 'unary, 100 in flight',
    unit: 'calls/s',
    run: async (job, make) => unaryLoop(job, make(job.port), 100),
  },
  serverStream: {
    title: `server streaming, ${SMALL} B messages`,
    unit: 'msg/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const value = await repeat(job, async () => {
        const { messages } = await stack.serverStream(STREAM_BATCH, SMALL);
        if (messages !== STREAM_BATCH) throw new Error(`server stream: ${messages} of ${STREAM_BATCH} messages`);
        return messages;
      });
      return { value };
    },
  },
  clientStream: {
    title: `client streaming, ${SMALL} B messages`,
    unit: 'msg/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const body = Buffer.alloc(SMALL);
      const start = now();
      const end = start + job.seconds * 1000;
      let sent = 0;
      const more = () => {
        if ((sent & 255) === 0 && now() >= end) return false; // the clock is read every 256 messages
        sent++;
        return true;
      };
      const counted = await stack.clientStream(body, more);
      if (counted !== sent) throw new Error(`client stream: the server counted ${counted} of ${sent} messages`);
      return { value: counted / ((now() - start) / 1000) };
    },
  },
  bidi: {
    title: `bidi streaming, ${SMALL} B messages`,
    unit: 'msg/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const body = Buffer.alloc(SMALL);
      let received = 0;
      const call = stack.bidi(() => received++);
      const start = now();
      const end = start + job.seconds * 1000;
      let sent = 0;
      while (now() < end) {
        for (let i = 0; i < 256; i++) {
          sent++;
          if (!call.send(body)) {
            await call.drained();
            break;
          }
        }
        await new Promise(setImmediate);
      }
      await call.end();
      if (received !== sent) throw new Error(`bidi: ${received} of ${sent} messages came back`);
      return { value: received / ((now() - start) / 1000) };
    },
  },
  pingpong: {
    title: `bidi ping-pong, ${SMALL} B each way`,
    unit: 'round trips/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const body = Buffer.alloc(SMALL, 1);
      let wake: (() => void) | undefined;
      const call = stack.bidi((m) => {
        if (m.length !== SMALL) throw new Error('wrong ping-pong answer');
        wake!();
      });
      const outcome = await pingPong(job, () => new Promise<void>((resolve) => {
        wake = resolve;
        call.send(body);
      }));
      await call.end();
      return outcome;
    },
  },
  stream64k: {
    title: 'server streaming, 64 KiB messages',
    unit: 'MB/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const count = 160; // 10 MiB a call
      const value = await repeat(job, async () => {
        const { octets } = await stack.serverStream(count, LARGE_STREAM);
        if (octets !== count * LARGE_STREAM) throw new Error('64 KiB stream: wrong octet count');
        return octets / 1e6;
      });
      return { value };
    },
  },
  unary4m: {
    title: 'unary, 4 MiB each way',
    unit: 'MB/s',
    run: async (job, make) => {
      const stack = make(job.port);
      const body = Buffer.alloc(HUGE, 3);
      const value = await repeat(job, async () => {
        const answer = await stack.unary(body);
        if (answer.length !== HUGE || answer[HUGE - 1] !== 3) throw new Error('4 MiB: wrong answer');
        return (2 * HUGE) / 1e6;
      }, 3);
      return { value };
    },
  },
  idle: {
    title: 'idle connections, memory per connection',
    unit: 'KiB',
    run: async (job, make) => {
      const before = memory();
      const n = job.connections ?? 1000;
      const body = Buffer.alloc(SMALL);
      for (let i = 0; i < n; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => make(job.port, i + k).unary(body)));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = memory();
      return { value: (after.heap - before.heap) / n / 1024, memory: { before, after } };
    },
  },
};
