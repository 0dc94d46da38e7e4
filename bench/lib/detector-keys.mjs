// The config keys of the detectors in the built product's list (dist/detectors), so the bench turns
// off exactly what ships.
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from './paths.mjs';

export function detectorKeys() {
  const require = createRequire(import.meta.url);
  const { DETECTORS } = require(path.join(ROOT, 'dist/detectors/index.js'));
  return DETECTORS.map((d) => d.key);
}
