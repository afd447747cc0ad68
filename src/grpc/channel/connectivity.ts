// gRPC connectivity-semantics-and-api.md: the states of a subchannel and of a channel.

/** IDLE (no connection, none wanted yet), CONNECTING, READY, TRANSIENT_FAILURE (waiting out a backoff), SHUTDOWN. */
export type ConnectivityState = 'IDLE' | 'CONNECTING' | 'READY' | 'TRANSIENT_FAILURE' | 'SHUTDOWN';
