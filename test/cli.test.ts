// npx h2grpc list / describe / call, against our server and a grpc-js server with @grpc/reflection.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { spawn } from 'node:child_process';
import t from 'tap';
import { Metadata, Server, type ServerCall, Status, StatusError } from '../src/grpc/index.js';
import { calcHandler, pi, PI_PROTO, piService } from '../examples/pi-service.js';
import { piStreams, streamingHandlers, PI_STREAMING_PROTO } from '../examples/pi-streaming-service.js';
import { childEnv, run, H2GRPC_CLI } from './peers.js';

const cli = (...args: string[]) => run(process.execPath, [...H2GRPC_CLI, ...args]);

function cliWithStdin(input: string, ...args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...H2GRPC_CLI, ...args], { env: childEnv(), stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (status) => resolve({ status, stdout }));
    child.stdin.end(input);
  });
}

t.test('against our server, by reflection', async (t) => {
  const server = new Server({ reflection: true });
  server.addService(piService, {
    Calc: (req: { n: number }, call: ServerCall) => {
      const who = call.metadata.get('x-who');
      if (who === 'nobody') throw new StatusError(Status.PERMISSION_DENIED, 'not you', undefined, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NOBODY', domain: 'pi', metadata: {} }]);
      return calcHandler()(req, call);
    },
  });
  server.addService(piStreams, streamingHandlers({ answerRate: 1 }));
  const port = await server.listen(0);
  t.teardown(() => server.forceShutdown());
  const address = `127.0.0.1:${port}`;

  const list = await cli('list', '--plaintext', address);
  t.equal(list.status, 0, list.stderr);
  t.same(list.stdout.trim().split('\n'), ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', 'pi.PiCalculator', 'pi_streaming.PiStreams']);
  t.equal((await cli('list', '--plaintext', address, 'pi_streaming.PiStreams')).stdout, 'pi_streaming.PiStreams.Calc\npi_streaming.PiStreams.Approximations\npi_streaming.PiStreams.Summarize\n');
  t.equal((await cli('describe', '--plaintext', address, 'pi_streaming.PiStreams')).stdout,
    'pi_streaming.PiStreams is a service:\nservice PiStreams {\n  rpc Calc ( stream .pi_streaming.PiRequest ) returns ( stream .pi_streaming.PiResponse );\n  rpc Approximations ( .pi_streaming.PiRequest ) returns ( stream .pi_streaming.PiResponse );\n  rpc Summarize ( stream .pi_streaming.PiRequest ) returns ( .pi_streaming.PiSummary );\n}\n');
  t.match((await cli('describe', '--plaintext', address, 'pi_streaming.PiSummary')).stdout, 'message PiSummary {\n  int32 count = 1;\n  int32 best_n = 2;');

  const call = await cli('call', '--plaintext', address, 'pi.PiCalculator/Calc', '-d', '{"n": 100}');
  t.equal(call.status, 0, call.stderr);
  t.same(JSON.parse(call.stdout), { value: pi(100) });
  const denied = await cli('call', '--plaintext', address, 'pi.PiCalculator/Calc', '-d', '{"n": 1}', '-H', 'x-who: nobody');
  t.equal(denied.status, 64 + Status.PERMISSION_DENIED, 'an error exits non-zero');
  t.equal(denied.stdout, '', 'nothing on standard output');
  t.match(denied.stderr, 'ERROR:\n  Code: PERMISSION_DENIED\n  Message: not you\n  Details:\n  1)\t{\n    \t  "@type": "type.googleapis.com/google.rpc.ErrorInfo",\n    \t  "reason": "NOBODY",\n    \t  "domain": "pi"\n    \t}\n', 'details as ProtoJSON, numbered as grpcurl prints them');
  const stream = await cli('call', '--plaintext', address, 'pi_streaming.PiStreams/Approximations', '-d', '{"n": 3}');
  t.equal(stream.stdout.match(/"value"/g)?.length, 3, 'each response of a server stream printed as JSON');
  const summed = await cliWithStdin('{"n": 1}\n{"n": 2}\n{"n": 999}\n', 'call', '--plaintext', address, 'pi_streaming.PiStreams/Summarize', '-d', '@-');
  t.match(JSON.parse(summed.stdout), { count: 3, bestN: 999 }, 'a client stream from standard input, one JSON object a line (printed as ProtoJSON: lowerCamelCase)');
  const traced = await cli('call', '--plaintext', '--trace', address, 'pi.PiCalculator/Calc', '-d', '{"n": 5}');
  t.match(traced.stderr, /send HEADERS frame <length=\d+, flags=0x04, stream_id=1>/, '--trace prints the frames of the call');
  t.match(traced.stderr, /pi\.PiRequest \{"n":5\}/);
  const withProto = await cli('call', '--plaintext', address, 'pi.PiCalculator/Calc', '--proto', PI_PROTO, '-d', '{"n": 2}');
  t.same(JSON.parse(withProto.stdout), { value: pi(2) }, '--proto instead of reflection');
  void Metadata;
});

t.test('against a grpc-js server that uses @grpc/reflection', async (t) => {
  const defs = protoLoader.loadSync([PI_PROTO, PI_STREAMING_PROTO], { keepCase: true });
  const pkg = grpc.loadPackageDefinition(defs) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = new grpc.Server();
  server.addService(pkg.pi.PiCalculator.service, { Calc: (call: any, cb: any) => cb(null, { value: pi(call.request.n) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  new ReflectionService(defs).addToServer(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => server.forceShutdown());
  const list = await cli('list', '--plaintext', `127.0.0.1:${port}`);
  t.match(list.stdout, /^pi\.PiCalculator$/m, list.stderr);
  t.match((await cli('describe', '--plaintext', `127.0.0.1:${port}`, 'pi.PiCalculator')).stdout, 'rpc Calc ( .pi.PiRequest ) returns ( .pi.PiResponse );');
  const call = await cli('call', '--plaintext', `127.0.0.1:${port}`, 'pi.PiCalculator/Calc', '-d', '{"n": 10}');
  t.same(JSON.parse(call.stdout), { value: pi(10) }, call.stderr);
});
