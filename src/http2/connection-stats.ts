import { StreamStats } from './stream/index.js';

/**
 * A connection's counts for gRFC A14 channelz (SocketData), kept only once `connection.collectStats()` asks: its
 * streams (stream/stream-stats.ts) and the keepalive PINGs it sent (gRPC keepalive.md). Read-only to everyone but
 * the connection.
 */
export class ConnectionStats extends StreamStats {
  keepalivesSent = 0;
}
