// The interop test client: npx tsx examples/interop/client.ts --server_host=127.0.0.1 --server_port=10000 --test_case=all
// Runs the named test case (or all of them) against any interop server; exit status 0 when every one passed.
// TLS as the official clients: --use_tls=true --use_test_ca=true --server_host_override=foo.test.google.fr (the CA:
// --ca_file, default ca.pem of examples/interop/test-certs.ts; without --use_test_ca the system's CAs).
import { readFileSync } from 'node:fs';
import type { ClientOptions } from '../../src/grpc/index.js';
import { CASE_NAMES, runCases } from './cases.js';
import { LARGE_CASE_NAMES, runLargeCases } from './large-cases.js';
import { flags } from './service.js';
import { credsFile } from './test-certs.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const options = flags(process.argv.slice(2));
const clientOptions: ClientOptions = options.use_tls === 'true'
  ? { tls: { ca: options.use_test_ca === 'true' ? readFileSync(credsFile(options.ca_file, 'ca.pem')) : undefined, servername: options.server_host_override } }
  : {};
const address = `${options.server_host ?? '127.0.0.1'}:${options.server_port ?? 10000}`;
if (options.test_case === 'large') {
  // the "large" variant: messages around the flow-control windows and the 4 MiB limit, each kind, both ways
  const failures = await runLargeCases(address, undefined, undefined, clientOptions);
  for (const name of LARGE_CASE_NAMES) console.log(`${name}: ${failures[name] ? `FAILED: ${failures[name]}` : 'passed'}`);
  const failed = Object.keys(failures).length;
  console.log(`${LARGE_CASE_NAMES.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
const names = !options.test_case || options.test_case === 'all' ? CASE_NAMES : options.test_case.split(',');
const failures = await runCases(address, names, clientOptions);
for (const name of names) console.log(`${name}: ${failures[name] ? `FAILED: ${failures[name]}` : 'passed'}`);
const failed = Object.keys(failures).length;
console.log(`${names.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
