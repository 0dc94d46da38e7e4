// Wires the inventory into the pipeline: loads the configured OpenAPI specs, opens the SQLite store
// (or keeps the map in memory when no database is wanted), and feeds it every HTTP transaction.
import { statSync } from 'node:fs';
import type { TapwatchConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import { EndpointStore } from '../inventory/endpoint-store';
import { Inventory } from '../inventory/inventory';
import { loadSpecFile, loadSpecFolder, type ImportedSpec } from '../inventory/openapi';
import type { InventoryEvent } from '../inventory/types';
import { specPath, type SpecEntry } from '../inventory/config';
import { BatchWriter } from '../store/batch-writer';
import type { Db } from '../store/database';
import type { Logger } from '../core/logger';

export interface SpecLoad {
  specs: ImportedSpec[];
  /** One message per file that could not be read as a spec (the others are still used). */
  errors: string[];
}

/** Each config's specs as loaded: the HTTP stage (credential names) and the inventory read the same files at start. */
const loadedSpecs = new WeakMap<readonly SpecEntry[], SpecLoad>();

/**
 * Loads the configured specs in order; an entry's `hosts` go with every spec of its file or folder.
 * Loaded once per config (a reload brings a new config, so changed files are read again).
 */
export function loadSpecs(entries: readonly SpecEntry[]): SpecLoad {
  const known = loadedSpecs.get(entries);
  if (known !== undefined) return known;
  const load = readSpecs(entries);
  loadedSpecs.set(entries, load);
  return load;
}

function readSpecs(entries: readonly SpecEntry[]): SpecLoad {
  const specs: ImportedSpec[] = [];
  const errors: string[] = [];
  for (const entry of entries) {
    const p = specPath(entry);
    const hosts = typeof entry === 'string' ? undefined : entry.hosts;
    const bind = (s: ImportedSpec): ImportedSpec => (hosts ? { ...s, hosts } : s);
    try {
      if (statSync(p).isDirectory()) {
        const folder = loadSpecFolder(p);
        specs.push(...folder.specs.map(bind));
        errors.push(...folder.errors.map((e) => e.message));
      } else {
        specs.push(bind(loadSpecFile(p)));
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return { specs, errors };
}

export interface InventoryStage {
  inventory: Inventory;
  specErrors: string[];
  /** Final flush (end of replay, shutdown); the database is closed by its owner. */
  close(now: number): void;
}

/** The inventory on the state database `db`, or in memory only when `db` is null. */
export function openInventoryStage(
  config: Readonly<TapwatchConfig>,
  counters: Counters,
  db: Db | null,
  dbFile: string,
  emit: (event: InventoryEvent) => void,
): InventoryStage {
  const { specs, errors } = loadSpecs(config.inventory.specs);
  const store = db ? new EndpointStore(db, new BatchWriter(db, dbFile, config.store.maxPendingWrites, counters)) : null;
  const inventory = new Inventory(config.inventory, config.store, counters, store, emit, specs);
  return {
    inventory,
    specErrors: errors,
    close(now: number): void {
      inventory.flushAll(now);
    },
  };
}

/** One log line per inventory event; a spec binding change says which spec, which host and why. */
export function logInventoryEvent(log: Logger, e: InventoryEvent): void {
  const b = e.binding;
  if (e.event === 'spec-binding' && b) {
    log.info({ event: e }, `OpenAPI spec "${b.api}" ${b.state === 'bound' ? 'bound to' : 'no longer bound to'} ${e.host} (${b.reason}: ${b.operations} operation(s) called, ${b.undocumented} undocumented)`);
  } else if (e.event === 'spec-unbound' && b) {
    const likely = e.host ? `; likeliest host ${e.host} (${b.operations} operation(s) called): add it to this spec's hosts if it serves this API` : '; no traffic calls any of its operations';
    log.warn({ event: e }, `OpenAPI spec "${b.api}" is bound to no host${likely}`);
  } else {
    log.info({ event: e }, `inventory: ${e.event}`);
  }
}

