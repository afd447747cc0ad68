import type { Connection } from '../../http2/index.js';
import type { HealthChecker } from '../channel/index.js';
import { ClientCall } from './client-call.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH, MIN_COMPRESS_LENGTH, Status, StatusError } from '../call/index.js';
import type { MethodDefinition } from '../schema/index.js';

/** After a Watch stream fails (not UNIMPLEMENTED), start another this long later. */
const RESTART_MS = 1000;

/**
 * gRPC health-checking.md, client side: a grpc.health.v1.Health/Watch stream on one connection, telling its
 * subchannel whether the server is SERVING the service. A server without the health service (UNIMPLEMENTED)
 * counts as healthy, as gRPC does; a stream that fails otherwise is started again while the connection lives.
 */
export class HealthWatch {
  private call: ClientCall<{ status: string }> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly service: string,
    private readonly channel: { authority: string; scheme: string },
    private readonly report: (serving: boolean, reason: string) => void,
  ) {
    void this.watch();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.call?.cancel();
  }

  private async watch(): Promise<void> {
    // health.proto is parsed only by clients that check health
    const { healthService } = await import('../services/index.js');
    if (this.stopped) return;
    const connection = this.connection;
    const call = new ClientCall<{ status: string }>({
      channel: { getTransport: () => Promise.resolve(connection), authority: this.channel.authority, scheme: this.channel.scheme },
      method: healthService.methods.Watch as MethodDefinition,
      options: {},
      deadline: undefined,
      maxReceiveMessageLength: DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH,
      maxSendMessageLength: Infinity,
      compression: 'identity',
      minCompressLength: MIN_COMPRESS_LENGTH,
    }, [{ service: this.service }]);
    this.call = call;
    let reason = 'the health stream ended';
    try {
      for await (const { status } of call) this.report(status === 'SERVING', `health status ${status}`);
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof StatusError && err.code === Status.UNIMPLEMENTED) return this.report(true, 'no health service');
      reason = `the health stream failed: ${(err as Error).message}`;
    }
    if (this.stopped) return;
    this.report(false, reason);
    this.timer = setTimeout(() => void this.watch(), RESTART_MS);
    this.timer.unref();
  }
}

/** The channel's health checker (channel/health-checker.ts): a Watch stream per connection. */
export const watchHealth: HealthChecker = (connection, service, channel, report) => new HealthWatch(connection, service, channel, report);
