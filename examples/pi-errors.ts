// Errors as the tutorial shows them, and richer: npx tsx examples/pi-errors.ts
// Starts a pi server on a free loopback port whose Calc fails in four ways, and a client that prints, for each,
// the status code, the details, the initial and trailing metadata, and the typed error details.
//   n = 0   INVALID_ARGUMENT "request number should be positive" (the tutorial's first error)
//   n = 1   a business error as JSON in details: {"biz_err_code": 10086, "msg": "something happened"}
//   n = 2   the same business error as metadata (biz-err-code, biz-err-msg) beside a plain details string
//   n = 3   google.rpc.Status in grpc-status-details-bin: ErrorInfo, BadRequest and RetryInfo
import { createClient, Metadata, Server, type ServerCall, Status, StatusError } from '../src/grpc/index.js';
import { pi, PI_PROTO, piService, tracing } from './pi-service.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const server = new Server();
server.addService(piService, {
  Calc: ({ n }: { n: number }, call: ServerCall) => {
    call.sendMetadata(new Metadata({ 'x-served-by': 'pi-errors' }));
    switch (n) {
      case 0:
        throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      case 1:
        throw new StatusError(Status.FAILED_PRECONDITION, JSON.stringify({ biz_err_code: 10086, msg: 'something happened' }));
      case 2:
        throw new StatusError(Status.FAILED_PRECONDITION, 'business error, see metadata', new Metadata({ 'biz-err-code': '10086', 'biz-err-msg': 'something happened' }));
      case 3:
        throw new StatusError(Status.RESOURCE_EXHAUSTED, 'too many pi requests', undefined, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMITED', domain: 'pi.example', metadata: { limit: '10/s' } },
          { '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'n', description: 'must be below 1000000' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: { seconds: '2', nanos: 500000000 } },
        ]);
      default:
        return { value: pi(n) };
    }
  },
});
const port = await server.listen(0, '127.0.0.1');
const client = createClient<'Calc'>(`127.0.0.1:${port}`, piService, { observer: tracing('client', [piService], [PI_PROTO]) });

for (const n of [0, 1, 2, 3, 10]) {
  try {
    const { value } = await client.Calc({ n });
    console.log(`pi(${n}) = ${value}`);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    console.log(`Calc(${n}) failed: code ${err.code} ${err.codeName}`);
    console.log(`  details: ${err.details}`);
    if (n === 1) {
      const biz = JSON.parse(err.details) as { biz_err_code: number; msg: string };
      console.log(`  business error from details: ${biz.biz_err_code} ${biz.msg}`);
    }
    console.log(`  initial metadata: ${JSON.stringify(err.headers?.toJSON() ?? {})}`);
    console.log(`  trailing metadata: ${JSON.stringify(err.metadata?.toJSON() ?? {})}`);
    for (const detail of err.errorDetails) console.log(`  error detail: ${JSON.stringify(detail)}`);
  }
}
client.close();
await server.shutdown();
