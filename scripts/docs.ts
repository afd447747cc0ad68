// npm run docs: rewrites the generated examples in docs/*.md from the code's own output.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDoc } from './doc-examples.js';

const dir = new URL('../docs/', import.meta.url).pathname;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = await renderDoc(before);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated docs/${file}`);
  }
}
