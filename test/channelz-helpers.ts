// Reading a Channelz service (gRFC A14) in tests: ours, grpc-js's and grpc-go's, with our client.
import type { Test } from 'tap';
import { channelzService, createClient } from '../src/grpc/index.js';

export type Z = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CHANNELZ_METHODS = ['GetTopChannels', 'GetServers', 'GetServer', 'GetServerSockets', 'GetChannel', 'GetSubchannel', 'GetSocket'] as const;

/** A Channelz client of `port`, for reading (it counts nowhere). */
export function reader(t: Test, port: number) {
  const client = createClient<(typeof CHANNELZ_METHODS)[number]>(`127.0.0.1:${port}`, channelzService);
  t.teardown(() => client.close());
  return client;
}

export const counts = (d: Z) => ({ started: Number(d.calls_started), succeeded: Number(d.calls_succeeded), failed: Number(d.calls_failed) });
export const streams = (d: Z) => ({ started: Number(d.streams_started), succeeded: Number(d.streams_succeeded), failed: Number(d.streams_failed), sent: Number(d.messages_sent), received: Number(d.messages_received) });

/** The fields of a message that hold something (not null, 0, "", false or []), as dotted paths. */
export function populated(message: Z, prefix = ''): string[] {
  return Object.entries(message).flatMap(([key, value]) => {
    if (value === null || value === undefined || value === '' || value === '0' || value === 0 || value === false) return [];
    if (Array.isArray(value)) return value.length ? [prefix + key] : [];
    if (typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array) && key !== 'trace' && !key.endsWith('timestamp')) return populated(value, `${prefix}${key}.`);
    return [prefix + key];
  }).sort();
}
