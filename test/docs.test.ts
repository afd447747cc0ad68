// The byte-level examples in docs/ are the code's own output: regenerate them and compare.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { renderDoc } from '../scripts/doc-examples.js';

const dir = new URL('../docs/', import.meta.url).pathname;
const docs = readdirSync(dir).filter((f) => f.endsWith('.md'));

for (const file of docs) {
  const text = readFileSync(dir + file, 'utf8');
  const blocks = text.match(/<!-- example: [a-z0-9-]+ -->/g) ?? [];
  if (blocks.length === 0) continue;
  t.test(`docs/${file}: ${blocks.length} generated examples match the code (npm run docs rewrites them)`, async (t) => {
    t.equal(text, await renderDoc(text));
    t.notMatch(text, /```text\n```/, 'no example is empty');
  });
}
t.ok(docs.includes('frames.md') && docs.includes('hpack.md'), 'docs/frames.md and docs/hpack.md exist');
