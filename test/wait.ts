// Waiting in tests for something to happen, never for a fixed time: the bound only guards against a hang.

/** The default bound: far above what any wait here takes, even on a busy machine. */
export const HANG_MS = 30_000;

/** Resolves once `condition()` holds (checked every few ms); throws naming `what` after `limitMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = HANG_MS): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise and the function that resolves it: for "the handler has started" and the like. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `emitter` emits `event` (at once when `already` is true). */
export function once(emitter: { once(event: string, listener: () => void): unknown }, event: string, already = false): Promise<void> {
  return already ? Promise.resolve() : new Promise((resolve) => emitter.once(event, () => resolve()));
}
