// gRFC A79: every instrument h2grpc can record, described once (name, kind, unit, labels, whether it is on by
// default), so that openTelemetry() can enable and disable them by name. A66's per-call instruments are on by
// default; the connection instruments of A78 (pick_first) and A94 (subchannels) are experimental there and off.

import type { Counter, Histogram, MeterProvider } from './otel-types.js';

export type InstrumentKind = 'counter' | 'histogram' | 'upDownCounter';

/** gRFC A66 "Latency" buckets, in seconds. */
export const LATENCY_BUCKETS = [0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100];
/** gRFC A66 "Size" buckets, in octets. */
export const SIZE_BUCKETS = [0, 1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

/** The instrumentation scope the instruments are made in. */
export const METER_NAME = 'h2grpc';

/** gRFC A79's instrument descriptor. */
export interface InstrumentDescriptor {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  /** The labels every data point carries. */
  readonly labels: readonly string[];
  /** Labels recorded only when openTelemetry()'s `optionalLabels` asks for them. */
  readonly optionalLabels: readonly string[];
  readonly enabledByDefault: boolean;
}

// each descriptor frozen, its label lists too: no module-level state can change
const described = (d: InstrumentDescriptor): InstrumentDescriptor => Object.freeze({ ...d, labels: Object.freeze([...d.labels]), optionalLabels: Object.freeze([...d.optionalLabels]) });
const a66 = (name: string, kind: InstrumentKind, unit: string, labels: string[], description: string): InstrumentDescriptor =>
  described({ name, kind, unit, description, labels, optionalLabels: [], enabledByDefault: true });
const connections = (name: string, kind: InstrumentKind, unit: string, description: string, optionalLabels: string[] = []): InstrumentDescriptor =>
  described({ name, kind, unit, description: `EXPERIMENTAL. ${description}`, labels: ['grpc.target'], optionalLabels, enabledByDefault: false });

const CLIENT = ['grpc.method', 'grpc.target'];
const CLIENT_ENDED = ['grpc.method', 'grpc.target', 'grpc.status'];
const SERVER_ENDED = ['grpc.method', 'grpc.status'];

/** Every instrument, A66's nine first. */
export const INSTRUMENTS: readonly InstrumentDescriptor[] = Object.freeze([
  a66('grpc.client.attempt.started', 'counter', '{attempt}', CLIENT, 'Number of client call attempts started.'),
  a66('grpc.client.attempt.duration', 'histogram', 's', CLIENT_ENDED, 'End-to-end time taken to complete a client call attempt.'),
  a66('grpc.client.attempt.sent_total_compressed_message_size', 'histogram', 'By', CLIENT_ENDED, 'Compressed message bytes sent per client call attempt.'),
  a66('grpc.client.attempt.rcvd_total_compressed_message_size', 'histogram', 'By', CLIENT_ENDED, 'Compressed message bytes received per call attempt.'),
  a66('grpc.client.call.duration', 'histogram', 's', CLIENT_ENDED, 'Time taken by gRPC to complete an RPC from application\'s perspective.'),
  a66('grpc.server.call.started', 'counter', '{call}', ['grpc.method'], 'Number of server calls started.'),
  a66('grpc.server.call.duration', 'histogram', 's', SERVER_ENDED, 'End-to-end time taken to complete a call from server transport\'s perspective.'),
  a66('grpc.server.call.sent_total_compressed_message_size', 'histogram', 'By', SERVER_ENDED, 'Compressed message bytes sent per server call.'),
  a66('grpc.server.call.rcvd_total_compressed_message_size', 'histogram', 'By', SERVER_ENDED, 'Compressed message bytes received per server call.'),
  // gRFC A94
  connections('grpc.subchannel.disconnections', 'counter', '{disconnection}', 'Number of times the selected subchannel becomes disconnected.', ['grpc.disconnect_error']),
  connections('grpc.subchannel.connection_attempts_succeeded', 'counter', '{attempt}', 'Number of successful connection attempts.'),
  connections('grpc.subchannel.connection_attempts_failed', 'counter', '{attempt}', 'Number of failed connection attempts.'),
  connections('grpc.subchannel.open_connections', 'upDownCounter', '{connection}', 'Number of open connections.'),
  // gRFC A78 (A94 moves them to grpc.subchannel.*; both are reported meanwhile, as A94 asks)
  connections('grpc.lb.pick_first.disconnections', 'counter', '{disconnection}', 'Number of times the selected subchannel becomes disconnected.'),
  connections('grpc.lb.pick_first.connection_attempts_succeeded', 'counter', '{attempt}', 'Number of successful connection attempts.'),
  connections('grpc.lb.pick_first.connection_attempts_failed', 'counter', '{attempt}', 'Number of failed connection attempts.'),
]);

/** What openTelemetry() records: A79's enabled instruments and optional labels, checked by name. */
export interface InstrumentChoice {
  /** The names of the instruments to record. */
  readonly enabled: ReadonlySet<string>;
  /** The optional labels to record where an instrument has them. */
  readonly optionalLabels: ReadonlySet<string>;
}

/** The defaults, plus `enable`, less `disable`; an unknown name is a TypeError that lists the known ones. */
export function chooseInstruments(enable: readonly string[] = [], disable: readonly string[] = [], optionalLabels: readonly string[] = []): InstrumentChoice {
  const known = new Map(INSTRUMENTS.map((i) => [i.name, i]));
  for (const name of [...enable, ...disable]) {
    if (!known.has(name)) throw new TypeError(`openTelemetry: no instrument is named ${JSON.stringify(name)}; the instruments are ${[...known.keys()].join(', ')}`);
  }
  const labels = new Set(INSTRUMENTS.flatMap((i) => i.optionalLabels));
  for (const label of optionalLabels) {
    if (!labels.has(label)) throw new TypeError(`openTelemetry: no instrument has the optional label ${JSON.stringify(label)}; the optional labels are ${[...labels].join(', ')}`);
  }
  const enabled = new Set(INSTRUMENTS.filter((i) => i.enabledByDefault).map((i) => i.name));
  for (const name of enable) enabled.add(name);
  for (const name of disable) enabled.delete(name);
  return { enabled, optionalLabels: new Set(optionalLabels) };
}

/** A counter's `add` or a histogram's `record`, as its kind has it; both do nothing on an instrument not chosen. */
export type Instrument = Counter & Histogram;

const NOT_RECORDED: Instrument = { add() {}, record() {} };

/** Whether an instrument from instrumentsOf() records (it was chosen), or is the no-op. */
export const isRecorded = (instrument: Instrument): boolean => instrument !== NOT_RECORDED;

/**
 * Makes the chosen instruments in the provider's "h2grpc" meter, by name, with the unit, description and (for
 * histograms) A66's bucket boundaries as advice; an instrument not chosen is a no-op.
 */
export function instrumentsOf(meterProvider: MeterProvider, choice: InstrumentChoice): (name: string) => Instrument {
  const meter = meterProvider.getMeter(METER_NAME);
  return (name) => {
    const d = INSTRUMENTS.find((i) => i.name === name);
    if (!d) throw new TypeError(`no instrument is named ${name}`);
    if (!choice.enabled.has(name)) return NOT_RECORDED;
    const options = { unit: d.unit, description: d.description };
    if (d.kind === 'counter') return meter.createCounter(name, options) as Instrument;
    if (d.kind === 'upDownCounter') return meter.createUpDownCounter(name, options) as Instrument;
    const explicitBucketBoundaries = d.unit === 's' ? LATENCY_BUCKETS : SIZE_BUCKETS;
    return meter.createHistogram(name, { ...options, advice: { explicitBucketBoundaries } }) as Instrument;
  };
}
