// A request stream the conformance client drives step by step: `send` hands one message to the call and resolves
// once the call has taken it (true) or has stopped taking messages (false: the call ended, so it was not sent);
// `close` ends the stream (the client half-closes). h2grpc's ClientCall pulls requests from an async iterable and
// asks for the next one only after writing the previous, which is what makes "taken" mean "written".

interface Pending<T> {
  message: T;
  taken: (sent: boolean) => void;
}

export class RequestStream<T> implements AsyncIterable<T>, AsyncIterator<T> {
  private queue: Pending<T>[] = [];
  private inFlight: Pending<T> | undefined;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private closed = false;
  private abandoned = false;

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  send(message: T): Promise<boolean> {
    if (this.abandoned || this.closed) return Promise.resolve(false);
    return new Promise((taken) => {
      this.queue.push({ message, taken });
      this.deliver();
    });
  }

  close(): void {
    this.closed = true;
    this.deliver();
  }

  next(): Promise<IteratorResult<T>> {
    // asked for another: the one handed out before has been written
    this.inFlight?.taken(true);
    this.inFlight = undefined;
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  return(): Promise<IteratorResult<T>> {
    // the call stopped pulling: the message it held, and any queued, were not sent
    this.abandoned = true;
    this.inFlight?.taken(false);
    this.inFlight = undefined;
    for (const pending of this.queue.splice(0)) pending.taken(false);
    this.waiting?.({ done: true, value: undefined });
    this.waiting = undefined;
    return Promise.resolve({ done: true, value: undefined });
  }

  private deliver(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const pending = this.queue.shift();
    if (pending) {
      this.waiting = undefined;
      this.inFlight = pending;
      waiting({ done: false, value: pending.message });
    } else if (this.closed) {
      this.waiting = undefined;
      waiting({ done: true, value: undefined });
    }
  }
}
