// --models: what the TF.js models cost the product (issue 14's goal: under 30% of end-to-end tx/s):
// the default config (every stage on, the backend the install gave: tensorflow where
// native/install-tensorflow.sh ran, else wasm) against `models.enabled: false`.
import { runOnOffMode } from './onoff-mode.mjs';

export function runModelsMode(opts) {
  return runOnOffMode(opts, {
    mode: 'models',
    what: 'models',
    offYaml: 'models:\n  enabled: false\n',
    offNote: 'models.enabled: false',
    goal: 0.7,
  });
}
