// --identity: what identities and baselines cost the product (issue 12's goal: together under 15% of
// end-to-end tx/s): the default config against one that turns `identity` and `features` off.
import { runOnOffMode } from './onoff-mode.mjs';

export function runIdentityMode(opts) {
  return runOnOffMode(opts, {
    mode: 'identity',
    what: 'identities+baselines',
    offYaml: 'identity:\n  enabled: false\nfeatures:\n  enabled: false\n',
    offNote: 'identity.enabled: false, features.enabled: false',
    goal: 0.85,
  });
}
