// The streaming pi service shared by the streaming examples and tests.
import { fileURLToPath } from 'node:url';
import { type ServiceHandlers, Status, StatusError } from '../src/grpc/index.js';
import { PiStreams, type PiStreamsShape } from './gen/pi-streaming.js';
import { pi } from './pi-service.js';

/** pi-streaming.proto, for the tracer; the types come from ./gen/pi-streaming.ts (npm run gen:examples). */
export const PI_STREAMING_PROTO = fileURLToPath(new URL('./pi-streaming.proto', import.meta.url));
/** pi_streaming.PiStreams, typed: generated from pi-streaming.proto by `h2grpc gen`. */
export const piStreams = PiStreams;

export interface StreamingOptions {
  /** Answer a request in Calc with this probability (the tutorial: one in two). Default 0.5. */
  answerRate?: number;
  random?: () => number;
}

export function streamingHandlers(options: StreamingOptions = {}): ServiceHandlers<PiStreamsShape> {
  const rate = options.answerRate ?? 0.5;
  const random = options.random ?? Math.random;
  return {
    /** The tutorial's bidirectional Calc: each request is answered, with its n, about half of the time. */
    async *Calc(requests) {
      for await (const { n } of requests) {
        if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, `request number should be positive, got ${n}`);
        if (random() < rate) yield { n, value: pi(n) };
      }
    },
    /** pi(1) … pi(n), computed incrementally and sent as each term is added. */
    async *Approximations({ n }, call) {
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      let s = 0;
      for (let i = 0; i < n && !call.cancelled; i++) {
        s += 1 / (2 * i + 1) / (2 * i + 1);
        yield { n: i + 1, value: Math.sqrt(8 * s) };
      }
    },
    /** How many n arrived, and which came closest to pi. */
    async Summarize(requests) {
      let count = 0;
      let best = { n: 0, value: 0 };
      for await (const { n } of requests) {
        count++;
        const value = pi(n);
        if (Math.abs(Math.PI - value) < Math.abs(Math.PI - best.value)) best = { n, value };
      }
      return { count, best_n: best.n, best_value: best.value, error: Math.abs(Math.PI - best.value) };
    },
  };
}
