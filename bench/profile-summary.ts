// Reads the .cpuprofile files node --cpu-prof wrote and lists, per process, where its samples fell: idle, GC, and the
// functions with the most self time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }

export function summariseProfiles(dir: string, roles: Map<number, string>, top = 12): string {
  const out: string[] = [];
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (1 is tsx's loader worker)
  for (const file of readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1]);
    const role = roles.get(pid);
    if (!role) continue;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const hits = new Map<number, number>();
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
    const byFunction = new Map<string, number>();
    for (const node of profile.nodes) {
      const n = hits.get(node.id) ?? 0;
      if (!n) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^.*\/(node_modules\/|src\/|bench\/)/, '$1')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      byFunction.set(key, (byFunction.get(key) ?? 0) + n);
    }
    const total = profile.samples.length;
    const list = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    out.push(`${role} (pid ${pid}): ${total} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
    for (const [name, n] of list) out.push(`  ${((n / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
  return out.join('\n');
}
