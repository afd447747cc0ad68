import type { HeaderList } from '../../http2/index.js';
import { ACCEPT_ENCODING } from '../call/index.js';
import { type ClientCallConfig, USER_AGENT } from './call-config.js';

/**
 * A call's request header block (gRPC PROTOCOL-HTTP2: pseudo-headers, te, content-type, user-agent, grpc-timeout,
 * grpc-encoding, grpc-accept-encoding, then the metadata). A call with no deadline, metadata or compression sends
 * the same list as every other such call of its method on the channel: that one is built once and shared (the
 * HPACK encoder only reads it). `extra` (an observer's trace context) goes last.
 */
export function requestHeaders(config: ClientCallConfig, timeout: string | undefined, attempt: number, extra?: HeaderList): HeaderList {
  const { method, options, compression } = config;
  const plain = timeout === undefined && compression === 'identity' && attempt === 1 && !options.metadata && !extra;
  const cache = config.headerCache;
  if (plain && cache) {
    const cached = cache.get(method.path);
    if (cached) return cached;
  }
  const headers: HeaderList = [
    [':method', 'POST'],
    [':scheme', config.channel.scheme],
    [':path', method.path],
    [':authority', config.channel.authority],
    ['te', 'trailers'],
    ['content-type', 'application/grpc'],
    ['user-agent', USER_AGENT],
  ];
  if (timeout !== undefined) headers.push(['grpc-timeout', timeout]);
  if (compression !== 'identity') headers.push(['grpc-encoding', compression]);
  if (attempt > 1) headers.push(['grpc-previous-rpc-attempts', String(attempt - 1)]);
  headers.push(['grpc-accept-encoding', ACCEPT_ENCODING]);
  options.metadata?.appendTo(headers);
  if (extra) headers.push(...extra);
  if (plain && cache) cache.set(method.path, headers);
  return headers;
}
