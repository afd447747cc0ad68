import type { Connection } from '../../http2/index.js';
import { ChannelNode, type ChannelzNode, type ChannelzState, type Registrar, ServerNode, SocketNode } from './nodes.js';

/** Options of a ChannelzRegistry. */
export interface ChannelzOptions {
  /** Trace events kept per channel and subchannel (the older ones are dropped, still counted). Default 32. */
  maxTraceEvents?: number;
  /** Most entities one Get… call answers with, whatever max_results asks. Default 1000. */
  maxPageSize?: number;
}

/** gRFC A14: the page size when a request's max_results is 0 (as grpc-js). */
export const DEFAULT_PAGE_SIZE = 100;
/** Default of ChannelzOptions.maxPageSize: the most entities one Get… call answers with. */
export const DEFAULT_MAX_PAGE_SIZE = 1000;
/** Default of ChannelzOptions.maxTraceEvents: trace events kept per channel and subchannel. */
export const DEFAULT_MAX_TRACE_EVENTS = 32;

/** A page of entities: at most the size asked for, from the first id at or above the start; end when none is left. */
export interface Page<T> {
  items: T[];
  end: boolean;
}

/**
 * gRFC A14 channelz for one process (or one part of it): the channels, subchannels, servers and sockets that were
 * given this registry (`createClient(…, { channelz: registry })`, `new Server({ channelz: registry })`), each with
 * an id unique in it. Nothing is collected for a client or server without one, and nothing here is global: two
 * registries know nothing of each other. Entities leave it when they close, so it holds only what is live.
 */
export class ChannelzRegistry {
  readonly maxTraceEvents: number;
  readonly maxPageSize: number;
  private lastId = 0;
  private readonly channels = new Map<number, ChannelNode>();
  private readonly subchannels = new Map<number, ChannelNode>();
  private readonly servers = new Map<number, ServerNode>();
  private readonly sockets = new Map<number, SocketNode>();
  private readonly byConnection = new WeakMap<Connection, SocketNode>();
  private readonly registrar: Registrar;

  constructor(options: ChannelzOptions = {}) {
    this.maxTraceEvents = options.maxTraceEvents ?? DEFAULT_MAX_TRACE_EVENTS;
    this.maxPageSize = options.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
    const table = (node: ChannelzNode): Map<number, ChannelzNode> =>
      node instanceof SocketNode ? this.sockets : node instanceof ServerNode ? this.servers : node.kind === 'channel' ? this.channels : this.subchannels;
    this.registrar = {
      maxTraceEvents: this.maxTraceEvents,
      newId: () => ++this.lastId,
      enter: (node) => table(node).set(node.id, node),
      leave: (node) => table(node).delete(node.id),
      bind: (connection, socket) => this.byConnection.set(connection, socket),
    };
  }

  /** A new top-level channel to `target`, whose state `state()` reads. */
  addChannel(target: string, state: () => ChannelzState): ChannelNode {
    return new ChannelNode(this.registrar, 'channel', target, state);
  }

  /** A new server. */
  addServer(name = ''): ServerNode {
    return new ServerNode(this.registrar, name);
  }

  /** The socket of a connection that a subchannel or server of this registry made or accepted. */
  socketOf(connection: object): SocketNode | undefined {
    return this.byConnection.get(connection as Connection);
  }

  channel(id: number): ChannelNode | undefined {
    return this.channels.get(id);
  }

  subchannel(id: number): ChannelNode | undefined {
    return this.subchannels.get(id);
  }

  server(id: number): ServerNode | undefined {
    return this.servers.get(id);
  }

  socket(id: number): SocketNode | undefined {
    return this.sockets.get(id);
  }

  topChannels(startId: number, maxResults: number): Page<ChannelNode> {
    return this.page(this.channels.values(), startId, maxResults);
  }

  allServers(startId: number, maxResults: number): Page<ServerNode> {
    return this.page(this.servers.values(), startId, maxResults);
  }

  /** A page of the entities (in increasing id order, as they were made) from the first id at or above startId. */
  page<T extends { id: number }>(entities: Iterable<T>, startId: number, maxResults: number): Page<T> {
    const size = Math.min(maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE, this.maxPageSize);
    const items: T[] = [];
    for (const entity of entities) {
      if (entity.id < startId) continue;
      if (items.length === size) return { items, end: false };
      items.push(entity);
    }
    return { items, end: true };
  }
}
