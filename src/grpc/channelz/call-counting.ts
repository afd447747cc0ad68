import type { Connection } from '../../http2/index.js';
import type { CallObservers, CallTransport, ClientCallObserver, ServerCallObserver, ServerCallStart } from '../call/index.js';
import { ChannelNode, type ServerNode, type SocketNode } from './nodes.js';
import type { ChannelzRegistry } from './registry.js';

// gRFC A14's call counts, taken through the call-observer seam that telemetry uses (call/call-observer.ts): a
// channel counts its calls, the subchannel that carries an attempt counts the attempt, the socket counts the
// messages; a server counts its calls and each connection's messages. Streams are counted by the connections.

/** One client call: the channel's counts at its start and end, each attempt's on its subchannel and socket. */
class ClientCallCounter implements ClientCallObserver {
  private subchannel: ChannelNode | undefined;
  private socket: SocketNode | undefined;

  constructor(
    private readonly registry: ChannelzRegistry,
    private readonly channel: ChannelNode,
  ) {
    channel.calls.started();
  }

  attemptStarted(): undefined {
    this.subchannel = undefined;
    this.socket = undefined;
    return undefined;
  }

  attemptConnected(transport: CallTransport): void {
    this.socket = this.registry.socketOf(transport);
    const parent = this.socket?.parent;
    if (parent instanceof ChannelNode) {
      this.subchannel = parent;
      parent.calls.started();
    }
  }

  messageSent(): void {
    if (this.socket) this.socket.messageSent();
  }

  messageReceived(): void {
    if (this.socket) this.socket.messageReceived();
  }

  attemptEnded(code: number): void {
    if (this.subchannel) this.subchannel.calls.ended(code);
    this.subchannel = undefined;
  }

  callEnded(code: number): void {
    this.attemptEnded(code); // an attempt still open ends with the call
    this.channel.calls.ended(code);
  }
}

/** One server call: the server's counts, and its messages on the connection's socket. */
class ServerCallCounter implements ServerCallObserver {
  constructor(
    private readonly server: ServerNode,
    private readonly socket: SocketNode | undefined,
  ) {
    server.calls.started();
  }

  messageSent(): void {
    if (this.socket) this.socket.messageSent();
  }

  messageReceived(): void {
    if (this.socket) this.socket.messageReceived();
  }

  callEnded(code: number): void {
    this.server.calls.ended(code);
  }
}

/** The observers that count a channel's calls (a Client combines them with its telemetry's). */
export function channelCallCounting(registry: ChannelzRegistry, channel: ChannelNode): CallObservers {
  return { clientCall: () => new ClientCallCounter(registry, channel) };
}

/** The observers that count a server's calls. */
export function serverCallCounting(registry: ChannelzRegistry, server: ServerNode): CallObservers {
  return { serverCall: (start: ServerCallStart) => new ServerCallCounter(server, start.connection && registry.socketOf(start.connection)) };
}
