// The suite's gRPC-Web and Connect rows: unary pi calls (examples/pi.proto, `Calc` with n = 10, proto encoding) from
// connect-node's client (bench/web-client-process.ts) to our server and to connect-node's (bench/web-server-process.ts:
// connectNodeAdapter on node:http for HTTP/1.1, on node:http2's h2c server for HTTP/2), each in its own process. The
// client is the same for both servers, so only the server differs. grpc-js has neither protocol.
import { type Driven, startChild, startListening } from './processes.js';
import type { WebJob } from './web-client-process.js';

export interface WebCase extends Pick<WebJob, 'protocol' | 'http' | 'inFlight'> {
  /** The row's name for --only: connect-h1, grpcweb-h2-100, ... */
  name: string;
  title: string;
}

const PROTOCOL = { connect: 'Connect', 'grpc-web': 'gRPC-Web' } as const;

/** Every web row, in the order a round runs them; `--only web` selects them all. */
export const WEB_CASES: WebCase[] = [1, 100].flatMap((inFlight) => (['connect', 'grpc-web'] as const).flatMap((protocol) =>
  (['1.1', '2'] as const).map((http) => ({
    name: `${protocol.replace('-', '')}-h${http === '1.1' ? 1 : 2}${inFlight === 1 ? '' : `-${inFlight}`}`,
    title: `${PROTOCOL[protocol]} unary over HTTP/${http}, ${inFlight} in flight (pi, n = 10)`,
    protocol,
    http,
    inFlight,
  }))));

/** The columns of a web row: client → server. */
export const OURS_WEB = 'connect-node → h2grpc';
export const THEIRS_WEB = 'connect-node → connect-node';

export interface WebProcesses {
  client: Driven;
  ours: Driven & { port: number; pid: number };
  /** connect-node's server for each HTTP version. */
  connectNode: Record<WebJob['http'], Driven & { port: number; pid: number }>;
}

/** Starts the web rows' servers and client, side by side. */
export async function startWeb(): Promise<WebProcesses> {
  const script = 'bench/web-server-process.ts';
  const [ours, h1, h2, client] = await Promise.all([
    startListening(script, 'ours'), startListening(script, 'connect-node-h1'), startListening(script, 'connect-node-h2'),
    startChild('bench/web-client-process.ts', [], /^ready$/),
  ]);
  return { client: client.driven, ours, connectNode: { '1.1': h1, '2': h2 } };
}
