import { readdirSync } from 'node:fs';

/** This process's heap and RSS after full collections (node --expose-gc), and its open file descriptors. */
export function memory(): { heap: number; rss: number; fds: number } {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss, fds: readdirSync('/proc/self/fd').length };
}
