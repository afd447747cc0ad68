import type { CallObservers, ClientCallObserver, ClientCallStart, ServerCallObserver, ServerCallStart } from '../call/index.js';
import { ClientCallLog, ServerCallLog } from './call-log.js';
import { FileSink } from './file-sink.js';
import { BinaryLogFilter } from './filter.js';
import { encodeLogEntry, type LogEntry } from './log-entry.js';

/** What binaryLog() is made with. */
export interface BinaryLogOptions {
  /** Which calls are logged, and how much of each: gRFC A16's GRPC_BINARY_LOG_FILTER syntax ("*", "Foo/*,-Foo/Bar", "*{h:256;m:1024}"). */
  filter: string;
  /** The file the entries are appended to, as grpc-go writes them (a 4-octet big-endian length, then the entry). */
  file: string;
  /** Most octets of entries waiting for the disk; past it entries are dropped and counted (`dropped`). Default 4 MiB. */
  maxBufferedBytes?: number;
}

/**
 * A binary log (gRFC A16): the calls its filter selects, each event a grpc.binarylog.v1.GrpcLogEntry in the file.
 * Give it to a server or a client as their `binaryLog` option; one log may serve several (call ids are unique
 * within it). Call `close()` once they are done, so that what is still queued reaches the file.
 */
export class BinaryLog implements CallObservers {
  readonly filter: BinaryLogFilter;
  private readonly sink: FileSink;
  private lastCallId = 0;
  private readonly write = (entry: LogEntry) => this.sink.write(encodeLogEntry(entry));

  constructor(options: BinaryLogOptions) {
    this.filter = new BinaryLogFilter(options.filter);
    this.sink = new FileSink(options.file, options.maxBufferedBytes);
  }

  /** The file written. */
  get file(): string {
    return this.sink.path;
  }

  /** Entries written to the file so far. */
  get written(): number {
    return this.sink.written;
  }

  /** Entries dropped so far: the disk was behind by more than maxBufferedBytes, or a write failed (`error`). */
  get dropped(): number {
    return this.sink.dropped;
  }

  /** The last write error, if any. */
  get error(): Error | undefined {
    return this.sink.error;
  }

  serverCall(start: ServerCallStart): ServerCallObserver | undefined {
    const limits = this.filter.limitsFor(start.path);
    return limits && new ServerCallLog(this.write, ++this.lastCallId, limits, start);
  }

  clientCall(start: ClientCallStart): ClientCallObserver | undefined {
    const limits = this.filter.limitsFor(start.path);
    return limits && new ClientCallLog(this.write, ++this.lastCallId, limits, start);
  }

  /** Resolves once every entry logged so far is in the file. */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  /** Writes what is queued and closes the file; entries logged later are dropped. */
  close(): Promise<void> {
    return this.sink.close();
  }
}

/**
 * A binary log for a server's or a client's `binaryLog` option. Throws at once on a malformed filter (naming the
 * pattern and what is wrong) or a file that cannot be opened: gRFC A16 has a process refuse to start on either.
 */
export function binaryLog(options: BinaryLogOptions): BinaryLog {
  return new BinaryLog(options);
}

/**
 * The binary log the environment asks for: GRPC_BINARY_LOG_FILTER (gRFC A16) into `file` (or
 * GRPC_BINARY_LOG_FILE); undefined when the variable is unset or empty, so that nothing is made per call.
 */
export function binaryLogFromEnv(file: string, env: NodeJS.ProcessEnv = process.env): BinaryLog | undefined {
  const filter = env.GRPC_BINARY_LOG_FILTER;
  return filter ? binaryLog({ filter, file: env.GRPC_BINARY_LOG_FILE || file }) : undefined;
}
