// Prometheus text exposition (format 0.0.4) of OpenTelemetry metrics, served on http://HOST:PORT/metrics: what
// `pi-server.ts --metrics PORT` and `cache/cluster.ts --metrics PORT` run. The OpenTelemetry SDK aggregates; this
// file only names and prints, following the OpenTelemetry → Prometheus rules
// (specification/compatibility/prometheus_and_openmetrics.md): dots become underscores, the unit is a suffix
// (s → _seconds, By → _bytes, {call} dropped), a counter ends in _total, and a histogram is _bucket{le=…}
// (cumulative), _sum and _count; parsePrometheusText reads such text back (the cluster demo reads its own).
// node:http is fine here: examples/ is not src/.
import http from 'node:http';
import { AggregationTemporality, DataPointType, type Histogram, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { die } from './run.js';

/** A reader that exports nothing by itself: each scrape collects. */
class ScrapeReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const UNIT_SUFFIX: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

/** An OpenTelemetry instrument's name and unit as a Prometheus metric name. */
export function prometheusName(name: string, unit: string, counter: boolean): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  const suffix = UNIT_SUFFIX[unit] ?? (unit && !unit.startsWith('{') ? unit.replace(/[^a-zA-Z0-9_:]/g, '_') : '');
  if (suffix && !out.endsWith(`_${suffix}`)) out += `_${suffix}`;
  if (counter) out += '_total';
  return out;
}

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labels(attributes: Record<string, unknown>, extra?: [string, string]): string {
  const pairs = Object.entries(attributes).map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}="${escapeValue(String(v))}"`);
  if (extra) pairs.push(`${extra[0]}="${extra[1]}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

/** The text of one collection. */
export function prometheusText(collected: ResourceMetrics): string {
  const lines: string[] = [];
  for (const scope of collected.scopeMetrics) {
    for (const metric of scope.metrics) {
      const { name, unit, description } = metric.descriptor;
      if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
        const counter = metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
        // text format 0.0.4 names a counter's family with its _total, as its samples
        const full = prometheusName(name, unit, counter);
        lines.push(`# HELP ${full} ${escapeHelp(description)}`, `# TYPE ${full} ${counter ? 'counter' : 'gauge'}`);
        for (const point of metric.dataPoints) lines.push(`${full}${labels(point.attributes)} ${point.value as number}`);
      } else if (metric.dataPointType === DataPointType.HISTOGRAM) {
        const base = prometheusName(name, unit, false);
        lines.push(`# HELP ${base} ${escapeHelp(description)}`, `# TYPE ${base} histogram`);
        for (const point of metric.dataPoints) {
          const value = point.value as Histogram;
          let cumulative = 0;
          value.buckets.boundaries.forEach((le, i) => {
            cumulative += value.buckets.counts[i]!;
            lines.push(`${base}_bucket${labels(point.attributes, ['le', String(le)])} ${cumulative}`);
          });
          lines.push(`${base}_bucket${labels(point.attributes, ['le', '+Inf'])} ${value.count}`);
          lines.push(`${base}_sum${labels(point.attributes)} ${value.sum ?? 0}`, `${base}_count${labels(point.attributes)} ${value.count}`);
        }
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** The examples' `--metrics PORT` value as a port (0: a free one), or undefined without the flag; else exits 2. */
export function parseMetricsPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) die(`--metrics takes a port from 0 to 65535, not "${value}"`, 2);
  return Number(value);
}

/** A MeterProvider whose metrics are served at http://host:port/metrics; resolves once it listens. */
export async function servePrometheus(port: number, host = '127.0.0.1'): Promise<{ meterProvider: MeterProvider; port: number; close: () => Promise<void> }> {
  const reader = new ScrapeReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    reader.collect().then(({ resourceMetrics }) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(prometheusText(resourceMetrics));
    }, (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // a scraper's kept-alive connection must not hold the process
    await closed;
    await meterProvider.shutdown();
  };
  return { meterProvider, port: bound, close };
}

/** One sample of a text exposition: `name{label="value",…} number`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition (format 0.0.4), comments skipped: what a scraper reads back. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}
