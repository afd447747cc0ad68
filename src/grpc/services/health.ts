import { fileURLToPath } from 'node:url';
import { lazyService, loadService } from '../schema/index.js';
import { Status, StatusError } from '../call/index.js';

// gRPC health checking (grpc/doc/health-checking.md): grpc.health.v1.Health, Check and Watch, per service; the
// empty service name is the server as a whole.

/** The path of health.proto (grpc.health.v1) as shipped. */
export const HEALTH_PROTO = fileURLToPath(new URL('./protos/health.proto', import.meta.url));
/** grpc.health.v1.Health, for server.addService. */
export const healthService = lazyService('grpc.health.v1.Health', () => loadService(HEALTH_PROTO, 'grpc.health.v1.Health'));

/** What Watch needs of its server call (a ServerCall has both): this room does not depend on the server's. */
interface WatchingCall {
  readonly signal: AbortSignal;
  readonly cancelled: boolean;
}

/** A service's health, as grpc.health.v1 reports it. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN';

/** The statuses a server reports, and the Check and Watch handlers that report them. */
export class HealthStatus {
  private readonly statuses = new Map<string, ServingStatus>([['', 'SERVING']]);
  private readonly watchers = new Set<(service: string) => void>();
  private ending = false;

  set(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const notify of this.watchers) notify(service);
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /**
   * What a server going through graceful shutdown does first: every service NOT_SERVING, told to every watcher,
   * whose Watch streams then end (so they do not hold the shutdown up).
   */
  shutdown(): void {
    this.ending = true;
    for (const service of this.statuses.keys()) this.set(service, 'NOT_SERVING');
    for (const notify of this.watchers) notify('');
  }

  /** The Check and Watch handlers, for server.addService(healthService, health.handlers). */
  readonly handlers = {
    Check: ({ service }: { service: string }) => {
      const status = this.statuses.get(service);
      if (status === undefined) throw new StatusError(Status.NOT_FOUND, `unknown service ${JSON.stringify(service)}`);
      return { status };
    },
    Watch: ({ service }: { service: string }, call: WatchingCall) => this.watch(service, call),
  };

  /** Sends the status now and again at every change, until the client goes away. */
  private async *watch(service: string, call: WatchingCall) {
    let changed: (() => void) | undefined;
    const notify = (s: string) => (s === service || this.ending) && changed?.();
    this.watchers.add(notify);
    call.signal.addEventListener('abort', () => changed?.());
    try {
      let last: string | undefined;
      while (!call.cancelled) {
        const status = this.statuses.get(service) ?? 'SERVICE_UNKNOWN';
        if (status !== last) {
          last = status;
          yield { status };
        }
        if (this.ending) return;
        await new Promise<void>((resolve) => (changed = resolve));
      }
    } finally {
      this.watchers.delete(notify);
    }
  }
}
