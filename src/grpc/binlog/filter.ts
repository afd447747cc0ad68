// gRFC A16's control interface: the GRPC_BINARY_LOG_FILTER string, a ','-separated list of patterns, each
//   *                      every method (the default for all services)
//   <service>/*            every method of a service
//   <service>/<method>     one method
//   -<service>/<method>    never this method (no "*", no limits)
// followed (except an exclusion) by optional limits: {h}, {h:N}, {m}, {m:N}, {h;m}, {h:N;m}, {h;m:N}, {h:N;m:M}.
// No limits logs whole headers and messages; naming only h logs no message octets, only m no metadata. The most
// exact pattern wins: a method's own, then its exclusion, then its service's, then "*". A malformed string, or two
// patterns for the same thing, is refused with an error naming the pattern ("the gRPC process must refuse to start
// up"), as grpc-go's parser does.

/** How much of a call's metadata and messages is logged, in octets (Infinity: all of it). */
export interface LogLimits {
  /** Octets of metadata (keys and values) logged per header block, trailers included. */
  header: number;
  /** Octets logged of each message. */
  message: number;
}

const ALL: LogLimits = { header: Infinity, message: Infinity };

// grpc-go's shapes: a service is word characters, dots and slashes; a method word characters
const PATTERN = /^([\w./]+)\/(\w+|\*)(.*)$/;
const LIMITS = /^\{(?:h(?::(\d+))?(?:;m(?::(\d+))?)?|m(?::(\d+))?)\}$/;

/** A parsed filter: which methods are logged, and how much of each. */
export class BinaryLogFilter {
  private all: LogLimits | undefined;
  private readonly services = new Map<string, LogLimits>();
  private readonly methods = new Map<string, LogLimits>();
  private readonly excluded = new Set<string>();

  /** Parses a filter string; throws an Error naming the first bad pattern and what is wrong with it. */
  constructor(readonly text: string) {
    if (text === '') return; // gRFC A16: an empty filter logs nothing
    for (const pattern of text.split(',')) this.add(pattern);
  }

  /** The limits for a call to "/service/method", or undefined when the filter does not log it. */
  limitsFor(path: string): LogLimits | undefined {
    const slash = path.lastIndexOf('/');
    const service = path.slice(path.startsWith('/') ? 1 : 0, slash);
    const method = `${service}/${path.slice(slash + 1)}`;
    return this.methods.get(method) ?? (this.excluded.has(method) ? undefined : this.services.get(service) ?? this.all);
  }

  private add(pattern: string): void {
    const fail = (why: string): never => {
      throw new Error(`binary log filter ${JSON.stringify(this.text)}: ${pattern === '' ? 'an empty pattern (a "," too many)' : `pattern ${JSON.stringify(pattern)}`} ${why} (gRFC A16)`);
    };
    if (pattern === '') fail('is not allowed');
    if (pattern.startsWith('-')) {
      const match = PATTERN.exec(pattern.slice(1));
      if (!match) fail('is not -<service>/<method>');
      const [, service, method, rest] = match!;
      if (method === '*') fail('excludes with "*": an exclusion names one method');
      if (rest) fail('has limits or more after the method: an exclusion takes none');
      const name = `${service}/${method}`;
      if (this.excluded.has(name) || this.methods.has(name)) fail(`names ${name}, which an earlier pattern names too`);
      this.excluded.add(name);
      return;
    }
    if (pattern.startsWith('*')) {
      if (this.all) fail('repeats "*": only one pattern may give the default for all methods');
      this.all = limitsOf(pattern.slice(1), fail);
      return;
    }
    const match = PATTERN.exec(pattern);
    if (!match) fail(pattern.startsWith('*/') ? 'names a method of every service ("*/<method>"), which is not supported' : 'is not *, <service>/*, <service>/<method> or -<service>/<method>');
    const [, service, method, rest] = match!;
    const limits = limitsOf(rest!, fail);
    if (method === '*') {
      if (this.services.has(service!)) fail(`gives ${service}/* again`);
      this.services.set(service!, limits);
      return;
    }
    const name = `${service}/${method}`;
    if (this.methods.has(name) || this.excluded.has(name)) fail(`names ${name}, which an earlier pattern names too`);
    this.methods.set(name, limits);
  }
}

/** "{h:N;m:M}" and its shorter forms as limits; "" is no limit at all. */
function limitsOf(text: string, fail: (why: string) => never): LogLimits {
  if (text === '') return ALL;
  const match = LIMITS.exec(text);
  if (!match) return fail(`has ${JSON.stringify(text)} where limits go: {h}, {h:N}, {m}, {m:N}, {h;m} or {h:N;m:M}`);
  const [, header, message, messageOnly] = match;
  const octets = (digits: string | undefined): number => {
    if (digits === undefined) return Infinity;
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) fail(`has a limit of ${digits} octets, more than ${Number.MAX_SAFE_INTEGER}`);
    return n;
  };
  if (text.startsWith('{m')) return { header: 0, message: octets(messageOnly) };
  return { header: octets(header), message: text.includes(';m') ? octets(message) : 0 };
}
