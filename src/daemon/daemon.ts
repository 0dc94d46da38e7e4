// The long-running sensor (`tapwatch run`): live capture through the shared pipeline, the stages
// on the state database, and the lifecycle an operator relies on. SIGHUP reloads the config file
// (capture filter and settings, alerting thresholds, outputs, log level) without dropping flows; a
// config that does not validate, or a destination or filter that cannot be set up, leaves the old
// one running. SIGTERM/SIGINT stop capture, drain the pipeline, flush the inventory, give the
// outbox `outputs.outbox.drainTimeoutMs` and close SQLite, all within `daemon.shutdownTimeoutSec`.
import type { TapwatchConfig } from '../config/schema';
import type { Logger } from '../core/logger';
import { statsRecord, alertRecord } from './records';
import { CaptureSupervisor } from './capture-supervisor';
import { Sensor } from './sensor';
import { installationKeyFor } from '../core/installation-key';
import { logInventoryEvent } from './inventory-stage';
import { openPipeline, type Pipeline } from './pipeline';
import { describeBackend, initBackend } from '../models/backend';
import type { Stages } from './stages';
import { loadSpecs } from './inventory-stage';
import { credentialOptionsFor } from './credential-options';
import { startHttpApi, type HttpApi } from './http-api';
import { ApiTokens, apiTokensPathFor } from './api-tokens';
import { SensorMetrics, stageMetricsSources } from './metrics';
import { MirrorHealth } from './mirror-health';
import { SystemdNotifier } from './systemd';
import type { ImportedSpec } from '../inventory/openapi';

/** Sections read once at start; a reload that changes them is logged as needing a restart. */
const RESTART_ONLY: readonly (keyof TapwatchConfig)[] = ['decode', 'reassembly', 'http', 'store', 'api', 'identity', 'features', 'response'];

export interface ReloadResult {
  ok: boolean;
  error?: string;
  /** Top-level sections that changed. */
  changed: string[];
  /** Changed sections that only a restart applies. */
  needRestart: string[];
}

export interface DaemonOptions {
  /** Re-reads and validates the config (file + command-line overrides); throws ConfigError. */
  loadConfig: () => Readonly<TapwatchConfig>;
  dbPath: string;
  log: Logger;
}

export class Daemon {
  config: Readonly<TapwatchConfig>;
  readonly sensor: Sensor;
  stages: Stages | null = null;
  private pipeline: Pipeline | null = null;
  private key: Buffer | null = null;
  private readonly installationKey = (): Buffer => (this.key ??= installationKeyFor(this.opts.dbPath));
  supervisor: CaptureSupervisor | null = null;
  private readonly startedAt = process.hrtime.bigint();
  /** True once start() succeeded: a failed start has no capture to report stats of. */
  private started = false;
  private statsTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopRequested: string | null = null;
  private readonly notifier: SystemdNotifier;
  private mirror: MirrorHealth | null = null;
  private metrics: SensorMetrics | null = null;
  private api: HttpApi | null = null;

  constructor(
    initial: Readonly<TapwatchConfig>,
    private readonly opts: DaemonOptions,
  ) {
    this.config = initial;
    // the key file sits beside the database: read (or made) once the state directory may exist
    this.sensor = new Sensor(initial, undefined, false, credentialOptionsFor(initial, this.installationKey));
    this.notifier = new SystemdNotifier({ counters: this.sensor.counters, onError: (err) => this.log.warn({ err: err.message }, 'sd_notify failed') });
  }

  private get log(): Logger {
    return this.opts.log;
  }

  /**
   * Opens the state database, the alert destinations, the interface and the local HTTP port; tells
   * systemd it is ready. Throws what the operator must fix.
   */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (err) {
      // release what was opened, so the process can exit with the error
      this.stopRequested = 'start failed';
      this.supervisor?.stop();
      await this.shutdown().catch(() => 0);
      throw err;
    }
  }

  private async open(): Promise<void> {
    const config = this.config;
    // The interface first: a wrong name or filter must not leave a new state database behind.
    // Packets wait in the kernel buffer until run() starts delivering them.
    const supervisor = new CaptureSupervisor(config.capture.interface, config.capture, () => this.config.daemon.reopen, this.sensor, this.sensor.counters, this.log);
    this.supervisor = supervisor;
    supervisor.start();
    // the models' backend once, before the pipeline creates them (tfjs-node, else wasm, else cpu)
    if (config.models.enabled) this.log.info(describeBackend(await initBackend(config.models.backend)));
    this.pipeline = openPipeline(config, this.sensor, {
      dbPath: this.opts.dbPath,
      log: this.log,
      hooks: {
        onInventoryEvent: (e) => logInventoryEvent(this.log, e),
        onAlert: (alert, result) => this.log.warn({ alert: alertRecord(alert), outcome: result.outcome }, `alert: ${alert.type} ${alert.severity}`),
      },
    });
    this.stages = this.pipeline.stages;
    // now, so a damaged key file stops the start instead of the first credential's transaction
    this.installationKey();
    const inventory = this.stages.inventory;
    if (inventory) {
      for (const e of inventory.specErrors) this.log.warn({ err: e }, 'OpenAPI spec skipped');
      inventory.inventory.onStoreError = (err) => this.log.error({ err: err.message }, 'inventory flush failed; will retry');
    }
    if (this.stages.identity) this.stages.identity.onStoreError = (err) => this.log.error({ err: err.message }, 'identity flush failed; will retry');
    if (this.pipeline.features) this.pipeline.features.onStoreError = (err) => this.log.error({ err: err.message }, 'baseline flush failed; will retry');
    this.log.info(
      { db: this.opts.dbPath, specs: config.inventory.specs, destinations: this.stages.alerts.destinations.map((d) => `${d.kind}:${d.transport.name}`) },
      'state and alerting ready',
    );
    if (config.mirrorHealth.enabled) {
      this.mirror = new MirrorHealth(config.mirrorHealth, this.sensor);
      this.mirror.start((warnings) => {
        for (const w of warnings) this.log.warn({ mirror: w }, `mirror: ${w.message}`);
      });
    }
    this.metrics = new SensorMetrics({
      sensor: this.sensor,
      capture: () => supervisor.stats(),
      ...(this.mirror ? { mirror: this.mirror } : {}),
      ...stageMetricsSources(() => this.stages),
    });
    if (config.api.enabled) {
      // made at first start (admin + reader); `tapwatch token rotate` changes it while we run
      const { tokens, created } = ApiTokens.open(apiTokensPathFor(this.opts.dbPath), (err) => this.log.error({ err: err.message }, 'api tokens: cannot re-read the token file; keeping the previous tokens'));
      if (created) this.log.info({ file: tokens.file }, 'api tokens created (admin, reader); print one with `tapwatch token show NAME`');
      this.api = await startHttpApi(config.api, {
        tokens,
        counters: this.sensor.counters,
        metrics: this.metrics,
        readiness: () => ({
          captureOpen: supervisor.open,
          stagesUp: this.stages !== null && !this.stopping,
          ...(supervisor.open || !supervisor.lastError ? {} : { reasons: [`capture: ${supervisor.lastError.message}`] }),
        }),
        alerts: () => this.stages?.alerts.store ?? null,
        audited: (action, entryOf) => {
          if (!this.stages) throw new Error('the alert stage is not open');
          return this.stages.alerts.audited(action, entryOf);
        },
        feeds: (name) => this.pipeline?.response?.feed(name) ?? null,
        ...(this.mirror ? { mirror: this.mirror } : {}),
        onError: (err) => this.log.warn({ err: err.message }, 'http api error'),
      });
      this.log.info(
        { listen: this.api.address, protocol: this.api.protocol, ...(this.api.socketPath !== null ? { socket: this.api.socketPath } : {}) },
        'http api listening (/metrics, /healthz, /readyz, /alerts)',
      );
    }
    this.startTimers();
    this.notifier.ready(`capturing on ${config.capture.interface}`);
    this.notifier.startWatchdog();
    this.started = true;
  }

  /** Runs until stop() is called; then shuts down. Returns the exit code. */
  async run(): Promise<number> {
    if (!this.supervisor || !this.stages) throw new Error('start() before run()');
    await this.supervisor.run();
    return this.shutdown();
  }

  stop(reason: string): void {
    if (this.stopRequested !== null) return;
    this.stopRequested = reason;
    this.log.info({ reason }, 'stopping');
    this.notifier.stopWatchdog();
    this.notifier.stopping(`stopping: ${reason}`);
    this.supervisor?.stop();
  }

  get stopping(): boolean {
    return this.stopRequested !== null;
  }

  /** Re-reads the config; applies what can change live, keeps the old config on any error. */
  async reload(): Promise<ReloadResult> {
    this.notifier.reloading();
    try {
      return await this.applyReload();
    } finally {
      // systemd waits for READY=1 after RELOADING=1, whether the reload was taken or refused
      this.notifier.ready(`capturing on ${this.config.capture.interface}`);
    }
  }

  private async applyReload(): Promise<ReloadResult> {
    const counters = this.sensor.counters;
    let next: Readonly<TapwatchConfig>;
    try {
      next = this.opts.loadConfig();
    } catch (err) {
      counters.inc('daemon.reload.failed');
      this.log.error({ err: (err as Error).message }, 'reload: config rejected; keeping the running config');
      return { ok: false, error: (err as Error).message, changed: [], needRestart: [] };
    }
    const old = this.config;
    const changed = (Object.keys(next) as (keyof TapwatchConfig)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(old[k]));
    // of the inventory, only the specs change live
    const inventoryRest = (c: Readonly<TapwatchConfig>): string => JSON.stringify({ ...c.inventory, specs: [] });
    const needRestart = changed.filter(
      (k) =>
        RESTART_ONLY.includes(k) ||
        (k === 'capture' && next.capture.interface !== old.capture.interface) ||
        (k === 'inventory' && inventoryRest(next) !== inventoryRest(old)),
    );
    // what only a restart applies keeps its running value, so `config` says what is in effect
    const effective = { ...next } as TapwatchConfig;
    for (const k of RESTART_ONLY) (effective as Record<string, unknown>)[k] = old[k];
    if (next.capture.interface !== old.capture.interface) effective.capture = { ...next.capture, interface: old.capture.interface };
    effective.inventory = { ...old.inventory, specs: next.inventory.specs };
    try {
      let specs: ImportedSpec[] | null = null;
      if (JSON.stringify(next.inventory.specs) !== JSON.stringify(old.inventory.specs)) {
        const loaded = loadSpecs(next.inventory.specs);
        if (loaded.errors.length > 0) throw new Error(`OpenAPI specs: ${loaded.errors.join('; ')}`);
        specs = loaded.specs;
      }
      // capture first: a bad filter throws before anything changed; if the outputs then fail, the
      // capture settings go back
      this.supervisor?.reconfigure(effective.capture);
      try {
        await this.stages?.alerts.reconfigure(effective, effective.outputs.outbox.drainTimeoutMs);
      } catch (err) {
        this.supervisor?.reconfigure(old.capture);
        throw err;
      }
      if (specs) {
        this.stages?.inventory?.inventory.setSpecs(specs);
        this.log.info({ specs: next.inventory.specs, operations: specs.reduce((n, s) => n + s.operations.length, 0) }, 'OpenAPI specs reloaded');
      }
    } catch (err) {
      counters.inc('daemon.reload.failed');
      this.log.error({ err: (err as Error).message }, 'reload: cannot apply; keeping the running config');
      return { ok: false, error: (err as Error).message, changed, needRestart };
    }
    this.log.level = effective.log.level;
    this.mirror?.reconfigure(effective.mirrorHealth);
    this.config = effective;
    if (changed.includes('statsIntervalSec')) this.startTimers();
    counters.inc('daemon.reload.ok');
    if (needRestart.length > 0) this.log.warn({ sections: needRestart }, 'reload: these sections change only at the next restart');
    this.log.info({ changed }, 'config reloaded');
    return { ok: true, changed, needRestart };
  }

  /** Capture stats for logs and metrics. */
  statsRecord(): Record<string, unknown> {
    const elapsed = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    return { ...statsRecord(this.sensor, [this.config.capture.interface], elapsed), type: undefined, pcap: this.supervisor?.stats() ?? null };
  }

  private startTimers(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = setInterval(() => this.log.info(this.statsRecord(), 'capture stats'), this.config.statsIntervalSec * 1000);
    if (this.heartbeat) return;
    // Packet time is the pipeline's clock; on an idle link a heartbeat moves it on by wall time so
    // idle flows still time out and their transactions are reported.
    let lastPackets = 0;
    let lastPacketWall = Date.now();
    this.heartbeat = setInterval(() => {
      const s = this.sensor.summary;
      let now = s.lastTs;
      if (s.packets !== lastPackets) {
        lastPackets = s.packets;
        lastPacketWall = Date.now();
      } else if (s.packets > 0) {
        now = s.lastTs + (Date.now() - lastPacketWall) / 1000;
        this.sensor.advanceTime(now);
      }
      // the consumers tick and flush on the packet clock; a quiet link still gets its writes (and
      // its spec-status findings) within a flush interval
      if (s.packets > 0) this.pipeline?.tick(now);
    }, 1000);
  }

  private async shutdown(): Promise<number> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.notifier.stopWatchdog();
    this.mirror?.stop();
    await this.api?.close();
    this.metrics?.stop();
    this.sensor.finish();
    const closed = await this.pipeline?.close(this.sensor.summary.packets > 0 ? this.sensor.summary.lastTs : 0, this.config.outputs.outbox.drainTimeoutMs);
    if (closed && !closed.drained) this.log.warn('alerts not delivered before the drain timeout stay queued in the database for the next start');
    if (this.started) this.log.info(this.statsRecord(), 'capture stopped');
    return 0;
  }
}
