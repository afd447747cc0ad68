// Where a client's calls go (gRPC naming.md, load-balancing.md): targets, resolvers, subchannels and their
// connectivity states, pick_first and round_robin, the service config, and the seam for health checking.
// Imports: schema/, call/.
export { type BackoffOptions, Channel, type ChannelOptions } from './channel.js';
export { type ConnectivityState } from './connectivity.js';
export { type Resolver, type ResolverFactory, type ResolverListener, type ResolverOptions, StaticResolver } from './resolver.js';
export { builtInResolvers } from './built-in-resolvers.js';
export { lookupAll } from './dns-resolver.js';
export { type HealthChecker } from './health-checker.js';
export { addressText, DEFAULT_PORT, parseHostPort, parseTarget, type SubchannelAddress, type Target } from './target.js';
export { type RetryPolicy, type RetryThrottling, type ServiceConfig } from './service-config.js';
