// npx h2grpc: the command-line tool. list, describe and call (grpcurl-shaped) and trace (show, step, pcap, html).
import { rpcCommand } from './rpc-commands.js';
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
} else if (command === 'list' || command === 'describe' || command === 'call') {
  status = await rpcCommand(command, args);
} else {
  console.error('usage: h2grpc list|describe|call ADDRESS … (see README), or h2grpc trace show|step|pcap|html FILE …');
  status = 2;
}
process.exitCode = status;
