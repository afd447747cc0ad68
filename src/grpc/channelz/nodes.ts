import type { Connection } from '../../http2/index.js';
import { CallCounts } from './call-counts.js';
import { ChannelTrace, type ChildRef } from './channel-trace.js';
import { addressText, type SocketAddress, socketEnds } from './socket-info.js';

// The entities of gRFC A14, as grpc-go's channelz package keeps them: channels with their subchannels, subchannels
// with their sockets, servers with their listen sockets and connections. Each is made through its parent, which
// keeps its id; each leaves the registry (and its parent) when the thing it stands for closes.

/** A connectivity state as channelz reports it. */
export type ChannelzState = 'IDLE' | 'CONNECTING' | 'READY' | 'TRANSIENT_FAILURE' | 'SHUTDOWN';

/** What the nodes need of their registry (registry.ts): ids, and the tables they enter and leave. */
export interface Registrar {
  readonly maxTraceEvents: number;
  newId(): number;
  enter(node: ChannelzNode): void;
  leave(node: ChannelzNode): void;
  bind(connection: Connection, socket: SocketNode): void;
}

export type ChannelzNode = ChannelNode | ServerNode | SocketNode;

/** Where a socket's ends are, when its transport does not say (a unix socket's path, an in-memory pair's name). */
export interface SocketHints {
  local?: SocketAddress;
  remote?: SocketAddress;
}

/**
 * A channel (a target, its calls, trace and subchannels) or a subchannel (an address, its calls, trace and
 * sockets). Its state is read from the thing itself when asked.
 */
export class ChannelNode {
  readonly calls = new CallCounts();
  readonly trace: ChannelTrace;
  readonly subchannels = new Map<number, ChannelNode>();
  readonly sockets = new Map<number, SocketNode>();
  readonly id: number;
  private removed = false;

  constructor(
    private readonly registrar: Registrar,
    readonly kind: 'channel' | 'subchannel',
    /** The channel's target, or the subchannel's address. */
    readonly name: string,
    private readonly currentState: () => ChannelzState,
    readonly parent?: ChannelNode,
  ) {
    this.id = registrar.newId();
    this.trace = new ChannelTrace(registrar.maxTraceEvents);
    this.trace.add(kind === 'channel' ? 'Channel created' : 'Subchannel created');
    registrar.enter(this);
  }

  get state(): ChannelzState {
    return this.currentState();
  }

  get ref(): ChildRef {
    return { kind: this.kind, id: this.id, name: this.name };
  }

  /** connectivity-semantics-and-api.md: the channel or subchannel moved to `state` (told after the change). */
  stateChanged(state: ChannelzState, why?: string): void {
    const what = this.kind === 'channel' ? 'Channel' : 'Subchannel';
    this.trace.add(`${what} Connectivity change to ${state}${why ? ` (${why})` : ''}`, state === 'TRANSIENT_FAILURE' ? 'CT_WARNING' : 'CT_INFO');
  }

  /** A channel's new subchannel for `address`. */
  addSubchannel(address: string, state: () => ChannelzState): ChannelNode {
    const child = new ChannelNode(this.registrar, 'subchannel', address, state, this);
    this.subchannels.set(child.id, child);
    this.trace.add(`Child Subchannel(id:${child.id}) created`, 'CT_INFO', child.ref);
    return child;
  }

  /** A subchannel's new connection (counted from now on). */
  addSocket(connection: Connection, hints: SocketHints = {}): SocketNode {
    const socket = new SocketNode(this.registrar, this, connection, hints);
    this.sockets.set(socket.id, socket);
    return socket;
  }

  /** The channel closed, or the subchannel was shut down: it leaves the registry with its subchannels. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    for (const child of this.subchannels.values()) child.remove();
    this.registrar.leave(this);
    if (this.parent) {
      this.parent.subchannels.delete(this.id);
      this.parent.trace.add(`Child Subchannel(id:${this.id}) deleted`, 'CT_INFO', this.ref);
    }
  }
}

/** A server: its calls, trace, listen sockets and the connections it serves. */
export class ServerNode {
  readonly calls = new CallCounts();
  readonly trace: ChannelTrace;
  readonly listenSockets = new Map<number, SocketNode>();
  readonly sockets = new Map<number, SocketNode>();
  readonly id: number;

  constructor(
    private readonly registrar: Registrar,
    readonly name: string,
  ) {
    this.id = registrar.newId();
    this.trace = new ChannelTrace(registrar.maxTraceEvents);
    this.trace.add('Server created');
    registrar.enter(this);
  }

  /** The server listens at `address`. */
  addListenSocket(address: SocketAddress): SocketNode {
    const socket = new SocketNode(this.registrar, this, undefined, { local: address });
    this.listenSockets.set(socket.id, socket);
    return socket;
  }

  /** A connection the server accepted (counted from now on). */
  addSocket(connection: Connection, hints: SocketHints = {}): SocketNode {
    const socket = new SocketNode(this.registrar, this, connection, hints);
    this.sockets.set(socket.id, socket);
    return socket;
  }

  /** The server shut down: it leaves the registry with its sockets. */
  remove(): void {
    for (const socket of [...this.listenSockets.values(), ...this.sockets.values()]) socket.remove();
    this.registrar.leave(this);
  }
}

/**
 * A socket: a connection of a subchannel or a server (its HTTP/2 counts read from the Connection, its gRPC messages
 * counted here), or a server's listen socket (no connection).
 */
export class SocketNode {
  messagesSent = 0;
  messagesReceived = 0;
  lastMessageSent = 0;
  lastMessageReceived = 0;
  readonly id: number;
  readonly local: SocketAddress | undefined;
  readonly remote: SocketAddress | undefined;
  private removed = false;

  constructor(
    private readonly registrar: Registrar,
    readonly parent: ChannelNode | ServerNode,
    readonly connection: Connection | undefined,
    hints: SocketHints,
  ) {
    this.id = registrar.newId();
    const ends = connection ? socketEnds(connection.socket) : {};
    this.local = ends.local ?? hints.local;
    this.remote = ends.remote ?? hints.remote;
    registrar.enter(this);
    if (connection) {
      connection.collectStats();
      registrar.bind(connection, this);
      connection.once('close', () => this.remove());
    }
  }

  /** "local -> remote", or the listening address. */
  get name(): string {
    return this.connection ? `${addressText(this.local)} -> ${addressText(this.remote)}` : addressText(this.local);
  }

  messageSent(): void {
    this.messagesSent++;
    this.lastMessageSent = Date.now();
  }

  messageReceived(): void {
    this.messagesReceived++;
    this.lastMessageReceived = Date.now();
  }

  /** The connection closed (or the listener did): the socket leaves the registry and its parent. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.registrar.leave(this);
    this.parent.sockets.delete(this.id);
    if (this.parent instanceof ServerNode) this.parent.listenSockets.delete(this.id);
  }
}
