import type { RetryPolicy, RetryThrottling, ServiceConfig } from '../channel/index.js';
import { Status, statusName } from '../call/index.js';

// gRPC A6 (client retries) and service_config.proto: a per-method retry policy, exponential backoff with full
// jitter, and a per-channel token bucket that stops retries when most calls fail.

export interface NormalizedRetryPolicy {
  maxAttempts: number;
  initialBackoff: number; // ms
  maxBackoff: number; // ms
  backoffMultiplier: number;
  retryableStatusCodes: ReadonlySet<number>;
}

/** "0.1s" or milliseconds to milliseconds. */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  if (!match) throw new TypeError(`duration ${JSON.stringify(value)} is not like "0.1s"`);
  return Number(match[1]) * 1000;
}

function statusCode(code: string | number): number {
  if (typeof code === 'number') return code;
  const value = (Status as Record<string, number>)[code.toUpperCase()];
  if (value === undefined) throw new TypeError(`unknown status code ${JSON.stringify(code)}`);
  return value;
}

/** Checks a policy as A6 requires and converts it; maxAttempts above 5 is lowered to 5. */
export function normalizeRetryPolicy(policy: RetryPolicy): NormalizedRetryPolicy {
  const normalized = {
    maxAttempts: Math.min(policy.maxAttempts, 5),
    initialBackoff: durationMs(policy.initialBackoff),
    maxBackoff: durationMs(policy.maxBackoff),
    backoffMultiplier: policy.backoffMultiplier,
    retryableStatusCodes: new Set(policy.retryableStatusCodes.map(statusCode)),
  };
  if (!(normalized.maxAttempts >= 2)) throw new TypeError('retryPolicy.maxAttempts must be at least 2');
  if (!(normalized.initialBackoff > 0 && normalized.maxBackoff > 0 && normalized.backoffMultiplier > 0)) {
    throw new TypeError('retryPolicy backoffs and multiplier must be above 0');
  }
  if (normalized.retryableStatusCodes.size === 0) throw new TypeError('retryPolicy.retryableStatusCodes must not be empty');
  return normalized;
}

/** The policy for "/package.Service/Method" in a service config: the method's own entry, else its service's. */
export function retryPolicyFor(config: ServiceConfig | undefined, path: string): NormalizedRetryPolicy | undefined {
  if (!config?.methodConfig) return undefined;
  const [, service, method] = path.split('/');
  let serviceWide: RetryPolicy | undefined;
  for (const entry of config.methodConfig) {
    for (const name of entry.name) {
      if (name.service === service && name.method === method && entry.retryPolicy) return normalizeRetryPolicy(entry.retryPolicy);
      if (name.service === service && !name.method && entry.retryPolicy) serviceWide = entry.retryPolicy;
    }
  }
  return serviceWide && normalizeRetryPolicy(serviceWide);
}

/** A6: the n-th retry (1-based) waits a random time up to min(initialBackoff * multiplier^(n-1), maxBackoff). */
export function backoffMs(policy: NormalizedRetryPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.initialBackoff * policy.backoffMultiplier ** (retry - 1), policy.maxBackoff);
  return random() * cap;
}

/**
 * A6 retry throttling, one per channel: failures take a token, successes give back tokenRatio of one; retries are
 * allowed only while more than half the tokens are left.
 */
export class RetryThrottle {
  private tokens: number;

  constructor(private readonly config: RetryThrottling) {
    this.tokens = config.maxTokens;
  }

  get allowsRetry(): boolean {
    return this.tokens > this.config.maxTokens / 2;
  }

  failure(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  success(): void {
    this.tokens = Math.min(this.config.maxTokens, this.tokens + this.config.tokenRatio);
  }
}

export function describePolicy(policy: NormalizedRetryPolicy): string {
  return `up to ${policy.maxAttempts} attempts on ${[...policy.retryableStatusCodes].map(statusName).join(', ')}`;
}

/**
 * gRPC A6: how long to wait before the next attempt (after `attempts` so far), or undefined when none may follow:
 * the server's grpc-retry-pushback-ms overrides the backoff (a malformed one forbids the retry), and no retry
 * starts past the deadline.
 */
export function retryDelay(policy: NormalizedRetryPolicy, attempts: number, pushback: string | undefined, deadline: number | undefined): number | undefined {
  if (pushback !== undefined && !/^\d+$/.test(pushback)) return undefined;
  const delay = pushback !== undefined ? Number(pushback) : backoffMs(policy, attempts);
  if (deadline !== undefined && Date.now() + delay >= deadline) return undefined;
  return delay;
}
