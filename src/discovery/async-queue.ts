/**
 * A bounded queue read as an async iterable: the requests of a streaming call that are produced over time. `offer`
 * drops the value when `limit` are already waiting (the newest keep-alive or watch request supersedes nothing, so
 * dropping is safe for these callers) and returns false; `end` finishes the iteration.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(private readonly limit: number) {}

  offer(item: T): boolean {
    if (this.ended || this.items.length >= this.limit) return false;
    this.items.push(item);
    this.wake?.();
    return true;
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
