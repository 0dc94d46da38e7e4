// `simulate --gzip`: a scenario small enough to ship. Each pcap and the requests file are replaced by
// a gzip copy (replay and eval read .gz directly) and labels.json is rewritten to name the copies.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import type { ScenarioLabels } from '../core/scenario-labels';
import { LABELS_FILE } from './labels';

function gzipInPlace(dir: string, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }));
  unlinkSync(file);
  return `${name}.gz`;
}

/** Compresses the scenario in `dir` and returns its labels as rewritten. */
export function compressScenario(dir: string, labels: ScenarioLabels): ScenarioLabels {
  const compressed: ScenarioLabels = {
    ...labels,
    pcaps: labels.pcaps.map((p) => gzipInPlace(dir, p)),
    requestsFile: gzipInPlace(dir, labels.requestsFile),
  };
  writeFileSync(path.join(dir, LABELS_FILE), `${JSON.stringify(compressed, null, 2)}\n`);
  return compressed;
}
