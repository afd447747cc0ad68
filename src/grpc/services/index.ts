// The services a server ships: grpc.health.v1.Health (health-checking.md), server reflection (v1 and v1alpha) and
// channelz's definition (gRFC A14; its handlers are in channelz/).
// Imports: schema/, call/. The server serves them by option; clients of them live in client/.
export { HEALTH_PROTO, healthService, HealthStatus, type ServingStatus } from './health.js';
export { REFLECTION_PROTO, reflectionHandler, reflectionService, reflectionV1alphaService, reflectionV1alphaText } from './reflection.js';
export { CHANNELZ_PROTO, channelzService } from './channelz.js';
