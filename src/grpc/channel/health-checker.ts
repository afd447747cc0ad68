import type { Connection } from '../../http2/index.js';

/**
 * gRPC health-checking.md, client side: watches `service` on one connection and reports whether the server is
 * SERVING it. The channel asks for one per connection when its service config names a health-checked service;
 * the client room gives the channel its Health/Watch implementation (as grpc-go's internal.HealthCheckFunc), so
 * the channel needs no call machinery of its own.
 */
export type HealthChecker = (
  connection: Connection,
  service: string,
  channel: { authority: string; scheme: string },
  report: (serving: boolean, reason: string) => void,
) => { stop(): void };
