// @opentelemetry/api is an optional peer: without it (every @opentelemetry/* package unfindable) h2grpc loads and
// serves, and only openTelemetry({ tracerProvider }) fails, naming the package to install.
import t from 'tap';
import { run } from './peers.js';

t.test('h2grpc without @opentelemetry/api', async (t) => {
  const result = await run(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/block-opentelemetry.mjs', 'test/fixtures/without-opentelemetry.ts'], { timeout: 60_000 });
  t.equal(result.stderr.includes('Cannot find package'), false, 'nothing tried to load it on the way');
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stdout, ['call: 2.8284271247461903', 'metrics only: 0 observers', 'tracing: tracing needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api)', ''].join('\n'));
});
