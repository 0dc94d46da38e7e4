// --identity: what identities and baselines cost the product (issue 12's goal: together under 15% of
// end-to-end tx/s): the detectors off on both sides (they read the baselines and are measured by
// --detectors), identity and features on against off.
import { detectorKeys } from './detector-keys.mjs';
import { runOnOffMode } from './onoff-mode.mjs';

export function runIdentityMode(opts) {
  const keys = detectorKeys();
  const detectorsOff = `detectors:\n${keys.map((k) => `  ${k}:\n    enabled: false\n`).join('')}`;
  return runOnOffMode(opts, {
    mode: 'identity',
    what: 'identities+baselines',
    onYaml: detectorsOff,
    onNote: 'every detector off',
    offYaml: `identity:\n  enabled: false\nfeatures:\n  enabled: false\n${detectorsOff}`,
    offNote: 'identity.enabled: false, features.enabled: false, every detector off',
    goal: 0.85,
  });
}
