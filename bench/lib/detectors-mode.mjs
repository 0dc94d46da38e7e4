// --detectors: what the detectors cost the product (issue 13's goal: all of them under 20% of
// end-to-end tx/s): the default config against one that turns every detector in the list off
// (identities and baselines stay on: they are measured by --identity).
import { detectorKeys } from './detector-keys.mjs';
import { runOnOffMode } from './onoff-mode.mjs';

export function runDetectorsMode(opts) {
  const keys = detectorKeys();
  return runOnOffMode(opts, {
    mode: 'detectors',
    what: 'detectors',
    offYaml: `detectors:\n${keys.map((k) => `  ${k}:\n    enabled: false\n`).join('')}`,
    offNote: `detectors.<each>.enabled: false for ${keys.join(', ')}`,
    goal: 0.8,
  });
}
