import dns from 'node:dns';
import net from 'node:net';
import type { Resolver, ResolverListener } from './resolver.js';
import { parseHostPort, type SubchannelAddress, type Target } from './target.js';

/** Every address the system resolver (getaddrinfo: /etc/hosts, then DNS) has for a host; an IP address is itself. */
export async function lookupAll(host: string): Promise<string[]> {
  if (net.isIP(host)) return [host];
  return (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/**
 * dns:[//dns-server/]host[:port] (and a plain host:port): every A and AAAA record of the name, each a subchannel.
 * Without a DNS server named it asks the system (getaddrinfo: /etc/hosts, then DNS), as gRPC's native resolver
 * does. It resolves again when the channel asks (a connection failed or closed), at most once per `minInterval`.
 */
export class DnsResolver implements Resolver {
  readonly authority: string;
  private readonly host: string;
  private readonly port: number;
  private readonly server: string | undefined;
  private listener: ResolverListener | undefined;
  private resolving = false;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    target: Target,
    private readonly minInterval: number,
  ) {
    const { host, port } = parseHostPort(target.endpoint, 'dns name');
    this.host = host;
    this.port = port;
    this.server = target.authority || undefined;
    if (this.server !== undefined) parseHostPort(this.server, 'DNS server', 53);
    this.authority = target.endpoint;
  }

  start(listener: ResolverListener): void {
    this.listener = listener;
    void this.resolve();
  }

  refresh(): void {
    if (this.resolving || this.timer || this.closed || !this.listener) return;
    const wait = this.last + this.minInterval - Date.now();
    if (wait <= 0) {
      void this.resolve();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.resolve();
    }, wait);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async resolve(): Promise<void> {
    this.resolving = true;
    this.last = Date.now();
    try {
      const hosts = await this.lookup();
      if (this.closed) return;
      if (hosts.length === 0) throw new Error('no A or AAAA records');
      const addresses: SubchannelAddress[] = hosts.map((host) => ({ host, port: this.port }));
      this.listener!.onAddresses(addresses);
    } catch (err) {
      if (!this.closed) this.listener!.onError(new Error(`cannot resolve ${JSON.stringify(this.host)}: ${(err as Error).message}`));
    } finally {
      this.resolving = false;
    }
  }

  private async lookup(): Promise<string[]> {
    if (this.server === undefined || net.isIP(this.host)) return lookupAll(this.host);
    const resolver = new dns.promises.Resolver({ timeout: 5000, tries: 2 });
    const { host, port } = parseHostPort(this.server, 'DNS server', 53);
    resolver.setServers([net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`]);
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(this.host), resolver.resolve6(this.host)]);
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (found.length === 0 && v4.status === 'rejected') throw v4.reason;
    return found;
  }
}
