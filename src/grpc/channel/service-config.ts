// gRPC service_config.proto (the JSON form): what a channel is told about its methods and its balancing, by the
// client's options or by the resolver.

/** A retry policy as gRPC's service config writes it: durations as "0.1s" strings or milliseconds, codes by name or number. */
export interface RetryPolicy {
  maxAttempts: number;
  initialBackoff: string | number;
  maxBackoff: string | number;
  backoffMultiplier: number;
  retryableStatusCodes: Array<string | number>;
}

/** gRPC's retryThrottling: a token bucket that stops retries while too many calls fail. */
export interface RetryThrottling {
  maxTokens: number;
  tokenRatio: number;
}

/** The parts of gRPC's service config we act on. */
export interface ServiceConfig {
  /** gRPC A24: the first policy named here that this client knows is used: `[{ round_robin: {} }]`. */
  loadBalancingConfig?: Array<Record<string, object>>;
  /** The older form of the same: "pick_first" or "round_robin". */
  loadBalancingPolicy?: string;
  /** Client-side health checking (gRPC health-checking.md): each subchannel Watches this service's health. */
  healthCheckConfig?: { serviceName: string };
  methodConfig?: Array<{ name: Array<{ service?: string; method?: string }>; retryPolicy?: RetryPolicy; timeout?: string | number }>;
  retryThrottling?: RetryThrottling;
}

