// The OpenTelemetry SDK as the tests' real peer: a MeterProvider whose in-memory exporter is read on demand, a
// TracerProvider whose in-memory exporter keeps every ended span, and ways to find the data points of one series.
import { AggregationTemporality, type DataPoint, type Histogram, InMemoryMetricExporter, MeterProvider, type MetricData, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export function metricsPeer() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // the interval is a maximum that never passes in a test: every read is a forceFlush
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  /** Every metric as of now, by instrument name. */
  async function read(): Promise<Map<string, MetricData>> {
    exporter.reset();
    await reader.forceFlush();
    const byName = new Map<string, MetricData>();
    for (const resource of exporter.getMetrics()) for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }
  return { meterProvider, read, shutdown: () => meterProvider.shutdown() };
}

export function tracesPeer() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracerProvider, spans: () => exporter.getFinishedSpans(), shutdown: () => tracerProvider.shutdown() };
}

/** The data points of a metric, as "attr=value,…" (sorted) → point. */
export function series<T>(metric: MetricData | undefined): Map<string, DataPoint<T>> {
  const out = new Map<string, DataPoint<T>>();
  for (const point of (metric?.dataPoints ?? []) as DataPoint<T>[]) {
    const key = Object.entries(point.attributes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${String(v)}`).join(',');
    out.set(key, point);
  }
  return out;
}

/** A histogram series' count and sum, or undefined when the series is absent. */
export function countAndSum(metric: MetricData | undefined, key: string): { count: number; sum: number } | undefined {
  const point = series<Histogram>(metric).get(key);
  return point && { count: point.value.count, sum: point.value.sum ?? NaN };
}
