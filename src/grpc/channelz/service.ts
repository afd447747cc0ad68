import { Status, StatusError } from '../call/index.js';
import { channelMessage, serverMessage, socketMessage, socketRef } from './messages.js';
import type { ChannelzRegistry } from './registry.js';

// gRFC A14: the seven methods of grpc.channelz.v1.Channelz, answered from one registry. Ids and max_results arrive
// as int64 decimal strings (the runtime's TO_OBJECT); paging follows channelz.proto: results from the first id at
// or above start_*_id, at most max_results (0: the default page), `end` when nothing is left after them.

type Request = Record<string, string | boolean | undefined>;

/** An int64 field of a request as a number; a negative one is refused by name. */
function int(request: Request, field: string): number {
  const value = Number(request[field] ?? 0);
  if (!Number.isSafeInteger(value) || value < 0) throw new StatusError(Status.INVALID_ARGUMENT, `${field} must not be negative (got ${request[field]})`);
  return value;
}

function notFound(what: string, id: number): never {
  throw new StatusError(Status.NOT_FOUND, `no ${what} with id ${id}`);
}

/** The handlers of grpc.channelz.v1.Channelz over `registry`, for server.addService(channelzService, …). */
export function channelzHandlers(registry: ChannelzRegistry) {
  return {
    GetTopChannels: (request: Request) => {
      const page = registry.topChannels(int(request, 'start_channel_id'), int(request, 'max_results'));
      return { channel: page.items.map(channelMessage), end: page.end };
    },
    GetServers: (request: Request) => {
      const page = registry.allServers(int(request, 'start_server_id'), int(request, 'max_results'));
      return { server: page.items.map(serverMessage), end: page.end };
    },
    GetServer: (request: Request) => {
      const id = int(request, 'server_id');
      const server = registry.server(id) ?? notFound('server', id);
      return { server: serverMessage(server) };
    },
    GetServerSockets: (request: Request) => {
      const id = int(request, 'server_id');
      const server = registry.server(id) ?? notFound('server', id);
      const page = registry.page(server.sockets.values(), int(request, 'start_socket_id'), int(request, 'max_results'));
      return { socket_ref: page.items.map(socketRef), end: page.end };
    },
    GetChannel: (request: Request) => {
      const id = int(request, 'channel_id');
      return { channel: channelMessage(registry.channel(id) ?? notFound('channel', id)) };
    },
    GetSubchannel: (request: Request) => {
      const id = int(request, 'subchannel_id');
      return { subchannel: channelMessage(registry.subchannel(id) ?? notFound('subchannel', id)) };
    },
    GetSocket: (request: Request) => {
      const id = int(request, 'socket_id');
      return { socket: socketMessage(registry.socket(id) ?? notFound('socket', id)) };
    },
  };
}
