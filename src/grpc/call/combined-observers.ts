import type { HeaderList } from '../../http2/index.js';
import type { CallObservers, ClientCallObserver, ClientCallStart, ServerCallObserver, ServerCallStart } from './call-observer.js';

/**
 * Two sources of observers as one (telemetry's and channelz's): each call asks both, and when both watch it each
 * event is told to both (header fields from both attempts' starts go out). With one of them absent the other is
 * returned as it is, so a call observed by one pays for one.
 */
export function combineObservers(first: CallObservers | undefined, second: CallObservers | undefined): CallObservers | undefined {
  if (!first || !second) return first ?? second;
  return {
    serverCall(start: ServerCallStart): ServerCallObserver | undefined {
      const a = first.serverCall?.(start);
      const b = second.serverCall?.(start);
      if (!a || !b) return a ?? b;
      return {
        messageSent: (size) => (a.messageSent(size), b.messageSent(size)),
        messageReceived: (size) => (a.messageReceived(size), b.messageReceived(size)),
        callEnded: (code) => (a.callEnded(code), b.callEnded(code)),
      };
    },
    clientCall(start: ClientCallStart): ClientCallObserver | undefined {
      const a = first.clientCall?.(start);
      const b = second.clientCall?.(start);
      if (!a || !b) return a ?? b;
      return {
        attemptStarted: (transparent): HeaderList | undefined => {
          const fromA = a.attemptStarted(transparent);
          const fromB = b.attemptStarted(transparent);
          return fromA && fromB ? [...fromA, ...fromB] : (fromA ?? fromB);
        },
        attemptConnected: (connection) => (a.attemptConnected?.(connection), b.attemptConnected?.(connection)),
        messageSent: (size) => (a.messageSent(size), b.messageSent(size)),
        messageReceived: (size) => (a.messageReceived(size), b.messageReceived(size)),
        attemptEnded: (code) => (a.attemptEnded(code), b.attemptEnded(code)),
        callEnded: (code) => (a.callEnded(code), b.callEnded(code)),
      };
    },
  };
}
