// npm pack / npm publish: the package.json that ships has no scripts (its build, test and example scripts need files
// that are not shipped, and npm lists `prepare` as an install script to approve on every install of the tarball).
// `prepack` saves the full manifest and writes the trimmed one; `postpack` puts the full one back.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const manifest = new URL('../package.json', import.meta.url);
const saved = new URL('../package.json.pack-backup', import.meta.url);

if (process.argv[2] === 'strip') {
  copyFileSync(manifest, saved);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  delete pkg.scripts;
  delete pkg.devDependencies;
  delete pkg.allowScripts; // the install-script decisions of this repository's own dependencies, not a user's
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (process.argv[2] === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
