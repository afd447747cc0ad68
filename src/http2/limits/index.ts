// What a peer may make a connection hold or spend (docs/security.md): the limits and their defaults in one options
// object, the rate budgets (token buckets) of the frames a peer provokes, and the stall timer of a peer not reading.
// Imports: frames, stream/.
export { type ConnectionLimits, DEFAULT_LIMITS, type Rate } from './limits.js';
export { OutboundStall, type StallProgress } from './outbound-stall.js';
export { PeerRates, TokenBucket } from './rate-limit.js';
