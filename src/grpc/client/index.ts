// The client side: Client and its stubs, ClientCall (one call's life, retries and replays), call options,
// response status, interceptors, retry policies, health watching for the channel, and the reflection client.
// Imports: schema/, call/, channel/, services/.
export { Client, type ClientOptions, createClient, type ServiceClient, type StubMethod, type TypedCalls, type TypedClient } from './client.js';
export { type CallOptions, ClientCall, type UnaryResult, USER_AGENT } from './client-call.js';
export { type ClientCallInfo, type ClientInterceptor } from './interceptors.js';
export { type ServiceStubs, type StubOf } from './stub-types.js';
export { backoffMs, normalizeRetryPolicy, retryPolicyFor, RetryThrottle } from './retry.js';
export { reflect } from './reflection-client.js';
