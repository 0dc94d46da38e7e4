// What the HTTP stage fingerprints as credentials: the default names plus the API-key names the
// configured OpenAPI specs declare (securitySchemes of type apiKey), keyed by the installation key.
// One function for run, replay and eval, so a spec-declared key is a credential everywhere.
import type { TapwatchConfig } from '../config/schema';
import type { CredentialOptions } from '../http/credentials';
import { credentialNamesWithSpecs } from '../identity/spec-credential-names';
import { loadSpecs } from './inventory-stage';

export function credentialOptionsFor(config: Readonly<TapwatchConfig>, installationKey: CredentialOptions['installationKey']): CredentialOptions {
  // a spec that does not load is reported by the inventory stage; here it only adds no names
  const specs = config.inventory.specs.length > 0 ? loadSpecs(config.inventory.specs).specs : [];
  return { ...(installationKey !== undefined ? { installationKey } : {}), names: credentialNamesWithSpecs(specs) };
}
