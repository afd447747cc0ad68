// --trace [LEVELS], --trace-file FILE and H2GRPC_TRACE=frames|hpack|messages|all: tracing for the examples and the
// CLI, as observer factories for ServerOptions.observer and ClientOptions.observer.
import type { Duplex } from 'node:stream';
import type { ServiceDefinition } from '../grpc/index.js';
import { parseLevels } from './terminal/index.js';
import { Tracer } from './tracer.js';

/** Tracing as asked by --trace flags or H2GRPC_TRACE: the levels to print and the file to record to. */
export interface TraceSettings {
  levels: ReturnType<typeof parseLevels>;
  file: string | undefined;
}

/** parseLevels, with where the words came from in its error: "H2GRPC_TRACE=bogus: unknown trace level …". */
function levelsFrom(where: string, spec: string | undefined): TraceSettings['levels'] {
  try {
    return parseLevels(spec);
  } catch (err) {
    throw new Error(`${where}${spec}: ${(err as Error).message}`);
  }
}

/**
 * Reads --trace, --trace=LEVELS, --trace-file FILE from argv and H2GRPC_TRACE from the environment. Throws on a
 * level that does not exist (in either), naming the valid ones.
 */
export function traceSettings(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): TraceSettings {
  let levels = levelsFrom('H2GRPC_TRACE=', env.H2GRPC_TRACE);
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--trace') levels = parseLevels('all');
    else if (arg.startsWith('--trace=')) levels = levelsFrom('--trace=', arg.slice(8));
    else if (arg === '--trace-file') file = argv[++i];
    else if (arg.startsWith('--trace-file=')) file = arg.slice(13);
  }
  return { levels, file };
}

/**
 * An observer factory for a server or a client, or undefined when tracing is off. With a trace file, the first
 * connection records to FILE and later ones to FILE.2, FILE.3, …
 */
export function traceObserver(role: 'client' | 'server', settings: TraceSettings, services: ServiceDefinition[] = [], protos: string[] = []) {
  if (settings.levels.length === 0 && !settings.file) return undefined;
  let count = 0;
  return (socket?: Duplex) => {
    count++;
    const file = settings.file && (count === 1 ? settings.file : `${settings.file}.${count}`);
    return new Tracer({ role, levels: settings.levels, file, services, protos, socket, color: process.stderr.isTTY });
  };
}
