import net from 'node:net';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { DnsResolver } from './dns-resolver.js';
import { type ResolverFactory, StaticResolver } from './resolver.js';
import { parseHostPort } from './target.js';

// The schemes of gRPC naming.md every channel resolves without help: dns:, ipv4:, ipv6:, unix:.

/** ipv4:a[:p][,a[:p]…] and ipv6:[a]:p[,…] (or a bare address, port 443). */
function ipList(family: 4 | 6): ResolverFactory {
  return (target) => {
    if (target.endpoint.length === 0) throw new TypeError(`target ${JSON.stringify(target.text)} lists no address`);
    const addresses = target.endpoint.split(',').map((part) => {
      // a bare IPv6 address has colons of its own: it takes the default port
      const address = family === 6 && net.isIPv6(part) ? { host: part, port: 443 } : parseHostPort(part, `ipv${family} address`);
      if (net.isIP(address.host) !== family) {
        throw new TypeError(`target ${JSON.stringify(target.text)}: "${address.host}" is not an IPv${family} address`);
      }
      return address;
    });
    const first = addresses[0]!;
    return new StaticResolver(family === 6 ? `[${first.host}]:${first.port}` : `${first.host}:${first.port}`, addresses);
  };
}

/** unix:relative/or/absolute and unix:///absolute: one socket path, relative to the working directory. */
const unixResolver: ResolverFactory = (target) => {
  const path = target.endpoint;
  if (path.length === 0) throw new TypeError(`target ${JSON.stringify(target.text)} names no socket path`);
  if (target.authority !== '') throw new TypeError(`target ${JSON.stringify(target.text)}: unix targets have no authority (use unix:///absolute/path)`);
  return new StaticResolver('localhost', [{ path: isAbsolute(path) ? path : resolvePath(path) }]);
};

/** The schemes every channel knows; a client's `resolvers` option adds its own (or replaces these). */
export function builtInResolvers(): Record<string, ResolverFactory> {
  return {
    dns: (target, options) => new DnsResolver(target, options.dnsMinInterval ?? 30_000),
    ipv4: ipList(4),
    ipv6: ipList(6),
    unix: unixResolver,
  };
}
