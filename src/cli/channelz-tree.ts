// What `h2grpc channelz` prints: a server's (or a process's) grpc.channelz.v1 answers as a tree, servers → their
// listen sockets and connections, channels → subchannels → connections, each with its numbers (gRFC A14).

/** A message as our client decodes it: int64 fields as decimal strings, enums by name. */
export type Z = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What was fetched: every server with its sockets, every top channel with its subchannels (nested) and sockets. */
export interface ChannelzTree {
  servers: Array<{ server: Z; listen: Z[]; sockets: Z[] }>;
  channels: ChannelBranch[];
}

export interface ChannelBranch {
  channel: Z;
  /** Subchannels (and, where an implementation nests them, channels) below it. */
  children: ChannelBranch[];
  sockets: Z[];
}

/**
 * A google.protobuf.Timestamp in ms, undefined when absent or not after 1970: grpc-go 1.33 sends its zero
 * time.Time (year 1, seconds -62135596800) for a socket's "never" (last_local_stream_created_timestamp on a server).
 */
function millis(ts: Z | null | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Number(ts.seconds) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

/** How long ago the latest of some Timestamps was, as "2.3s ago"; "never" when none is set. */
function ago(now: number, ...stamps: Array<Z | null | undefined>): string {
  const set = stamps.map(millis).filter((ms): ms is number => ms !== undefined);
  if (set.length === 0) return 'never';
  const ms = now - Math.max(...set);
  if (ms < 1000) return `${Math.max(ms, 0)}ms ago`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s ago`;
  return `${Math.round(ms / 60_000)}min ago`;
}

function clock(ts: Z | null | undefined): string {
  const ms = millis(ts);
  return ms === undefined ? '--:--:--.---' : new Date(ms).toISOString().slice(11, 23);
}

/** An Address message as host:port, unix:path or its name. */
export function addressOf(a: Z | null | undefined): string {
  if (!a) return '?';
  if (a.tcpip_address) {
    const ip = Buffer.from(a.tcpip_address.ip_address ?? []);
    // an IPv6 address in its shortest form: the URL parser writes it so
    const v6 = () => new URL(`http://[${Array.from({ length: 8 }, (_, i) => ip.readUInt16BE(i * 2).toString(16)).join(':')}]/`).hostname;
    const host = ip.length === 4 ? [...ip].join('.') : ip.length === 16 ? v6() : '?';
    return `${host}:${a.tcpip_address.port}`;
  }
  if (a.uds_address) return `unix:${a.uds_address.filename}`;
  return a.other_address?.name || '?';
}

const calls = (d: Z) => `calls ${d.calls_started} started, ${d.calls_succeeded} ok, ${d.calls_failed} failed, last ${ago(Date.now(), d.last_call_started_timestamp)}`;

function socketLines(s: Z, pad: string, now: number): string[] {
  const d = s.data ?? {};
  const lines = [
    `socket ${s.ref.socket_id}  ${addressOf(s.local)} -> ${addressOf(s.remote)}${s.security?.tls ? `  TLS ${s.security.tls.standard_name || s.security.tls.other_name}` : ''}`,
    `${pad}  streams ${d.streams_started} started, ${d.streams_succeeded} ok, ${d.streams_failed} failed · messages ${d.messages_sent} sent, ${d.messages_received} received · keepalives ${d.keep_alives_sent}`,
    `${pad}  windows: peer may send ${d.local_flow_control_window?.value ?? '?'}, we may send ${d.remote_flow_control_window?.value ?? '?'} · last stream ${ago(now, d.last_local_stream_created_timestamp, d.last_remote_stream_created_timestamp)} · last message ${ago(now, d.last_message_received_timestamp)}`,
  ];
  if (d.received_goaway_error) lines.push(`${pad}  GOAWAY received, error ${d.received_goaway_error.value}`);
  return lines;
}

/** Draws children under a line: "├─ " before each but the last ("└─ "), its continuation lines indented to match. */
function branch(out: string[], prefix: string, items: Array<(pad: string) => string[]>): void {
  items.forEach((draw, i) => {
    const last = i === items.length - 1;
    const pad = prefix + (last ? '   ' : '│  ');
    const [first, ...rest] = draw(pad);
    out.push(prefix + (last ? '└─ ' : '├─ ') + first, ...rest);
  });
}

function traceLines(trace: Z | undefined, pad: string, maxEvents: number): string[] {
  const events: Z[] = trace?.events ?? [];
  const shown = events.slice(-maxEvents);
  const lines = shown.map((e) => `${pad}  ${clock(e.timestamp)} ${e.description}`);
  const hidden = Number(trace?.num_events_logged ?? 0) - shown.length;
  if (hidden > 0) lines.unshift(`${pad}  (${hidden} earlier trace events)`);
  return lines;
}

function channelLines(b: ChannelBranch, pad: string, maxEvents: number, now: number): string[] {
  const c = b.channel;
  const kind = c.ref.subchannel_id !== undefined ? `subchannel ${c.ref.subchannel_id}` : `channel ${c.ref.channel_id}`;
  const d = c.data ?? {};
  const lines = [`${kind}  ${d.target || c.ref.name}  ${d.state?.state ?? 'UNKNOWN'}`, `${pad}  ${calls(d)}`, ...traceLines(d.trace, pad, maxEvents)];
  branch(lines, pad, [
    ...b.children.map((child) => (p: string) => channelLines(child, p, maxEvents, now)),
    ...b.sockets.map((s) => (p: string) => socketLines(s, p, now)),
  ]);
  return lines;
}

/** The tree as text, one line per entity plus its numbers; `maxEvents` trace events per channel and subchannel. */
export function renderChannelz(tree: ChannelzTree, address: string, maxEvents = 8): string {
  const now = Date.now();
  const out = [`channelz of ${address}`];
  out.push(tree.servers.length ? 'servers' : 'servers: none');
  branch(out, '', tree.servers.map(({ server, listen, sockets }) => (pad: string) => {
    const lines = [`server ${server.ref.server_id}${server.ref.name ? `  ${server.ref.name}` : ''}`, `${pad}  ${calls(server.data ?? {})}`];
    branch(lines, pad, [
      ...listen.map((l) => () => [`listening ${l.ref.socket_id}  ${addressOf(l.local)}`]),
      ...sockets.map((s) => (p: string) => socketLines(s, p, now)),
    ]);
    return lines;
  }));
  out.push(tree.channels.length ? 'channels' : 'channels: none');
  branch(out, '', tree.channels.map((b) => (pad: string) => channelLines(b, pad, maxEvents, now)));
  return out.join('\n');
}
