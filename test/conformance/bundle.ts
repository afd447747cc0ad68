// The program under test as one compiled file, started with plain `node`: the runner starts up to 16 servers (one per
// server config, four at a time) and waits a fixed time for each to say where it listens. Under tsx each start
// compiles every file it imports first; on a machine whose cores are busy with other work that took longer than the
// runner waits ("timed out waiting for result from server"). esbuild compiles it once per run, in well under a second.
// Each file keeps its own import.meta.url (the shipped services and the conformance protos are found beside it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ownUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Compiles `entry` (a .ts file) and what it imports from the repository into one ES module under node_modules/.cache,
 * packages left to node_modules; returns its path. */
export async function bundle(repoRoot: string, entry: string, name: string): Promise<string> {
  const outfile = join(repoRoot, 'node_modules/.cache/h2grpc-conformance', `${name}.mjs`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', plugins: [ownUrl], logLevel: 'error' });
  return outfile;
}
