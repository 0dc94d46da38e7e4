// Credential names the configured OpenAPI specs declare (`securitySchemes` of type apiKey: a header,
// query parameter or cookie name) join the default names, so the HTTP stage fingerprints them and the
// identity stage can name the caller by them. The composition root passes the result to the Sensor.
import { DEFAULT_CREDENTIAL_NAMES, type CredentialNames } from '../core/credential-names';
import type { ImportedSpec } from '../inventory/openapi/types';

export function credentialNamesWithSpecs(specs: readonly ImportedSpec[], base: CredentialNames = DEFAULT_CREDENTIAL_NAMES): CredentialNames {
  const headers = new Set(base.apiKeyHeaders.map((n) => n.toLowerCase()));
  const query = new Set(base.apiKeyQueryParams.map((n) => n.toLowerCase()));
  const cookies = new Set(base.sessionCookies.map((n) => n.toLowerCase()));
  for (const spec of specs) {
    for (const scheme of Object.values(spec.securitySchemes)) {
      if (scheme.kind !== 'apiKey' || !scheme.paramName) continue;
      const name = scheme.paramName.toLowerCase();
      if (scheme.in === 'query') query.add(name);
      else if (scheme.in === 'cookie') cookies.add(name);
      else headers.add(name);
    }
  }
  return { apiKeyHeaders: [...headers], apiKeyQueryParams: [...query], sessionCookies: [...cookies] };
}
