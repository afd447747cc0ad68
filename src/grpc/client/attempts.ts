import { headerValue, type HeaderList } from '../../http2/index.js';
import { encodeTimeout } from '../call/index.js';
import type { ClientCallConfig } from './call-config.js';
import { requestHeaders } from './request-headers.js';
import { retryDelay } from './retry.js';

/**
 * A call's attempts (gRPC A6): how many it made, the request headers of each, and whether another follows a
 * failure, and when. Nothing here is touched per message.
 */
export class Attempts {
  /** Attempts started so far (retries and the transparent retry included). */
  count = 0;
  /** grpc-timeout of the first attempt: the time left when the call started, however long it waits to be sent. */
  private readonly firstTimeout: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: ClientCallConfig) {
    this.firstTimeout = config.deadline === undefined ? undefined : encodeTimeout(config.deadline - Date.now());
  }

  /** The header block of the attempt just started: the first says the time the call was given (gRPC PROTOCOL-HTTP2), a retry the time left. */
  headers(extra: HeaderList | undefined): HeaderList {
    const { deadline } = this.config;
    const timeout = deadline === undefined ? undefined : this.count === 1 ? this.firstTimeout! : encodeTimeout(deadline - Date.now());
    return requestHeaders(this.config, timeout, this.count, extra);
  }

  /** The server never saw the stream (REFUSED_STREAM, above a GOAWAY's last-stream-id): retried once, transparently. */
  transparentRetry(retryable: boolean, replayable: boolean): boolean {
    return retryable && this.count < 2 && replayable;
  }

  /**
   * gRPC A6: the backoff before another attempt when the status is retryable, attempts and throttle tokens are left
   * and what was sent can be replayed; undefined for none. A server's grpc-retry-pushback-ms overrides the backoff
   * (and a malformed one forbids the retry).
   */
  retryAfter(code: number, trailers: HeaderList, replayable: boolean): number | undefined {
    const { retryPolicy: policy, throttle } = this.config;
    if (!policy || !policy.retryableStatusCodes.has(code)) return undefined;
    throttle?.failure();
    if (this.count >= policy.maxAttempts || !replayable || throttle?.allowsRetry === false) return undefined;
    return retryDelay(policy, this.count, headerValue(trailers, 'grpc-retry-pushback-ms'), this.config.deadline);
  }

  /** Starts the next attempt after `delay` ms, unless stopped first. */
  schedule(delay: number, next: () => void): void {
    this.timer = setTimeout(next, delay);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
