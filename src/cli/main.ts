// npx h2grpc: the command-line tool. So far: trace (show, step, pcap, html).
import { traceCommand } from './trace-command.js';

const [command, ...args] = process.argv.slice(2);
let status: number;
if (command === 'trace') {
  try {
    status = await traceCommand(args);
  } catch (err) {
    console.error(`h2grpc trace: ${(err as Error).message}`);
    status = 1;
  }
} else {
  console.error('usage: h2grpc trace show|step|pcap|html FILE …');
  status = 2;
}
process.exitCode = status;
