// Servers that say who they are, and counting which one answered: shared by the load-balancing tests.
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { loadService, Server, type ServerOptions } from '../src/grpc/index.js';

export const whoService = loadService(fileURLToPath(new URL('./fixtures/balancing/who.proto', import.meta.url)), 'who.Who');

/** A Who server named `name`, listening on 127.0.0.1 (or `host`) at `port` (0: any), stopped when the test ends. */
export async function whoServer(t: Test, name: string, options: ServerOptions & { port?: number | { path: string }; host?: string } = {}): Promise<Server> {
  const { port = 0, host, ...serverOptions } = options;
  const server = new Server(serverOptions);
  server.addService(whoService, {
    Name: async ({ delayMs }: { delayMs: number }) => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return { name };
    },
  });
  await server.listen(port, host);
  t.teardown(() => server.forceShutdown());
  return server;
}

/** How many of `names` each name is. */
export function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}
