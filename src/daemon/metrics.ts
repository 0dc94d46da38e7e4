// Prometheus metrics of the sensor (DESIGN §7) on a private registry: every value is read from the
// live pipeline when scraped (collect callbacks), so the hot path never touches prom-client and the
// numbers always agree with the Sensor's own counters and summary.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CaptureStats } from '../capture/types';
import type { Counters } from '../core/counters';
import type { ReassemblyStats } from '../reassembly/reports';
import { currentBackend } from '../models/backend';
import type { Db } from '../store/database';
import { MIRROR_WARNING_KINDS, type MirrorWarning } from './mirror-health';
import type { HttpTotals } from './sensor';
import type { Stages } from './stages';
import type { TrafficSummary } from './traffic-summary';

/** What the metrics read from the Sensor (the Sensor itself satisfies it). */
export interface MetricsSensor {
  readonly counters: Counters;
  readonly summary: Pick<TrafficSummary, 'packets' | 'capturedBytes' | 'wireBytes' | 'decodedOk' | 'skipped'>;
  readonly httpTotals: HttpTotals;
  readonly reassembler: { stats(): ReassemblyStats };
}

export interface AlertCount {
  readonly detector: string;
  readonly severity: string;
  readonly count: number;
}

/** Everything the metrics read; all but the sensor are optional (replay has no pcap_stats). */
export interface MetricsSources {
  readonly sensor: MetricsSensor;
  /** pcap_stats of the live source (LiveSource.stats), null before it opened. */
  readonly capture?: () => CaptureStats | null;
  /** Endpoints in the inventory. */
  readonly endpoints?: () => number;
  /** Stored alerts by detector and severity. */
  readonly alerts?: () => readonly AlertCount[];
  /** Alert destinations and their outbox backlog. */
  readonly outputs?: { destinations(): readonly string[]; backlog(destination: string): number };
  /** Mirror health: current warnings and the loss estimate of its latest interval. */
  readonly mirror?: { readonly warnings: readonly MirrorWarning[]; readonly lossPercent: number | null };
}

export interface SensorMetricsOptions {
  /** Node process metrics (memory, CPU, GC, handles) under tapwatch_. */
  defaultMetrics?: boolean;
  /** Event-loop lag is reported over windows of this length. */
  lagWindowMs?: number;
}

/** Scores are 0–1, so fixed buckets across the range. */
const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/** Per-destination delivery counters (names as the dispatcher and outbox count them). */
const OUTPUT_COUNTERS = [
  ['delivered', 'Alerts delivered to the destination.'],
  ['retries', 'Failed delivery attempts that will be retried.'],
  ['rejected', 'Alerts the destination refused for good (not retried).'],
  ['dropped_backlog', 'Alerts dropped from the outbox because the backlog bound was hit.'],
] as const;

/**
 * Event-loop delay over fixed windows: the worse of the last complete window and the current one,
 * so a stall shows at once and stays visible for a whole window, whoever reads it (scrapes and
 * readiness probes do not reset each other's view).
 */
export class EventLoopLag {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private last = { p99: 0, max: 0, mean: 0 };

  constructor(windowMs = 10_000) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.last = this.current();
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  /** Seconds. */
  get p99(): number {
    return Math.max(this.last.p99, this.current().p99);
  }

  get max(): number {
    return Math.max(this.last.max, this.current().max);
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private current(): { p99: number; max: number; mean: number } {
    const h = this.histogram;
    if (h.count === 0) return { p99: 0, max: 0, mean: 0 };
    return { p99: h.percentile(99) / 1e9, max: h.max / 1e9, mean: h.mean / 1e9 };
  }
}

/**
 * Stored alerts are counted at most this often: the count is an index scan that grows with the
 * table, and SQLite calls block the event loop (and with it, capture).
 */
export const ALERT_COUNTS_TTL_MS = 60_000;

/** Sources backed by the stages (inventory, alert store, outbox); `get` returns the current stages. */
export function stageMetricsSources(get: () => Stages | null, now: () => number = Date.now): Pick<MetricsSources, 'endpoints' | 'alerts' | 'outputs'> {
  let cached: { at: number; db: Db; counts: AlertCount[] } | null = null;
  return {
    endpoints: () => get()?.inventory?.inventory.size ?? 0,
    alerts: () => {
      const stages = get();
      if (!stages) return [];
      const t = now();
      if (!cached || cached.db !== stages.db || t - cached.at >= ALERT_COUNTS_TTL_MS) cached = { at: t, db: stages.db, counts: alertCounts(stages.db) };
      return cached.counts;
    },
    outputs: {
      destinations: () => {
        const alerts = get()?.alerts;
        if (!alerts) return [];
        // configured ones plus any left with a backlog from an earlier config
        return [...new Set([...alerts.destinations.map((d) => d.transport.name), ...alerts.outbox.destinations()])].sort();
      },
      backlog: (destination) => get()?.alerts.backlog(destination) ?? 0,
    },
  };
}

/** Stored alerts by detector and severity. */
export function alertCounts(db: Db): AlertCount[] {
  const rows = db.prepare('SELECT type, severity, COUNT(*) AS n FROM alerts GROUP BY type, severity ORDER BY type, severity').all() as {
    type: string;
    severity: string;
    n: number;
  }[];
  return rows.map((r) => ({ detector: r.type, severity: r.severity, count: r.n }));
}

type Read = () => number;

export class SensorMetrics {
  readonly registry = new Registry();
  readonly lag: EventLoopLag;
  private readonly modelScores: Histogram<'model'>;

  constructor(
    private readonly sources: MetricsSources,
    options: SensorMetricsOptions = {},
  ) {
    this.lag = new EventLoopLag(options.lagWindowMs);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tapwatch_' });
    const { sensor } = sources;
    const s = sensor.summary;
    const reasm = (): ReassemblyStats => sensor.reassembler.stats();

    this.counter('tapwatch_packets_total', 'Packets read from the capture source.', () => s.packets);
    this.counter('tapwatch_captured_bytes_total', 'Bytes captured (up to snaplen) of those packets.', () => s.capturedBytes);
    this.counter('tapwatch_wire_bytes_total', 'Bytes of those packets on the wire.', () => s.wireBytes);
    this.counter('tapwatch_packets_decoded_total', 'Packets decoded down to the transport layer.', () => s.decodedOk);
    this.counter('tapwatch_packets_skipped_total', 'Packets skipped by the decoder (not IP, malformed, unsupported).', () => s.skipped);

    const capture = sources.capture;
    if (capture) {
      this.counter('tapwatch_capture_received_packets_total', 'Packets the capture received (pcap_stats ps_recv).', () => capture()?.received ?? 0);
      this.counter('tapwatch_capture_dropped_kernel_packets_total', 'Packets dropped by the kernel: the sensor did not keep up (pcap_stats ps_drop).', () => capture()?.droppedKernel ?? 0);
      this.counter('tapwatch_capture_dropped_interface_packets_total', 'Packets dropped by the interface or driver (pcap_stats ps_ifdrop).', () => capture()?.droppedInterface ?? 0);
    }

    this.counter('tapwatch_tcp_ack_events_total', 'TCP ACKs that moved a direction\'s acknowledged point forward (Zeek ack_events).', () => reasm().ackEvents);
    this.counter('tapwatch_tcp_acked_bytes_total', 'Bytes newly acknowledged by those ACKs.', () => reasm().ackedBytes);
    this.counter('tapwatch_tcp_ack_gap_events_total', 'ACKs that acknowledged data the sensor never saw (Zeek gap_events): capture loss.', () => reasm().ackGapEvents);
    this.counter('tapwatch_tcp_ack_gap_bytes_total', 'Bytes acknowledged but never seen.', () => reasm().ackGapBytes);
    this.gauge('tapwatch_capture_loss_percent', 'Estimated capture loss: gap ACKs per 100 ACKs over the latest mirror-health interval (since start without one).', () => {
      const interval = sources.mirror?.lossPercent;
      if (interval !== undefined && interval !== null) return interval;
      const r = reasm();
      return r.ackEvents > 0 ? (100 * r.ackGapEvents) / r.ackEvents : 0;
    });

    this.gauge('tapwatch_flows_active', 'TCP flows in the flow table.', () => reasm().flowsActive);
    this.counter('tapwatch_flows_created_total', 'TCP flows created.', () => reasm().flowsCreated);
    this.counter('tapwatch_flows_one_sided_total', 'Closed TCP flows with payload seen in one direction only.', () => reasm().flowsOneSided);
    this.counter('tapwatch_flows_closed_with_data_total', 'Closed TCP flows that carried payload.', () => reasm().flowsClosedWithData);
    this.gauge('tapwatch_reassembly_buffered_bytes', 'Out-of-order bytes held by TCP reassembly.', () => reasm().bufferedBytes);
    this.counter('tapwatch_reassembly_delivered_bytes_total', 'In-order stream bytes delivered to the analyzers.', () => reasm().bytesDelivered);
    this.counter('tapwatch_reassembly_gaps_total', 'Stream holes given up (loss, or a buffer bound).', () => reasm().gaps);
    this.counter('tapwatch_reassembly_gap_bytes_total', 'Bytes of those holes.', () => reasm().gapBytes);

    const http = sensor.httpTotals;
    this.counter('tapwatch_http_transactions_total', 'HTTP transactions reported.', () => http.transactions);
    this.counter('tapwatch_http_requests_total', 'HTTP transactions with a request.', () => http.requests);
    this.counter('tapwatch_http_responses_total', 'HTTP transactions with a response.', () => http.responses);

    const counters = sensor.counters;
    new Counter({
      name: 'tapwatch_events_total',
      help: 'Every named counter of the pipeline (anomalies, bound hits, stage totals), by name.',
      labelNames: ['name'],
      registers: [this.registry],
      collect(this: Counter<'name'>) {
        this.reset();
        for (const [name, value] of Object.entries(counters.snapshot())) this.inc({ name }, value);
      },
    });

    const endpoints = sources.endpoints;
    if (endpoints) this.gauge('tapwatch_endpoints', 'API endpoints in the inventory.', endpoints);

    const alerts = sources.alerts;
    if (alerts) {
      new Gauge({
        name: 'tapwatch_alerts',
        help: 'Stored alerts by detector and severity.',
        labelNames: ['detector', 'severity'],
        registers: [this.registry],
        collect(this: Gauge<'detector' | 'severity'>) {
          this.reset();
          for (const a of alerts()) this.set({ detector: a.detector, severity: a.severity }, a.count);
        },
      });
    }

    const outputs = sources.outputs;
    if (outputs) {
      new Gauge({
        name: 'tapwatch_outbox_backlog',
        help: 'Alerts queued for delivery, per destination.',
        labelNames: ['destination'],
        registers: [this.registry],
        collect(this: Gauge<'destination'>) {
          this.reset();
          for (const d of outputs.destinations()) this.set({ destination: d }, outputs.backlog(d));
        },
      });
      for (const [key, help] of OUTPUT_COUNTERS) {
        new Counter({
          name: `tapwatch_output_${key}_total`,
          help,
          labelNames: ['destination'],
          registers: [this.registry],
          collect(this: Counter<'destination'>) {
            this.reset();
            for (const d of outputs.destinations()) this.inc({ destination: d }, counters.get(`outputs.${d}.${key}`));
          },
        });
      }
    }

    this.modelScores = new Histogram({
      name: 'tapwatch_model_score',
      help: 'Scores (0–1) given by the behaviour models, per model.',
      labelNames: ['model'],
      buckets: SCORE_BUCKETS,
      registers: [this.registry],
    });

    const lag = this.lag;
    this.gauge('tapwatch_event_loop_lag_p99_seconds', 'Event-loop delay, 99th percentile over the current and the previous window.', () => lag.p99);
    this.gauge('tapwatch_event_loop_lag_max_seconds', 'Event-loop delay, maximum over the current and the previous window.', () => lag.max);

    new Gauge({
      name: 'tapwatch_model_backend_info',
      help: 'The TF.js backend the models run on (tensorflow, wasm or cpu): 1 on the series naming it; none before the models start.',
      labelNames: ['backend', 'package', 'gpu'],
      registers: [this.registry],
      collect(this: Gauge<'backend' | 'package' | 'gpu'>) {
        this.reset();
        const b = currentBackend();
        if (b !== null) this.set({ backend: b.name, package: b.pkg, gpu: String(b.gpu) }, 1);
      },
    });

    const mirror = sources.mirror;
    if (mirror) {
      new Gauge({
        name: 'tapwatch_mirror_warning',
        help: 'Mirror health warnings: 1 while the latest check found the problem, by kind.',
        labelNames: ['kind'],
        registers: [this.registry],
        collect(this: Gauge<'kind'>) {
          const active = new Set(mirror.warnings.map((w) => w.kind));
          for (const kind of MIRROR_WARNING_KINDS) this.set({ kind }, active.has(kind) ? 1 : 0);
        },
      });
    }
  }

  /** A model score for the tapwatch_model_score histogram (called by the models once they exist). */
  observeModelScore(model: string, score: number): void {
    this.modelScores.observe({ model }, score);
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  stop(): void {
    this.lag.stop();
    this.registry.clear();
  }

  private counter(name: string, help: string, read: Read): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect(this: Counter) {
        this.reset();
        this.inc(read());
      },
    });
  }

  private gauge(name: string, help: string, read: Read): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect(this: Gauge) {
        this.set(read());
      },
    });
  }
}
