// The interop test server: npx tsx examples/interop/server.ts --port=10000 [--use_tls=false]
// Serves grpc.testing.TestService (UnimplementedCall and UnimplementedService left unimplemented), so that any
// official interop client can be pointed at it.
import { Server } from '../../src/grpc/index.js';
import { flags, testHandlers, testService } from './service.js';

const options = flags(process.argv.slice(2));
if (options.use_tls === 'true') {
  console.error('--use_tls=true is not supported yet: TLS is a later issue');
  process.exit(2);
}
const server = new Server();
server.addService(testService, testHandlers);
const port = await server.listen(Number(options.port ?? 10000), options.host ?? '127.0.0.1');
console.log(`interop server listening on port ${port}`);
process.once('SIGINT', () => void server.shutdown());
process.once('SIGTERM', () => void server.shutdown());
