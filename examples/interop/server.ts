// The interop test server: npx tsx examples/interop/server.ts --port=10000 [--use_tls=true]
// Serves grpc.testing.TestService (UnimplementedCall and UnimplementedService left unimplemented), so that any
// official interop client can be pointed at it. --use_tls=true serves TLS with the test server certificate
// (--tls_cert_file, --tls_key_file; default server1.pem and server1.key of examples/interop/test-certs.ts).
import { readFileSync } from 'node:fs';
import { Server } from '../../src/grpc/index.js';
import { flags, testHandlers, testService } from './service.js';
import { credsFile } from './test-certs.js';
import { answerHelp } from '../run.js';

answerHelp(import.meta.url);

const options = flags(process.argv.slice(2));
const tls = options.use_tls === 'true'
  ? { cert: readFileSync(credsFile(options.tls_cert_file, 'server1.pem')), key: readFileSync(credsFile(options.tls_key_file, 'server1.key')) }
  : undefined;
const server = new Server({ tls });
server.addService(testService, testHandlers);
const port = await server.listen(Number(options.port ?? 10000), options.host ?? '127.0.0.1');
console.log(`interop server listening on port ${port}${tls ? ' (TLS)' : ''}`);
process.once('SIGINT', () => void server.shutdown());
process.once('SIGTERM', () => void server.shutdown());
