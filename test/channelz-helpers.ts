// What the channelz tests share: a pi server counting into a registry, known traffic, the counts read back, and a
// reader of a Channelz service (gRFC A14): ours, grpc-js's and grpc-go's, with our client.
import type { Test } from 'tap';
import { ChannelzRegistry, channelzService, createClient, Server, Status, StatusError } from '../src/grpc/index.js';
import { pi, piService } from '../examples/pi-service.js';

export type Z = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CHANNELZ_METHODS = ['GetTopChannels', 'GetServers', 'GetServer', 'GetServerSockets', 'GetChannel', 'GetSubchannel', 'GetSocket'] as const;

/** A Channelz client of `port`, for reading (it counts nowhere). */
export function reader(t: Test, port: number) {
  const client = createClient<(typeof CHANNELZ_METHODS)[number]>(`127.0.0.1:${port}`, channelzService);
  t.teardown(() => client.close());
  return client;
}

/** A pi server whose Calc fails for n <= 0, counting into `channelz`. */
export async function piServer(t: Test, channelz?: ChannelzRegistry | boolean, reflection = false) {
  const server = new Server({ channelz, reflection });
  server.addService(piService, {
    Calc: ({ n }: { n: number }) => {
      if (n <= 0) throw new StatusError(Status.INVALID_ARGUMENT, 'request number should be positive');
      return { value: pi(n) };
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.teardown(() => server.forceShutdown());
  return { server, port };
}

/** 3 OK calls and 1 failed one. */
export async function knownTraffic(calc: (n: number) => Promise<unknown>) {
  for (const n of [1, 2, 3]) await calc(n);
  await calc(0).then(() => { throw new Error('n = 0 should fail'); }, (err: StatusError) => { if (err.code !== Status.INVALID_ARGUMENT) throw err; });
}

export const counts = (d: Z) => ({ started: Number(d.calls_started), succeeded: Number(d.calls_succeeded), failed: Number(d.calls_failed) });
export const streams = (d: Z) => ({ started: Number(d.streams_started), succeeded: Number(d.streams_succeeded), failed: Number(d.streams_failed), sent: Number(d.messages_sent), received: Number(d.messages_received) });

// each request is a 5-octet prefix and PiRequest{n} (08 0n: 2 octets); each response a prefix and a double (9)
export const REQUEST_OCTETS = 4 * (5 + 2);
export const RESPONSE_OCTETS = 3 * (5 + 9);
// RFC 9113 §6.9.2: 65535 to start, and both sides grant a connection window of 16 MiB at once
export const WINDOW = 16 << 20;

/** The fields of a message that hold something (not null, 0, "", false or []), as dotted paths. */
export function populated(message: Z, prefix = ''): string[] {
  return Object.entries(message).flatMap(([key, value]) => {
    if (value === null || value === undefined || value === '' || value === '0' || value === 0 || value === false) return [];
    if (Array.isArray(value)) return value.length ? [prefix + key] : [];
    if (typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array) && key !== 'trace' && !key.endsWith('timestamp')) return populated(value, `${prefix}${key}.`);
    return [prefix + key];
  }).sort();
}
