// Where the shared test vectors live: ../shared beside the project root (CI always has it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
export const CORPUS = join(SHARED, 'vectors', 'hpack-test-case');

export interface StoryCase {
  seqno: number;
  header_table_size?: number;
  wire?: string;
  headers: Array<Record<string, string>>;
}
export interface Story {
  file: string;
  implementation: string;
  description?: string;
  cases: StoryCase[];
}

/** Every story of every implementation directory (raw-data holds headers only). */
export function loadStories(): Story[] {
  const stories: Story[] = [];
  for (const implementation of readdirSync(CORPUS).sort()) {
    const dir = join(CORPUS, implementation);
    if (!/^[a-z]/.test(implementation) || !existsSync(dir) || implementation.includes('.')) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const story = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Story, 'file' | 'implementation'>;
      stories.push({ ...story, file: `${implementation}/${file}`, implementation });
    }
  }
  return stories;
}

export const hasCorpus = existsSync(CORPUS);

/** The field list of a story case as pairs, in order. */
export function caseFields(c: StoryCase): Array<[string, string]> {
  return c.headers.map((h) => Object.entries(h)[0]!);
}
