import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

// Where a server accepts connections: a TCP port or a unix socket, in plaintext or TLS with ALPN "h2".

/**
 * Listens on `where` and hands every connection that speaks HTTP/2 to `handle`. Over TLS, RFC 9113 §3.2: HTTP/2 is
 * negotiated with ALPN "h2". A client offering ALPN without "h2" gets node:tls's alert no_application_protocol
 * (RFC 7301 §3.2) in the handshake; one offering no ALPN at all is answered in words (HTTP/1.1 426) and closed.
 */
export function listenOn(where: net.ListenOptions, secure: tls.TlsOptions | undefined, handle: (socket: Duplex) => void): Promise<net.Server> {
  const listener = secure
    ? tls.createServer({ ...secure, ALPNProtocols: ['h2'], noDelay: true }, (socket) => (socket.alpnProtocol === 'h2' ? handle(socket) : refuseWithoutH2(socket)))
    : net.createServer({ noDelay: true }, handle); // no Nagle delay: each turn's frames are one write already
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(where, () => {
      listener.off('error', reject);
      resolve(listener);
    });
  });
}

function refuseWithoutH2(socket: tls.TLSSocket): void {
  const message = 'This is a gRPC server: it speaks HTTP/2 only, negotiated with TLS ALPN "h2".\n';
  socket.end(`HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\nContent-Length: ${message.length}\r\nConnection: close\r\n\r\n${message}`);
}

/** A listener's address as a client target writes it: "127.0.0.1:50051", "[::1]:50051", "unix:/path"; "" when closed. */
export function listenerAddress(listener: net.Server | undefined): string {
  const address = listener?.address();
  if (!address) return '';
  if (typeof address === 'string') return `unix:${address}`;
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}
