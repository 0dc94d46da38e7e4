// Wires the inventory into the pipeline: loads the configured OpenAPI specs, opens the SQLite store
// (or keeps the map in memory when no database is wanted), and feeds it every HTTP transaction.
import { statSync } from 'node:fs';
import type { TapwatchConfig } from '../config/schema';
import type { Counters } from '../core/counters';
import { EndpointStore } from '../inventory/endpoint-store';
import { Inventory } from '../inventory/inventory';
import { loadSpecFile, loadSpecFolder, type ImportedSpec } from '../inventory/openapi';
import type { InventoryEvent } from '../inventory/types';
import { BatchWriter } from '../store/batch-writer';
import type { Db } from '../store/database';

export interface SpecLoad {
  specs: ImportedSpec[];
  /** One message per file that could not be read as a spec (the others are still used). */
  errors: string[];
}

export function loadSpecs(paths: readonly string[]): SpecLoad {
  const specs: ImportedSpec[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) {
        const folder = loadSpecFolder(p);
        specs.push(...folder.specs);
        errors.push(...folder.errors.map((e) => e.message));
      } else {
        specs.push(loadSpecFile(p));
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
