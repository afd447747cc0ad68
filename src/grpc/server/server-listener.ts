import net from 'node:net';
import tls from 'node:tls';
import { Http1Sniffer } from '../../http2/index.js';

// Where a server accepts connections: a TCP port or a unix socket, in plaintext or TLS; and which HTTP each speaks.

/** What a new connection speaks: known from ALPN, or to be told from its first octets. */
export type Transport = 'h2' | 'http/1.1' | 'sniff';

/**
 * Listens on `where` and hands every connection to `handle` with what it speaks. Over TLS, RFC 9113 §3.2: HTTP/2 is
 * negotiated with ALPN "h2", HTTP/1.1 with "http/1.1" (RFC 7301) when `http1` is on. A client offering ALPN with
 * neither gets node:tls's alert no_application_protocol (RFC 7301 §3.2) in the handshake; one offering no ALPN at
 * all is sniffed like a plaintext one, or, with HTTP/1.1 off, answered in words (HTTP/1.1 426) and closed.
 */
export function listenOn(where: net.ListenOptions, secure: tls.TlsOptions | undefined, http1: boolean, handle: (socket: net.Socket, transport: Transport) => void): Promise<net.Server> {
  // allowHalfOpen stays false, as in Node's own HTTP server: a client's FIN during its response is taken as leaving
  // (browsers and curl never half-close), so the socket closes and its call is cancelled
  const listener = secure
    ? tls.createServer({ ...secure, ALPNProtocols: http1 ? ['h2', 'http/1.1'] : ['h2'], noDelay: true }, (socket) => {
      if (socket.alpnProtocol === 'h2') handle(socket, 'h2');
      else if (http1) handle(socket, socket.alpnProtocol === 'http/1.1' ? 'http/1.1' : 'sniff');
      else refuseWithoutH2(socket);
    })
    : net.createServer({ noDelay: true }, (socket) => handle(socket, http1 ? 'sniff' : 'h2')); // no Nagle delay: each turn's frames are one write already
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(where, () => {
      listener.off('error', reject);
      resolve(listener);
    });
  });
}

/**
 * RFC 9113 §3.4 and RFC 9112 §3: tells an HTTP/2 client (its preface) from an HTTP/1.x one (a request line) by the
 * first octets, then gives the socket, those octets put back unread, to `then`. A peer that sends nothing within
 * `timeoutMs`, or closes first, is closed.
 */
export function sniffTransport(socket: net.Socket, timeoutMs: number, then: (transport: 'h2' | 'http/1.1') => void): void {
  const sniffer = new Http1Sniffer();
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const gone = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    const seen = sniffer.push(chunk);
    if (seen === 'more') return;
    clearTimeout(timer);
    socket.off('data', onData).off('end', gone).off('error', gone);
    socket.pause();
    socket.unshift(sniffer.take());
    then(seen === 'http1' ? 'http/1.1' : 'h2');
    socket.resume();
  };
  socket.on('data', onData).once('end', gone).once('error', gone);
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
