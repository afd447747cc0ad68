// A benchmark client in its own process: `node --expose-gc --import tsx bench/client-process.ts ours|grpc-js|raw`.
// Reads one JSON job per line on stdin, { scenario, port, seconds }, and answers each with one JSON line: the
// scenario's rate (calls, messages or round trips a second, or MB/s), latencies where they mean something, or the
// memory of idle connections. Every value is checked; a wrong answer ends the process with an error.
import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { type Client, createClient } from './h2grpc.js';
import { benchService, grpcJsBench, MESSAGE_LIMIT } from './bench-service.js';
import { memory } from './memory.js';
import { type Job, type Outcome, pingPong, SMALL, scenarios } from './scenarios.js';

const kind = process.argv[2] as 'ours' | 'grpc-js' | 'raw';
const service = kind === 'ours' ? benchService() : undefined;
const GrpcJsBench = kind === 'grpc-js' ? grpcJsBench() : undefined;

interface Payload { body: Uint8Array }

/** The operations every scenario is written with, for one connection of one stack. */
export interface Stack {
  unary(body: Uint8Array): Promise<Uint8Array>;
  /** Starts a server stream; resolves with the messages and octets received. */
  serverStream(count: number, size: number): Promise<{ messages: number; octets: number }>;
  /** Sends messages while `more()` is true, honouring backpressure; resolves with the server's count. */
  clientStream(body: Uint8Array, more: () => boolean): Promise<number>;
  /** A bidi call: `send` returns false when the caller should wait for `drained`; `received` counts echoes. */
  bidi(onMessage: (body: Uint8Array) => void): { send(body: Uint8Array): boolean; drained(): Promise<void>; end(): Promise<void> };
  close(): void;
}

/** A pushed-to async iterable: the requests of our bidi calls, taken by the call as its stream can send them. */
class Pushable<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private ended = false;
  /** Called when the backlog falls to lowWater. */
  onLow: (() => void) | undefined;
  constructor(readonly lowWater: number) {}
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  get waiting(): number {
    return this.items.length - this.head;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head++]!;
        if (this.head === this.items.length) {
          this.items = [];
          this.head = 0;
        }
        if (this.onLow && this.waiting <= this.lowWater) {
          const low = this.onLow;
          this.onLow = undefined;
          low();
        }
        yield item;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

function ourStack(port: number): Stack {
  const client = createClient(`127.0.0.1:${port}`, service!, { maxReceiveMessageLength: MESSAGE_LIMIT }) as Client & Record<string, (...a: unknown[]) => any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    unary: async (body) => ((await client.Unary!({ body })) as Payload).body,
    serverStream: async (count, size) => {
      let messages = 0;
      let octets = 0;
      for await (const m of client.ServerStream!({ count, size }) as AsyncIterable<Payload>) {
        messages++;
        octets += m.body.length;
      }
      return { messages, octets };
    },
    clientStream: async (body, more) => {
      // a generator pulled by the call: it asks for the next message only when the stream can take it
      async function* requests() {
        while (more()) yield { body };
      }
      return ((await client.ClientStream!(requests())) as { messages: number }).messages;
    },
    bidi: (onMessage) => {
      const requests = new Pushable<Payload>(16);
      const call = client.Bidi!(requests) as AsyncIterable<Payload>;
      const done = (async () => {
        for await (const m of call) onMessage(m.body);
      })();
      return {
        // the call takes from the queue as the stream's window and buffer allow; keep at most 64 waiting
        send: (body) => {
          requests.push({ body });
          return requests.waiting < 64;
        },
        drained: () => new Promise<void>((resolve) => (requests.onLow = resolve)),
        end: () => {
          requests.end();
          return done;
        },
      };
    },
    close: () => client.close(),
  };
}

function grpcJsStack(port: number, options: grpc.ChannelOptions = {}): Stack {
  const client = new GrpcJsBench(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MESSAGE_LIMIT, 'grpc.max_send_message_length': MESSAGE_LIMIT, ...options,
  });
  return {
    unary: (body) => new Promise((resolve, reject) => client.Unary({ body }, (e: Error | null, r: Payload) => (e ? reject(e) : resolve(r.body)))),
    serverStream: (count, size) => new Promise((resolve, reject) => {
      let messages = 0;
      let octets = 0;
      const call = client.ServerStream({ count, size });
      call.on('data', (m: Payload) => {
        messages++;
        octets += m.body.length;
      });
      call.on('error', reject);
      call.on('end', () => resolve({ messages, octets }));
    }),
    clientStream: (body, more) => new Promise((resolve, reject) => {
      const call = client.ClientStream((e: Error | null, r: { messages: number }) => (e ? reject(e) : resolve(r.messages)));
      const pump = () => {
        while (more()) if (!call.write({ body })) return void call.once('drain', pump);
        call.end();
      };
      pump();
    }),
    bidi: (onMessage) => {
      const call = client.Bidi();
      const done = new Promise<void>((resolve, reject) => {
        call.on('data', (m: Payload) => onMessage(m.body));
        call.on('error', reject);
        call.on('end', resolve);
      });
      return {
        send: (body) => call.write({ body }),
        drained: () => new Promise<void>((resolve) => call.once('drain', resolve)),
        end: () => {
          call.end();
          return done;
        },
      };
    },
    close: () => client.close(),
  };
}

/** The raw bound of ping-pong: the same octets as one gRPC round trip's DATA frames, echoed over node:net. */
async function rawPingPong(job: Job): Promise<Outcome> {
  const socket = connect({ port: job.port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  const octets = Buffer.alloc(9 + 5 + 2 + SMALL); // DATA frame header, message prefix, protobuf tag+length, body
  let want = octets.length;
  let wake: (() => void) | undefined;
  socket.on('data', (d) => {
    want -= d.length;
    if (want <= 0) {
      want += octets.length;
      wake?.();
    }
  });
  const roundTrip = () => new Promise<void>((resolve) => {
    wake = resolve;
    socket.write(octets);
  });
  const result = await pingPong(job, roundTrip);
  socket.destroy();
  return result;
}

const stacks: Stack[] = [];
const makeStack = (port: number, index = 0): Stack => {
  const stack = kind === 'ours' ? ourStack(port) : grpcJsStack(port, { 'grpc.use_local_subchannel_pool': 1, 'grpc.dummy': index });
  stacks.push(stack);
  return stack;
};

async function run(job: Job): Promise<Outcome> {
  if (kind === 'raw') return rawPingPong(job);
  return scenarios[job.scenario].run(job, makeStack);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'mem') return void console.log(JSON.stringify(memory()));
  if (line === 'release') {
    for (const s of stacks.splice(0)) s.close();
    return void console.log(JSON.stringify({ released: true }));
  }
  if (line === 'quit') process.exit(0);
  const job = JSON.parse(line) as Job;
  run(job).then(
    (outcome) => console.log(JSON.stringify(outcome)),
    (err: Error) => {
      console.error(`client ${kind}, ${job.scenario}: ${err.stack ?? err}`);
      process.exit(1);
    },
  );
});
console.log('ready');
