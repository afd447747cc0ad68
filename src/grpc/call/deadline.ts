// gRPC PROTOCOL-HTTP2: grpc-timeout is at most 8 digits and a unit: H hours, M minutes, S seconds,
// m milliseconds, u microseconds, n nanoseconds.

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['n', 1e-6], ['u', 1e-3], ['m', 1], ['S', 1e3], ['M', 60e3], ['H', 3600e3],
];

/** A timeout in milliseconds as grpc-timeout, in the finest unit whose value fits in 8 digits. */
export function encodeTimeout(ms: number): string {
  const timeout = Math.max(0, ms);
  for (const [unit, size] of UNITS) {
    const value = Math.ceil(timeout / size);
    if (value < 1e8) return `${value}${unit}`;
  }
  return '99999999H';
}

/** grpc-timeout in milliseconds, or undefined when it is malformed. */
export function parseTimeout(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!match) return undefined;
  const size = UNITS.find(([u]) => u === match[2])![1];
  return Number(match[1]) * size;
}

/** The deadline from call options: an absolute Date, or a timeout in milliseconds from now. */
export function deadlineFrom(options: { deadline?: Date | number; timeout?: number }): number | undefined {
  if (options.deadline !== undefined) return typeof options.deadline === 'number' ? options.deadline : options.deadline.getTime();
  if (options.timeout !== undefined) return Date.now() + options.timeout;
  return undefined;
}

/** The longest delay setTimeout honours: above it, Node fires at once (with a warning). About 24.8 days. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * A timer for an absolute time, however far: setTimeout caps delays at 2^31-1 ms, so longer ones (grpc-timeout
 * allows 99999999H, over 11,000 years) are chained. `unref` timers do not keep the process alive.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly at: number,
    private readonly fire: () => void,
    private readonly unref = false,
  ) {
    this.arm();
  }

  private arm(): void {
    const left = this.at - Date.now();
    this.timer = left > MAX_TIMER_DELAY ? setTimeout(() => this.arm(), MAX_TIMER_DELAY) : setTimeout(this.fire, Math.max(0, left));
    if (this.unref) this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
