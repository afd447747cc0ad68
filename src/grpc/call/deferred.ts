/**
 * A promise with its resolve and reject in hand, for an outcome that arrives through callbacks (a call's headers,
 * its status). It is marked handled: a caller that never looks at it does not see an unhandled rejection.
 */
export class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: Error) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => {});
  }
}
