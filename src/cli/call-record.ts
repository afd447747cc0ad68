import type { HeaderList } from '../http2/index.js';
import type { CallWatcher, ConnectTimes } from './cli-connection.js';

// What `call` saw of its call: the header lists as they went and came (the details of a status are read from the
// trailers), printed to standard error as they happen with -v (grpcurl's verbose output, the header lists whole:
// pseudo-headers and all), with each response's size and the time of each step with -vv.

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function headerLines(headers: HeaderList | undefined): string {
  return headers?.length ? headers.map(([k, v]) => `${k}: ${v}`).join('\n') : '(empty)';
}

export class CallRecord implements CallWatcher {
  trailers: HeaderList | undefined;
  private headers: HeaderList | undefined;
  private responses = 0;

  constructor(
    readonly verbosity: number,
    private readonly write: (text: string) => void = (text) => void process.stderr.write(text),
  ) {}

  /** The method about to be called, as describe prints it. */
  method(text: string): void {
    if (this.verbosity > 0) this.write(`\nResolved method descriptor:\n${text}\n`);
  }

  requestHeaders(headers: HeaderList): void {
    if (this.verbosity > 0) this.write(`\nRequest headers sent:\n${headerLines(headers)}\n`);
  }

  responseHeaders(headers: HeaderList, endStream: boolean): void {
    if (endStream) {
      this.trailers = headers;
      return;
    }
    this.headers = headers;
    if (this.verbosity > 0) this.write(`\nResponse headers received:\n${headerLines(headers)}\n`);
  }

  /** A response message of `size` octets, about to be printed on standard output. */
  response(size: number): void {
    this.responses++;
    if (this.verbosity > 1) this.write(`\nResponse size: ${size} bytes\n`);
    if (this.verbosity > 0) this.write('\nResponse contents:\n');
  }

  /** The call ended (after its responses): the trailers, and how many messages went each way. */
  end(requests: number): void {
    if (this.verbosity === 0) return;
    // a Trailers-Only response has one header block, the trailers
    if (!this.headers && this.trailers) this.write(`\nResponse headers received:\n(empty)\n`);
    this.write(`\nResponse trailers received:\n${headerLines(this.trailers)}\n`);
    this.write(`Sent ${plural(requests, 'request')} and received ${plural(this.responses, 'response')}\n`);
  }
}

/** -vv's closing lines: how long each step took, as grpcurl's "Timing Data". */
export function timingLines(total: number, steps: Array<{ name: string; start: number; end: number; connect?: ConnectTimes }>): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const lines = [`Timing data: ${ms(total)}`];
  for (const step of steps) {
    lines.push(`  ${step.name}: ${ms(step.end - step.start)}`);
    const c = step.connect;
    if (c?.asked !== undefined && c.transport !== undefined) lines.push(`    connect (TCP${c.tls ? ', TLS' : ''}): ${ms(c.transport - c.asked)}`);
    if (c?.transport !== undefined && c.settings !== undefined) lines.push(`    HTTP/2 handshake (the server's SETTINGS): ${ms(c.settings - c.transport)}`);
  }
  return lines.join('\n');
}
