// gRPC naming.md: a channel's target is a URI whose scheme names the resolver: dns:[//authority/]host[:port],
// ipv4:address[:port][,…], ipv6:[address]:port[,…], unix:path, unix:///absolute-path, or a scheme of the user's
// own (etcd:///service). A target with no known scheme is a dns name: "host:port".

/** One address a subchannel connects to: TCP host and port, or a unix domain socket path. */
export type SubchannelAddress = { host: string; port: number } | { path: string };

/** A target taken apart: the resolver's scheme, the URI's authority (often empty) and the rest, the endpoint. */
export interface Target {
  scheme: string;
  authority: string;
  endpoint: string;
  /** The target as given. */
  text: string;
}

/** gRPC naming.md: the port of dns, ipv4 and ipv6 targets that name none. */
export const DEFAULT_PORT = 443;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

/**
 * Takes a target apart. `schemes` are the ones a resolver exists for: a target whose leading word is not among them
 * is read as dns "host:port" (as gRPC does), and one with "://" after an unknown scheme is refused by name.
 */
export function parseTarget(text: string, schemes: ReadonlySet<string>): Target {
  if (text.length === 0) throw new TypeError('target is empty: expected host:port or scheme:…, e.g. dns:localhost:50051');
  const match = SCHEME.exec(text);
  if (match && schemes.has(match[1]!.toLowerCase())) {
    const scheme = match[1]!.toLowerCase();
    const rest = match[2]!;
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
      // unix:///abs/path: the endpoint keeps its leading slash
      const endpoint = slash === -1 ? '' : scheme === 'unix' ? rest.slice(slash) : rest.slice(slash + 1);
      return { scheme, authority, endpoint, text };
    }
    return { scheme, authority: '', endpoint: rest, text };
  }
  if (match && match[2]!.startsWith('//')) {
    throw new TypeError(`target ${JSON.stringify(text)}: unknown scheme "${match[1]}" (known: ${[...schemes].sort().join(', ')})`);
  }
  return { scheme: 'dns', authority: '', endpoint: text, text };
}

/** "host[:port]" or "[v6]:port" with a port in 1–65535 (DEFAULT_PORT when none is given). */
export function parseHostPort(text: string, what: string, defaultPort: number | undefined = DEFAULT_PORT): { host: string; port: number } {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*))(?::([^:]*))?$/.exec(text);
  if (!match) throw new TypeError(`${what} ${JSON.stringify(text)} is not host:port (an IPv6 address goes in brackets: [::1]:50051)`);
  const host = match[1] ?? match[2]!;
  if (host.length === 0) throw new TypeError(`${what} ${JSON.stringify(text)} has no host`);
  const portText = match[3];
  if (portText === undefined) {
    if (defaultPort === undefined) throw new TypeError(`${what} ${JSON.stringify(text)} has no port`);
    return { host, port: defaultPort };
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new TypeError(`${what} ${JSON.stringify(text)}: port "${portText}" is not a number from 1 to 65535`);
  }
  return { host, port: Number(portText) };
}

/** How an address is written: "127.0.0.1:50051", "[::1]:50051", "unix:/tmp/s". Also the key of its subchannel. */
export function addressText(address: SubchannelAddress): string {
  if ('path' in address) return `unix:${address.path}`;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
