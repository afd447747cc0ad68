import fs from 'node:fs';

// Where a binary log's entries go: a file, in grpc-go's format (binarylog/sink.go: each entry a 4-octet big-endian
// length, then the serialized GrpcLogEntry), so that tools reading grpc-go's logs read ours. Entries are batched:
// those of one turn of the event loop go to the file in one write, and while a write is in flight the next ones
// wait behind it. What waits is bounded: past maxBufferedBytes an entry is dropped and counted, never held.

/** Default of BinaryLogOptions.maxBufferedBytes: 4 MiB of entries waiting for the disk. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class FileSink {
  /** Entries written to the file. */
  written = 0;
  /** Entries dropped: no room while the disk was behind, a failed write, or written after close(). */
  dropped = 0;
  /** The last write error, if a write failed (its entries are counted in `dropped`). */
  error: Error | undefined;

  private readonly fd: number;
  private queue: Uint8Array[] = []; // length prefixes and entries, in order
  private queuedEntries = 0;
  private bufferedBytes = 0; // queued and in flight
  private writing = false;
  private scheduled = false;
  private closed = false;
  private readonly idle: Array<() => void> = [];

  /** Opens (appends to) the file now, so that a path that cannot be written fails at once with the reason. */
  constructor(
    readonly path: string,
    private readonly maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES,
  ) {
    try {
      this.fd = fs.openSync(path, 'a');
    } catch (err) {
      throw new Error(`binary log file ${path} cannot be opened for writing: ${(err as Error).message}`);
    }
  }

  /** Queues one serialized GrpcLogEntry; dropped (and counted) when the bound would be passed or the sink is closed. */
  write(entry: Uint8Array): void {
    const size = 4 + entry.length;
    if (this.closed || this.bufferedBytes + size > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeUInt32BE(entry.length, 0);
    this.queue.push(prefix, entry);
    this.queuedEntries++;
    this.bufferedBytes += size;
    if (!this.writing && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushQueue());
    }
  }

  /** Resolves once every entry queued so far has been written (or dropped by a failed write). */
  flush(): Promise<void> {
    if (!this.writing && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Writes what is queued, then closes the file; later entries are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await new Promise<void>((resolve) => fs.close(this.fd, () => resolve()));
  }

  /** One write of everything queued; when it is done, the next batch, or the waiters of flush(). */
  private flushQueue(): void {
    this.scheduled = false;
    if (this.queue.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    const batch = Buffer.concat(this.queue);
    const entries = this.queuedEntries;
    this.queue = [];
    this.queuedEntries = 0;
    this.writing = true;
    this.writeAll(batch, 0, (err) => {
      this.writing = false;
      this.bufferedBytes -= batch.length;
      if (err) {
        this.error = err;
        this.dropped += entries;
      } else this.written += entries;
      this.flushQueue();
    });
  }

  /** fs.write until every octet is written (a write may take fewer than asked). */
  private writeAll(data: Buffer, offset: number, done: (err: Error | null) => void): void {
    fs.write(this.fd, data, offset, data.length - offset, null, (err, n) => {
      if (err) return done(err);
      if (n === 0) return done(new Error(`nothing more could be written to ${this.path}`));
      if (offset + n < data.length) return this.writeAll(data, offset + n, done);
      done(null);
    });
  }
}
