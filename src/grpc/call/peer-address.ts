import net from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The address at the other end of a connection as "address:port" (the port after the last colon, "::1:50051" for
 * IPv6), as a server names its clients; "unknown" for a Duplex that is not a socket (a test pipe).
 */
export function peerAddress(socket: Duplex): string {
  return socket instanceof net.Socket && socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
}
