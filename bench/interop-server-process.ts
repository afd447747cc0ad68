// grpc.testing.TestService in its own process for the benchmarks: `tsx bench/interop-server-process.ts ours|grpc-js`.
// Prints "port N" once listening. Message limits are raised to 64 MiB on both.
import { Server } from '../src/grpc/index.js';
import { testHandlers, testService } from '../examples/interop/service.js';
import { startGrpcJsInteropServer } from '../test/interop/grpc-js-server.js';

const LIMIT = 64 << 20;
let port: number;
if (process.argv[2] === 'ours') {
  const server = new Server({ maxReceiveMessageLength: LIMIT });
  server.addService(testService, testHandlers);
  port = await server.listen(0, '127.0.0.1');
} else {
  port = (await startGrpcJsInteropServer({ 'grpc.max_receive_message_length': LIMIT, 'grpc.max_send_message_length': LIMIT })).port;
}
console.log(`port ${port}`);
