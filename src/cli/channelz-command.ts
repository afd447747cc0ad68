// npx h2grpc channelz ADDRESS: a server's grpc.channelz.v1.Channelz (gRFC A14) read whole and printed as a tree;
// --watch reads and prints it again every --interval until Ctrl-C. The connection flags are list's and call's.
import { builtInResolvers, channelzService, createClient, type ServiceClient, StatusError } from '../grpc/index.js';
import { type ChannelBranch, type ChannelzTree, renderChannelz, type Z } from './channelz-tree.js';
import { connectionOptions, targetOf } from './cli-connection.js';
import { UsageError } from './errors.js';
import { parseRpcFlags } from './rpc-flags.js';

export const CHANNELZ_USAGE = `usage: h2grpc channelz ADDRESS [--watch [--interval SECONDS]] [connection flags]

Reads the server's grpc.channelz.v1.Channelz service (a server started with channelz on) and prints its servers
(their listen sockets and connections) and channels (their subchannels and connections) as a tree, with the
calls, streams, messages, keepalives and flow-control windows of each.

  --watch               print it again every --interval, until Ctrl-C
  --interval SECONDS    how often --watch reads (0.1 to 3600). Default: 2
  --trace-events N      trace events shown per channel and subchannel (0 to 1000). Default: 8
  --max-entities N      stop reading after this many entities, however many the server lists. Default: 10000
The connection flags are those of h2grpc call: --plaintext, --cacert FILE, --insecure, --authority NAME, -H,
--connect-timeout, --unix… (h2grpc help call lists them).`;

type ChannelzMethod = 'GetTopChannels' | 'GetServers' | 'GetServer' | 'GetServerSockets' | 'GetChannel' | 'GetSubchannel' | 'GetSocket';
type ChannelzClient = ServiceClient<ChannelzMethod>;

interface ChannelzFlags {
  watch: boolean;
  interval: number;
  traceEvents: number;
  maxEntities: number;
  rest: string[];
}

function bounded(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} takes a number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

function parseChannelzFlags(args: string[]): ChannelzFlags {
  const flags: ChannelzFlags = { watch: false, interval: 2000, traceEvents: 8, maxEntities: 10_000, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i];
    if (name === '--watch') flags.watch = true;
    else if (name === '--interval') flags.interval = bounded(name, value(), 0.1, 3600) * 1000;
    else if (name === '--trace-events') flags.traceEvents = Math.floor(bounded(name, value(), 0, 1000));
    else if (name === '--max-entities') flags.maxEntities = Math.floor(bounded(name, value(), 1, 1_000_000));
    else flags.rest.push(arg);
  }
  return flags;
}

/** Reads every page of a paged Get… call, within the budget of entities. */
async function pages(fetch: (start: number) => Promise<{ items: Z[]; end: boolean; ids: number[] }>, budget: { left: number }): Promise<Z[]> {
  const all: Z[] = [];
  let start = 0;
  for (;;) {
    const { items, end, ids } = await fetch(start);
    all.push(...items.slice(0, budget.left));
    budget.left -= Math.min(items.length, budget.left);
    // channelz.proto: the next page starts one past the highest id seen; a server that goes nowhere is left
    const next = Math.max(...ids, start - 1) + 1;
    if (end || items.length === 0 || next <= start || budget.left <= 0) return all;
    start = next;
  }
}

/** The whole tree, read with the seven calls. */
export async function readChannelz(client: ChannelzClient, maxEntities: number): Promise<ChannelzTree> {
  const budget = { left: maxEntities };
  const socket = async (ref: Z) => (budget.left-- > 0 ? (await client.GetSocket({ socket_id: ref.socket_id })).socket : { ref });
  const servers = await pages(async (start) => {
    const r = await client.GetServers({ start_server_id: start });
    return { items: r.server, end: r.end, ids: r.server.map((s: Z) => Number(s.ref.server_id)) };
  }, budget);
  const tree: ChannelzTree = { servers: [], channels: [] };
  for (const server of servers) {
    const refs = await pages(async (start) => {
      const r = await client.GetServerSockets({ server_id: server.ref.server_id, start_socket_id: start });
      return { items: r.socket_ref, end: r.end, ids: r.socket_ref.map((s: Z) => Number(s.socket_id)) };
    }, budget);
    const listen = await Promise.all((server.listen_socket ?? []).map(socket));
    tree.servers.push({ server, listen, sockets: await Promise.all(refs.map(socket)) });
  }
  const channels = await pages(async (start) => {
    const r = await client.GetTopChannels({ start_channel_id: start });
    return { items: r.channel, end: r.end, ids: r.channel.map((c: Z) => Number(c.ref.channel_id)) };
  }, budget);
  // subchannels and nested channels, each read once (channelz.proto: the ref graph has no cycles, but may share)
  const seen = new Set<string>();
  const grow = async (channel: Z, depth: number): Promise<ChannelBranch> => {
    const children: ChannelBranch[] = [];
    for (const ref of [...(channel.channel_ref ?? []), ...(channel.subchannel_ref ?? [])]) {
      const key = ref.subchannel_id !== undefined ? `s${ref.subchannel_id}` : `c${ref.channel_id}`;
      if (seen.has(key) || depth > 16 || budget.left-- <= 0) continue;
      seen.add(key);
      const child = ref.subchannel_id !== undefined ? (await client.GetSubchannel({ subchannel_id: ref.subchannel_id })).subchannel : (await client.GetChannel({ channel_id: ref.channel_id })).channel;
      children.push(await grow(child, depth + 1));
    }
    return { channel, children, sockets: await Promise.all((channel.socket_ref ?? []).map(socket)) };
  };
  for (const channel of channels) tree.channels.push(await grow(channel, 0));
  return tree;
}

export async function channelzCommand(args: string[]): Promise<number> {
  let flags: ChannelzFlags;
  let client: ChannelzClient;
  let address: string;
  try {
    flags = parseChannelzFlags(args);
    const rpc = parseRpcFlags(flags.rest);
    if (rpc.positional.length !== 1) throw new UsageError(rpc.positional.length === 0 ? 'give the ADDRESS of a server that serves channelz' : `one ADDRESS, not ${rpc.positional.join(' ')}`);
    address = rpc.positional[0]!;
    client = createClient<ChannelzMethod>(targetOf(address, rpc, builtInResolvers()), channelzService, connectionOptions(rpc));
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof TypeError)) throw err;
    console.error(`h2grpc channelz: ${err.message}\n(h2grpc help channelz lists the flags)`);
    return 2;
  }
  const once = async (): Promise<number> => {
    try {
      const text = renderChannelz(await readChannelz(client, flags.maxEntities), address, flags.traceEvents);
      // in a terminal, --watch redraws in place (cursor home, clear screen)
      process.stdout.write((flags.watch && process.stdout.isTTY ? '\x1b[H\x1b[2J' : '') + text + '\n');
      return 0;
    } catch (err) {
      const message = err instanceof StatusError ? `${err.message}${err.code === 12 ? ' (does the server serve channelz? start it with channelz on)' : ''}` : (err as Error).message;
      console.error(`h2grpc channelz: ${message}`);
      return 1;
    }
  };
  if (!flags.watch) {
    const status = await once();
    client.close();
    return status;
  }
  // --watch: until Ctrl-C (SIGINT) or SIGTERM; each read waits for the one before
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let running = true; running;) {
    await once();
    let timer: NodeJS.Timeout | undefined;
    running = await Promise.race([stopped.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), flags.interval)))]);
    clearTimeout(timer);
  }
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  client.close();
  return 0;
}
