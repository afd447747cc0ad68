/**
 * What the streams of one connection did, counted when someone asks (gRFC A14 channelz's SocketData): the store
 * counts a stream started when it becomes live, succeeded when it closes both ways in the normal course (RFC 9113
 * §5.1: END_STREAM each way), failed when a RST_STREAM or the connection's end closes it. Times are Date.now()
 * milliseconds, 0 before the first.
 */
export class StreamStats {
  streamsStarted = 0;
  streamsSucceeded = 0;
  streamsFailed = 0;
  /** When we last opened a stream. */
  lastLocalStreamCreated = 0;
  /** When the peer last opened one. */
  lastRemoteStreamCreated = 0;

  opened(local: boolean): void {
    this.streamsStarted++;
    if (local) this.lastLocalStreamCreated = Date.now();
    else this.lastRemoteStreamCreated = Date.now();
  }

  closed(normally: boolean): void {
    if (normally) this.streamsSucceeded++;
    else this.streamsFailed++;
  }
}
