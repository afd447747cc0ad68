// The HPACK test vectors: a part of hpack-test-case kept here (test/fixtures/hpack-test-case/README.md), and the
// whole corpus in ../shared beside the project root when it is there (CI has it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED = join(here, '..', '..', 'shared');
/** The part of the corpus in the repository: two stories of each directory. */
export const SUBSET = join(here, 'fixtures', 'hpack-test-case');
/** The whole corpus, when ../shared has it. */
export const CORPUS = join(SHARED, 'vectors', 'hpack-test-case');
export const hasCorpus = existsSync(CORPUS);

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

/** Every story of every implementation directory under `root` (raw-data holds headers only). */
export function loadStories(root: string): Story[] {
  const stories: Story[] = [];
  for (const implementation of readdirSync(root).sort()) {
    const dir = join(root, implementation);
    if (!/^[a-z]/.test(implementation) || !existsSync(dir) || implementation.includes('.')) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const story = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Story, 'file' | 'implementation'>;
      stories.push({ ...story, file: `${implementation}/${file}`, implementation });
    }
  }
  return stories;
}

/** The whole corpus when it is there, else the part kept here: for the benchmark. */
export function benchStories(): { stories: Story[]; source: string } {
  return hasCorpus ? { stories: loadStories(CORPUS), source: 'hpack-test-case' } : { stories: loadStories(SUBSET), source: 'the part of hpack-test-case in test/fixtures' };
}

/** The field list of a story case as pairs, in order. */
export function caseFields(c: StoryCase): Array<[string, string]> {
  return c.headers.map((h) => Object.entries(h)[0]!);
}
