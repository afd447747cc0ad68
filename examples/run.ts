// How the examples fail: one line naming the problem and what to do about it, a non-zero exit, no stack trace.
import { readFileSync } from 'node:fs';
import type { Server } from '../src/grpc/index.js';
import { Status, StatusError } from '../src/grpc/index.js';

/** Prints the message and exits: 1 for a problem, 2 for a mistake in the command line. */
export function die(message: string, status = 1): never {
  console.error(message);
  process.exit(status);
}

/** server.listen, with a port in use, a privileged port or a foreign address explained. */
export async function listenOrExplain(server: Server, port: number, host: string): Promise<number> {
  try {
    return await server.listen(port, host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') die(`port ${port} is in use; try --port 0 or another port`);
    if (code === 'EACCES') die(`port ${port} needs privileges; try a port above 1023, or --port 0`);
    if (code === 'EADDRNOTAVAIL') die(`${host} is not an address of this machine; try --host 127.0.0.1`);
    return die(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
}

/** The server a client example talks to: what it is and the command that starts it. */
export interface NeededServer {
  what: string;
  start: string;
  /** The port it listens on unless told otherwise. */
  port: string;
}

export const PI_SERVER: NeededServer = { what: 'pi server', start: 'npx tsx examples/pi-server.ts', port: '8080' };
export const PI_STREAM_SERVER: NeededServer = { what: 'pi streaming server', start: 'npx tsx examples/pi-stream-server.ts', port: '8081' };

/**
 * From here on, a failure of the client example (a rejected top-level await included) is said in one line: no server
 * on the address, how to start one.
 */
export function explainFailures(address: string, server: NeededServer): void {
  process.on('uncaughtException', (err) => {
    const port = /:(\d+)$/.exec(address)?.[1];
    if (err instanceof StatusError && err.code === Status.UNAVAILABLE && /ECONNREFUSED|cannot connect/.test(err.details)) {
      die(`no ${server.what} on ${address}; start it with: ${server.start}${port === server.port ? '' : ` --port ${port}`}`);
    }
    if (err instanceof StatusError && err.code === Status.UNIMPLEMENTED) {
      die(`${address} does not serve this method (${err.details}): is it the ${server.what}? Start one with: ${server.start}`);
    }
    if (err instanceof StatusError) die(`${address}: the call failed: ${err.codeName} (code ${err.code}) ${err.details}`);
    die(`${err.message}`);
  });
}

/**
 * `--help` (or `-h`): prints the example's opening comment (what it does, its command and flags) and exits 0. Every
 * example calls this first, so that asking for help never starts a server or makes a call.
 */
export function answerHelp(moduleUrl: string, argv = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  const lines: string[] = [];
  for (const line of readFileSync(new URL(moduleUrl), 'utf8').split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  console.log(lines.join('\n'));
  process.exit(0);
}
