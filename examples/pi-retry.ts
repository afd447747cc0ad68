// Retries: npx tsx examples/pi-retry.ts
// A flaky pi server that fails the first two attempts of every call with UNAVAILABLE, and a client whose service
// config retries Calc on UNAVAILABLE (gRPC's retry policy: maxAttempts, initialBackoff, maxBackoff,
// backoffMultiplier, retryableStatusCodes, with jitter and retry throttling). Prints every attempt as the server
// sees it and each call's outcome. A second client without the policy shows the same call failing at once.
import { createClient, Metadata, Server, type ServerCall, Status, StatusError, type ServiceConfig } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService, tracing } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const attemptsByCall = new Map<string, number>();
const server = new Server();
server.addService(piService, {
  Calc: ({ n }: { n: number }, call: ServerCall) => {
    const id = String(call.metadata.get('x-call-id'));
    const attempt = (attemptsByCall.get(id) ?? 0) + 1;
    attemptsByCall.set(id, attempt);
    const fail = attempt <= 2;
    console.log(`[server] call ${id}, attempt ${attempt}: ${fail ? 'UNAVAILABLE (flaky)' : 'OK'}`);
    if (fail) throw new StatusError(Status.UNAVAILABLE, 'flaky server, try again');
    return { value: pi(n) };
  },
});
const port = await server.listen(0, '127.0.0.1');

const serviceConfig: ServiceConfig = {
  methodConfig: [{
    name: [{ service: 'pi.PiCalculator', method: 'Calc' }],
    retryPolicy: { maxAttempts: 4, initialBackoff: '0.01s', maxBackoff: '0.1s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
  }],
  retryThrottling: { maxTokens: 10, tokenRatio: 0.1 },
};
const client = createClient(`127.0.0.1:${port}`, piService, { serviceConfig, observer: tracing('client', [piService], [PI_PROTO]) });
for (const n of [10, 100]) {
  const call = client.call<{ value: number }>('Calc', [{ n }], { metadata: new Metadata({ 'x-call-id': `pi(${n})` }) });
  const { message } = await call.unary();
  console.log(`[client] pi(${n}) = ${message.value} after ${call.attemptCount} attempts`);
}

const plain = createClient<'Calc'>(`127.0.0.1:${port}`, piService);
try {
  await plain.Calc({ n: 1000 }, { metadata: new Metadata({ 'x-call-id': 'no-policy' }) });
} catch (err) {
  console.log(`[client] without a retry policy: ${(err as StatusError).codeName}: ${(err as StatusError).details}`);
}
client.close();
plain.close();
await server.shutdown();
