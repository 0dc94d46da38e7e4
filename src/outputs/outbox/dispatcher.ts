// Delivery loops (DESIGN §7): one per destination, on the wall clock (network time, not packet time).
// Each loop takes the oldest queued alerts in sequence order, hands them to its Transport, and only
// then moves on: seq N+1 is never sent before N is delivered or rejected, so a receiver sees one
// destination's alerts in order.
//
// Delivery is at-least-once. An alert leaves the outbox only after its send returned, so whatever was
// in flight when the process died (or when stop() gave up waiting) is sent again after a restart, and
// a receiver may see an alert twice. Receivers dedupe by the alert `id`, which every payload carries
// (single-alert webhooks also send it as the `Idempotency-Key` header).
import type { Logger } from '../../core/logger';
import type { Counters } from '../../core/counters';
import type { SendResult, Transport } from '../types';
import { retryDelayMs, type RetryPolicy } from './backoff';
import type { Outbox, OutboxEntry } from './outbox';

export interface DispatchDestination {
  readonly transport: Transport;
  readonly retry: RetryPolicy;
}

export interface DispatcherOptions {
  readonly counters: Counters;
  readonly logger?: Pick<Logger, 'warn' | 'error' | 'debug'>;
  /** An idle loop looks at the outbox this often even without notify(), in case one was missed. */
  readonly idlePollMs?: number;
  /** [0, 1) source for the backoff jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface StopResult {
  /** False when a send was still in flight after drainMs; those alerts stay queued for next time. */
  readonly drained: boolean;
}

export class Dispatcher {
  private readonly loops: DeliveryLoop[];
  private started = false;

  constructor(
    private readonly outbox: Outbox,
    destinations: readonly DispatchDestination[],
    opts: DispatcherOptions,
  ) {
    const names = new Set<string>();
    for (const d of destinations) {
      if (names.has(d.transport.name)) throw new Error(`two destinations are named ${d.transport.name}`);
      names.add(d.transport.name);
    }
    this.loops = destinations.map((d) => new DeliveryLoop(outbox, d, opts));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const loop of this.loops) loop.start();
  }

  /** New work was enqueued: idle loops (all, or the named one) look at the outbox now. */
  notify(destination?: string): void {
    for (const loop of this.loops) if (destination === undefined || loop.name === destination) loop.wake();
  }

  /**
   * Stops every loop: no new sends start, a send in flight gets up to `drainMs` to finish (and is
   * acked if it was delivered). Then the transports are closed. Never touches the outbox afterwards,
   * so the caller may close the database once this resolves.
   */
  async stop(opts: { drainMs: number }): Promise<StopResult> {
    for (const loop of this.loops) loop.requestStop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, opts.drainMs));
    });
    const finished = Promise.all(this.loops.map((l) => l.finished())).then(() => true as const);
    const drained = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    for (const loop of this.loops) loop.detach();
    await Promise.all(this.loops.map((l) => l.closeTransport()));
    return { drained };
  }

  /** Alerts queued for `destination` (a gauge). */
  backlog(destination: string): number {
    return this.outbox.backlog(destination);
  }
}

const DEFAULT_IDLE_POLL_MS = 1000;

class DeliveryLoop {
  readonly name: string;
  private readonly transport: Transport;
  private readonly retry: RetryPolicy;
  private readonly counters: Counters;
  private readonly logger: DispatcherOptions['logger'];
  private readonly idlePollMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  /** A receiver-requested or backoff wait longer than this means the clock jumped: ignore it. */
  private readonly maxWaitMs: number;

  private stopping = false;
  /** stop() stopped waiting: a late send result must not touch the outbox (it may be closed). */
  private detached = false;
  private running: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  /** After a batch was rejected, its alerts go one at a time up to this seq, so one bad alert
   * cannot take good ones down with it. */
  private singleUntilSeq = 0;

  constructor(
    private readonly outbox: Outbox,
    destination: DispatchDestination,
    opts: DispatcherOptions,
  ) {
    this.transport = destination.transport;
    this.name = destination.transport.name;
    this.retry = destination.retry;
    this.counters = opts.counters;
    this.logger = opts.logger;
    this.idlePollMs = opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.maxWaitMs = Math.max(this.retry.maxMs, this.retry.maxRetryAfterMs);
  }

  start(): void {
    this.running = this.run().catch((err: unknown) => {
      this.logger?.error({ err, destination: this.name }, 'alert delivery loop failed');
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  requestStop(): void {
    this.stopping = true;
    this.wake();
  }

  finished(): Promise<void> {
    return this.running;
  }

  detach(): void {
    this.detached = true;
  }

  async closeTransport(): Promise<void> {
    try {
      await this.transport.close();
    } catch (err) {
      this.logger?.warn({ err, destination: this.name }, 'closing the alert transport failed');
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const batch = this.nextBatch();
        const head = batch[0];
        if (head === undefined) {
          await this.pause(this.idlePollMs, false);
          continue;
        }
        const wait = head.nextAttemptAt - this.now();
        if (wait > 0 && wait <= this.maxWaitMs) {
          // Only stop() cuts a retry wait short; re-peek afterwards, the batch may have grown.
          await this.pause(wait, true);
          continue;
        }
        const result = await this.send(batch);
        if (this.detached) return;
        this.settle(batch, result);
      } catch (err) {
        // The outbox itself failed (disk full, database gone): unacked alerts stay queued, try later.
        this.logger?.error({ err, destination: this.name }, 'alert outbox failed; retrying');
        await this.pause(this.retry.maxMs, true);
      }
    }
  }

  private nextBatch(): OutboxEntry[] {
    const batch = this.outbox.lease(this.name, Math.max(1, this.transport.maxBatch));
    const head = batch[0];
    return head !== undefined && head.seq <= this.singleUntilSeq ? [head] : batch;
  }

  private async send(batch: readonly OutboxEntry[]): Promise<SendResult> {
    try {
      return await this.transport.send(batch.map((e) => e.alert));
    } catch (err) {
      // A Transport should not throw; if one does, the alerts are not lost, only delayed.
      return { kind: 'retry', reason: `transport threw: ${(err as Error).message ?? String(err)}` };
    }
  }

  private settle(batch: readonly OutboxEntry[], result: SendResult): void {
    const seqs = batch.map((e) => e.seq);
    const head = batch[0] as OutboxEntry;
    switch (result.kind) {
      case 'delivered':
        this.outbox.ack(this.name, seqs);
        this.counters.inc(`outputs.${this.name}.delivered`, batch.length);
        return;
      case 'retry': {
        const failures = head.attempts + 1;
        const delay = retryDelayMs(this.retry, failures, result.afterMs, this.random);
        this.outbox.recordFailure(this.name, seqs, result.reason, this.now() + delay);
        this.counters.inc(`outputs.${this.name}.retries`);
        const log = { destination: this.name, alerts: batch.length, attempt: failures, retryInMs: delay, reason: result.reason };
        // One warning when a destination starts failing, then quieter.
        if (failures === 1) this.logger?.warn(log, 'alert delivery failed; will retry');
        else this.logger?.debug(log, 'alert delivery failed again; will retry');
        return;
      }
      case 'rejected':
        if (batch.length > 1) {
          this.singleUntilSeq = seqs[seqs.length - 1] as number;
          this.logger?.warn({ destination: this.name, alerts: batch.length, reason: result.reason }, 'alert batch rejected; resending one by one');
          return;
        }
        this.outbox.ack(this.name, seqs);
        this.counters.inc(`outputs.${this.name}.rejected`);
        // The alert itself stays in the alert store; only this destination gives up on it.
        this.logger?.warn({ destination: this.name, alertId: head.alert.id, attempts: head.attempts + 1, reason: result.reason }, 'alert rejected by the receiver; dropped for this destination');
        return;
    }
  }

  /** Waits `ms`; notify() ends the wait early unless `onlyStop`, stop() always does. */
  private pause(ms: number, onlyStop: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      // An idle poll must not keep the process alive; a pending retry should.
      if (!onlyStop) timer.unref();
      this.wakeUp = onlyStop ? () => (this.stopping ? done() : undefined) : done;
    });
  }
}
