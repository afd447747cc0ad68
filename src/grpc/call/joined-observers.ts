import type { HeaderList } from '../../http2/index.js';
import type { CallObservers, ChannelObserver, ClientCallObserver, ClientCallStart, ServerCallObserver, ServerCallStart } from './call-observer.js';
import type { CallTransport } from './client-stream.js';

// Two sources of call observers on one server or client (telemetry, channelz's counting, a binary log): each call
// gets both, every event told to each in turn. Made only when both are installed; with one, that one is used as it
// is. Three join as two: joinObservers(joinObservers(a, b), c).

/** The observers of `a` and `b` together; one of them alone when the other is absent. */
export function joinObservers(a: CallObservers | undefined, b: CallObservers | undefined): CallObservers | undefined {
  if (!a || !b) return a ?? b;
  return {
    serverCall: (start: ServerCallStart) => both(a.serverCall?.(start), b.serverCall?.(start), JoinedServerObserver),
    clientCall: (start: ClientCallStart) => both(a.clientCall?.(start), b.clientCall?.(start), JoinedClientObserver),
    channel: (target: string) => both(a.channel?.(target), b.channel?.(target), JoinedChannelObserver),
  };
}

function both<O, J>(a: O | undefined, b: O | undefined, Joined: new (a: O, b: O) => J): O | J | undefined {
  return a && b ? new Joined(a, b) : a ?? b;
}

/** A server call's two observers as one. */
class JoinedServerObserver implements ServerCallObserver {
  constructor(
    private readonly a: ServerCallObserver,
    private readonly b: ServerCallObserver,
  ) {}

  messageSent(size: number): void {
    this.a.messageSent(size);
    this.b.messageSent(size);
  }

  messageReceived(size: number): void {
    this.a.messageReceived(size);
    this.b.messageReceived(size);
  }

  messageOctetsSent(message: Uint8Array): void {
    this.a.messageOctetsSent?.(message);
    this.b.messageOctetsSent?.(message);
  }

  messageOctetsReceived(message: Uint8Array, compressed: boolean): void {
    this.a.messageOctetsReceived?.(message, compressed);
    this.b.messageOctetsReceived?.(message, compressed);
  }

  responseHeaders(fields: HeaderList): void {
    this.a.responseHeaders?.(fields);
    this.b.responseHeaders?.(fields);
  }

  trailers(fields: HeaderList): void {
    this.a.trailers?.(fields);
    this.b.trailers?.(fields);
  }

  halfClosed(): void {
    this.a.halfClosed?.();
    this.b.halfClosed?.();
  }

  cancelled(): void {
    this.a.cancelled?.();
    this.b.cancelled?.();
  }

  callEnded(code: number): void {
    this.a.callEnded(code);
    this.b.callEnded(code);
  }
}

/** A client call's two observers as one: an attempt's extra request headers are both lists, in order. */
class JoinedClientObserver implements ClientCallObserver {
  constructor(
    private readonly a: ClientCallObserver,
    private readonly b: ClientCallObserver,
  ) {}

  attemptStarted(transparent: boolean): HeaderList | undefined {
    const first = this.a.attemptStarted(transparent);
    const second = this.b.attemptStarted(transparent);
    return first && second ? [...first, ...second] : first ?? second;
  }

  attemptConnected(transport: CallTransport): void {
    this.a.attemptConnected?.(transport);
    this.b.attemptConnected?.(transport);
  }

  attemptEnded(code: number): void {
    this.a.attemptEnded(code);
    this.b.attemptEnded(code);
  }

  connected(peer: string): void {
    this.a.connected?.(peer);
    this.b.connected?.(peer);
  }

  messageSent(size: number): void {
    this.a.messageSent(size);
    this.b.messageSent(size);
  }

  messageReceived(size: number): void {
    this.a.messageReceived(size);
    this.b.messageReceived(size);
  }

  messageOctetsSent(message: Uint8Array): void {
    this.a.messageOctetsSent?.(message);
    this.b.messageOctetsSent?.(message);
  }

  messageOctetsReceived(message: Uint8Array, compressed: boolean): void {
    this.a.messageOctetsReceived?.(message, compressed);
    this.b.messageOctetsReceived?.(message, compressed);
  }

  responseHeaders(fields: HeaderList): void {
    this.a.responseHeaders?.(fields);
    this.b.responseHeaders?.(fields);
  }

  trailers(fields: HeaderList): void {
    this.a.trailers?.(fields);
    this.b.trailers?.(fields);
  }

  halfClosed(): void {
    this.a.halfClosed?.();
    this.b.halfClosed?.();
  }

  cancelled(): void {
    this.a.cancelled?.();
    this.b.cancelled?.();
  }

  callEnded(code: number, details?: string): void {
    this.a.callEnded(code, details);
    this.b.callEnded(code, details);
  }
}

/** A channel's two observers (gRFC A79) as one. */
class JoinedChannelObserver implements ChannelObserver {
  constructor(
    private readonly a: ChannelObserver,
    private readonly b: ChannelObserver,
  ) {}

  connectionAttempt(succeeded: boolean, policy: string): void {
    this.a.connectionAttempt(succeeded, policy);
    this.b.connectionAttempt(succeeded, policy);
  }

  disconnected(reason: string, policy: string): void {
    this.a.disconnected(reason, policy);
    this.b.disconnected(reason, policy);
  }

  openConnections(delta: 1 | -1): void {
    this.a.openConnections(delta);
    this.b.openConnections(delta);
  }
}
