// The pi service shared by the examples: the schema and the Calc handler of the tutorial.
import { fileURLToPath } from 'node:url';
import { type Server, Status, StatusError, type ServerCall, type ServiceDefinition } from '../src/grpc/index.js';
import { traceObserver, traceSettings } from '../src/trace/index.js';
import { PiCalculator, type PiRequest, type PiResponseInit } from './gen/pi.js';
import { die } from './run.js';

/** pi.proto, for the tracer's message decoding; the program's types come from ./gen/pi.ts (npm run gen:examples). */
export const PI_PROTO = fileURLToPath(new URL('./pi.proto', import.meta.url));
/** pi.PiCalculator, typed: generated from pi.proto by `h2grpc gen`. */
export const piService = PiCalculator;

/** pi from the first n terms: sqrt(8 * sum over i<n of 1/(2i+1)^2). */
export function pi(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += 1 / (2 * i + 1) / (2 * i + 1);
  return Math.sqrt(8 * s);
}

export interface CalcOptions {
  /** Sleep this long before answering, as the tutorial does to show concurrency (ms). */
  sleep?: number;
}

export function calcHandler(options: CalcOptions = {}) {
  return async ({ n }: PiRequest, call: ServerCall): Promise<PiResponseInit> => {
    if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
    if (options.sleep) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.sleep);
        call.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(call.signal.reason);
        });
      });
    }
    return { value: pi(n) };
  };
}

/** --trace [LEVELS] / --trace-file FILE / H2GRPC_TRACE, as the observer option of a server or a client. */
export function tracing(role: 'client' | 'server', services: ServiceDefinition[], protos: string[] = []) {
  return traceObserver(role, traceSettings(), services, protos);
}

/** The flags every example takes: --port N (or PORT), --host H, and the tracing flags. */
export function exampleArgs(argv = process.argv.slice(2), defaultPort = 8080): { port: number; host: string; rest: string[] } {
  let rawPort = process.env.PORT ?? String(defaultPort);
  let host = '127.0.0.1';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') rawPort = argv[++i] ?? '';
    else if (argv[i]!.startsWith('--port=')) rawPort = argv[i]!.slice(7);
    else if (argv[i] === '--host') host = argv[++i] ?? die('--host needs an address, like 127.0.0.1', 2);
    else if (argv[i] === '--trace-file') i++;
    else if (argv[i]!.startsWith('--trace')) continue;
    else rest.push(argv[i]!);
  }
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) die(`--port takes a number from 0 to 65535, not "${rawPort}"`, 2);
  return { port, host, rest };
}

/** How long a server example lets calls in flight finish after Ctrl-C or SIGTERM before it cancels them. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * Graceful shutdown on SIGINT (Ctrl-C) and SIGTERM (what containers and process managers send): GOAWAY, calls in
 * flight get SHUTDOWN_GRACE_MS, then the rest are cancelled; then `after` (a binary log closed). A second signal stops
 * at once.
 */
export function stopOnSignals(server: Server, say: (line: string) => void = console.log, after?: () => Promise<void> | undefined): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: stopping now`);
      server.forceShutdown();
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: shutting down, GOAWAY sent; calls in flight get up to ${SHUTDOWN_GRACE_MS / 1000} s (again to stop now)`);
    void server.shutdown({ graceMs: SHUTDOWN_GRACE_MS }).then(() => after?.()).then(() => say('bye'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
