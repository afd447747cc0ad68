// docs/api.md lists every export of every entry point; it is generated from the sources and must be current.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { apiDoc } from '../scripts/api-doc.js';

t.test('docs/api.md is what scripts/api-doc.ts writes today (npm run docs:api)', async (t) => {
  const doc = apiDoc();
  t.equal(readFileSync('docs/api.md', 'utf8'), doc);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
  for (const entry of Object.keys(pkg.exports).filter((e) => e !== './package.json')) {
    const name = entry === '.' ? 'h2grpc' : `h2grpc/${entry.slice(2)}`;
    t.match(doc, `## \`${name}\``, `${name} is documented`);
  }
  t.notMatch(doc, /^- `[^`]+` \([a-z, ]+\)$/m, 'every export has a summary');
});
