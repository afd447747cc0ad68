// npx h2grpc: the command-line tool. list, describe and call (grpcurl-shaped), channelz (gRFC A14 as a tree), trace
// (show, step, pcap, html) and gen (typed TypeScript from .proto files).
// Each command's modules load only when it runs, so that --version and --help start quickly.
import { existsSync, readFileSync } from 'node:fs';

const USAGE = `usage: h2grpc COMMAND ...

  h2grpc list ADDRESS [SERVICE]          services (or a service's methods), through reflection or --proto
  h2grpc describe ADDRESS [SYMBOL]       a service, method, message or enum as .proto text
  h2grpc call ADDRESS SERVICE/METHOD     a call of any kind, JSON in (-d) and out
  h2grpc channelz ADDRESS [--watch]      a server's channelz (gRFC A14) as a tree: servers, channels, sockets
  h2grpc trace show|step|pcap|html FILE  a recorded trace, read or converted; trace LOG: a binary log
  h2grpc gen [--out DIR] FILE.proto...   typed TypeScript modules from .proto files
  h2grpc --version                       the version of h2grpc

h2grpc help COMMAND (or COMMAND --help) lists a command's flags with their defaults.`;

/** The package's version, from its package.json: two levels above src/cli/main.ts, one above the bundled dist/cli.js. */
function version(): string {
  const manifest = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find(existsSync)!;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

// A reader that stops early (`h2grpc trace show LOG | head`) closes the pipe: the output is no longer wanted, which
// is not a failure; end quietly, as other command-line tools do, rather than with an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const [command, ...args] = process.argv.slice(2);
let status: number;
if (command === 'trace') {
  try {
    const { traceCommand } = await import('./trace-command.js');
    status = await traceCommand(args);
  } catch (err) {
    console.error(`h2grpc trace: ${(err as Error).message}`);
    status = 1;
  }
} else if (command === 'list' || command === 'describe' || command === 'call') {
  const { rpcCommand, RPC_USAGE } = await import('./rpc-commands.js');
  if (args.includes('--help') || args.includes('-h') || args.includes('-help')) {
    console.log(RPC_USAGE);
    status = 0;
  } else {
    status = await rpcCommand(command, args);
  }
} else if (command === 'channelz') {
  const { CHANNELZ_USAGE, channelzCommand } = await import('./channelz-command.js');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(CHANNELZ_USAGE);
    status = 0;
  } else {
    status = await channelzCommand(args);
  }
} else if (command === 'gen') {
  const { GEN_USAGE, genCommand } = await import('./gen-command.js');
  const { UsageError } = await import('./errors.js');
  try {
    status = genCommand(args);
  } catch (err) {
    console.error(`h2grpc gen: ${(err as Error).message}`);
    if (err instanceof UsageError) console.error(GEN_USAGE);
    status = err instanceof UsageError ? 2 : 1;
  }
} else if (command === '--version' || command === '-v') {
  console.log(`h2grpc ${version()}`);
  status = 0;
} else if (command === '--help' || command === '-h' || command === 'help') {
  const topic = args[0];
  if (topic === 'list' || topic === 'describe' || topic === 'call') console.log((await import('./rpc-commands.js')).RPC_USAGE);
  else if (topic === 'gen') console.log((await import('./gen-command.js')).GEN_USAGE);
  else if (topic === 'channelz') console.log((await import('./channelz-command.js')).CHANNELZ_USAGE);
  else if (topic === 'trace') console.log((await import('./trace-command.js')).TRACE_USAGE);
  else console.log(USAGE);
  status = 0;
} else {
  console.error(command === undefined ? USAGE : `h2grpc: unknown command "${command}"\n${USAGE}`);
  status = 2;
}
process.exitCode = status;
