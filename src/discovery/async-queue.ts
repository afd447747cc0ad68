/**
 * A bounded queue read as an async iterable: the requests of a streaming call, produced over time. `offer` refuses a
 * value (returns false) when `limit` are already waiting — for a keep-alive, a renewal still queued makes a second
 * one pointless — and `end` finishes the iteration once the queue is empty.
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
