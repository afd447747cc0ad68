import type { Metadata } from './metadata.js';

// What an interceptor watches of a call, on either side, beyond its start: every message each way and the status
// (as grpc-js's listeners and requesters, onReceiveMessage / sendMessage / onReceiveStatus, or a connect
// interceptor wrapping the stream). A call's `listen(listener)` adds one; a hook may return a replacement message.

/** How a call ended: OK or an error, with the trailing metadata. */
export interface CallStatus {
  code: number;
  details: string;
  metadata: Metadata;
}

/** Hooks on one call; each is optional. Messages are the objects the application sends and receives. */
export interface CallListener<Req = unknown, Res = unknown> {
  /** A request message: on the client before it is serialized and sent, on the server as the handler gets it. */
  onRequest?(message: Req): Req | void;
  /** Client: the response headers as they arrive. */
  onHeaders?(headers: Metadata): void;
  /** A response message: on the server before it is serialized and sent, on the client as the application gets it. */
  onResponse?(message: Res): Res | void;
  /** The call ended (once): the status received (client) or sent (server), CANCELLED when it was cancelled. */
  onStatus?(status: CallStatus): void;
}

/** A message through every listener's hook, in the order given; a hook returning undefined leaves it as it was. */
export function passThrough<T>(listeners: readonly CallListener[], hook: 'onRequest' | 'onResponse', message: T): T {
  let current = message;
  for (const listener of listeners) {
    const replaced = listener[hook]?.(current);
    if (replaced !== undefined) current = replaced as T;
  }
  return current;
}

/** Tells every listener the call's status; a listener that throws does not stop the others. */
export function tellStatus(listeners: readonly CallListener[], status: CallStatus): void {
  for (const listener of listeners) {
    try {
      listener.onStatus?.(status);
    } catch {
      // a listener's failure is its own: the call has ended either way
    }
  }
}
