import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

// gRFC A14 Socket: where a socket's two ends are (Address) and what protects it (Security), read from node:net and
// node:tls when channelz is asked, never kept.

/** An end of a socket: TCP/IP, a unix domain socket, or something else named (an in-memory pair). */
export type SocketAddress = { ip: string; port: number } | { path: string } | { name: string };

/** What TLS says of a socket: the cipher suite (its standard name when known) and both certificates (DER). */
export interface TlsInfo {
  standardName?: string;
  otherName?: string;
  localCertificate?: Uint8Array;
  remoteCertificate?: Uint8Array;
}

/** The local and remote ends of a transport (undefined when it is not a socket: an in-memory pair). */
export function socketEnds(socket: Duplex): { local?: SocketAddress; remote?: SocketAddress } {
  if (!(socket instanceof net.Socket)) return {};
  const end = (address: string | undefined, port: number | undefined): SocketAddress | undefined =>
    address ? { ip: address, port: port ?? 0 } : undefined;
  return { local: end(socket.localAddress, socket.localPort), remote: end(socket.remoteAddress, socket.remotePort) };
}

/** TLS's view of a socket, or undefined for plaintext. */
export function tlsInfo(socket: Duplex): TlsInfo | undefined {
  if (!(socket instanceof tls.TLSSocket)) return undefined;
  const cipher = socket.getCipher() as tls.CipherNameAndProtocol & { standardName?: string };
  const local = socket.getCertificate();
  const remote = socket.getPeerCertificate();
  return {
    standardName: cipher?.standardName,
    otherName: cipher?.standardName ? undefined : cipher?.name,
    localCertificate: local && 'raw' in local ? local.raw : undefined,
    remoteCertificate: remote && 'raw' in remote && remote.raw ? remote.raw : undefined,
  };
}

/** An IP address as its 4 or 16 octets (Address.TcpIpAddress.ip_address), network order. */
export function ipOctets(ip: string): Uint8Array {
  if (net.isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  const out = new Uint8Array(16);
  if (!net.isIPv6(ip)) return new Uint8Array(0);
  let text = ip.replace(/%.*$/, '');
  // an embedded IPv4 tail (::ffff:127.0.0.1) becomes two groups
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = groups(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** How an address is written in names and the CLI: "127.0.0.1:50051", "[::1]:50051", "unix:/tmp/s". */
export function addressText(address: SocketAddress | undefined): string {
  if (!address) return '?';
  if ('path' in address) return `unix:${address.path}`;
  if ('name' in address) return address.name;
  return address.ip.includes(':') ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}
