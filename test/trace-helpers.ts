// Recording real calls into trace files for the trace tests: our pi client and server over an in-memory pair, so
// the octets (and so the printed trace, with times off) are the same on every run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, Server } from '../src/grpc/index.js';
import { duplexPair } from '../src/http2/index.js';
import { Tracer } from '../src/trace/index.js';
import { calcHandler, PI_PROTO, piService } from '../examples/pi-service.js';

export async function recordPiCalls(calls: number[] = [100]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'h2grpc-trace-')), 'pi.trace');
  const server = new Server();
  server.addService(piService, { Calc: calcHandler() });
  let tracer: Tracer | undefined;
  let connectionClosed!: () => void;
  const closed = new Promise<void>((r) => (connectionClosed = r));
  const client = createClient<'Calc'>('127.0.0.1:8080', piService, {
    createConnection: () => {
      const [a, b] = duplexPair();
      server.handle(b);
      return a;
    },
    observer: () => {
      tracer = new Tracer({ role: 'client', file, protos: [PI_PROTO] });
      const ends = tracer.closed.bind(tracer);
      tracer.closed = () => (ends(), connectionClosed());
      return tracer;
    },
  });
  for (const n of calls) await client.Calc({ n });
  client.close();
  await closed; // the connection's last frames are in the file
  await tracer?.close();
  server.forceShutdown();
  return file;
}
