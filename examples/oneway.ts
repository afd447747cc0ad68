// Oneway messages, the gRPC way: npx tsx examples/oneway.ts
// The tutorial notes that gRPC has no "oneway" call (Thrift does: the client sends and never hears back). What a gRPC
// user does instead, both shown here with a log sink (examples/log-sink.proto), server and client in one process:
//  1. a client-streaming call the client feeds without waiting for anything, google.protobuf.Empty once at the end;
//  2. unary calls whose Empty is ignored, but whose errors still come back (Thrift's oneway would lose them).
// docs/grpc-over-http2.md ("Oneway messages") shows what this costs on the wire.
import { createClient, Server, Status, StatusError } from '../src/grpc/index.js';
import { type LogEntry, LogSink } from './gen/log-sink.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const received: string[] = [];
const store = (entry: LogEntry) => {
  if (!['debug', 'info', 'warn', 'error'].includes(entry.level)) throw new StatusError(Status.INVALID_ARGUMENT, `no log level "${entry.level}"`);
  received.push(`${entry.level}: ${entry.text}`);
};

const server = new Server().addService(LogSink, {
  async Send(entries) {
    for await (const entry of entries) store(entry);
    return {};
  },
  Log: (entry) => (store(entry), {}),
});
const port = await server.listen(0, '127.0.0.1');
const client = createClient(`127.0.0.1:${port}`, LogSink);

// 1. a stream the client writes to as it goes: each entry leaves at once, nobody waits for it
async function* entries() {
  for (let i = 1; i <= 5; i++) {
    yield { level: 'info', text: `step ${i} done` };
    await new Promise((r) => setTimeout(r, 5)); // the program goes on with its work
  }
}
const started = process.hrtime.bigint();
const done = client.Send(entries()); // not awaited yet: the entries flow while the program runs
console.log('1. streaming 5 entries without waiting for answers…');
await done; // the one Empty at the end: the server has taken every entry (or an error would be thrown here)
console.log(`   the stream ended with one Empty after ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms; the server has ${received.length} entries`);

// 2. fire-and-forget unary calls: the Empty is ignored, an error is still surfaced
console.log('2. unary calls whose answer nobody awaits:');
const errors: string[] = [];
const sent = [{ level: 'warn', text: 'disk 91% full' }, { level: 'loud', text: 'this level does not exist' }, { level: 'error', text: 'retrying' }].map((entry) =>
  client.Log(entry).catch((err: StatusError) => void errors.push(`   the server refused ${JSON.stringify(entry)}: ${err.codeName}: ${err.details}`)));
// the program carries on; the answers come back on their own (awaited here only to print them before exiting)
await Promise.all(sent);
console.log(errors.join('\n'));
console.log(`   the server has ${received.length} entries:\n${received.map((r) => `     ${r}`).join('\n')}`);
client.close();
await server.shutdown();
