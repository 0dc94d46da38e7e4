// Credential names the specs declare (`securitySchemes` of type apiKey: `api_key` in a header,
// `key` in the query, a session cookie) join the default lists, so a call carrying one counts as
// authenticated and its header is a credential, not a request parameter to learn.
import { DEFAULT_AUTH_OPTIONS, DEFAULT_LEARN_OPTIONS, learnOptions, type LearnOptions } from './classify';
import type { ImportedSpec } from './openapi/types';

export function learnOptionsForSpecs(specs: readonly ImportedSpec[]): LearnOptions {
  const headers = new Set(DEFAULT_AUTH_OPTIONS.apiKeyHeaders.map((h) => h.toLowerCase()));
  const query = new Set(DEFAULT_AUTH_OPTIONS.apiKeyQueryParams.map((q) => q.toLowerCase()));
  const cookies = new Set(DEFAULT_AUTH_OPTIONS.sessionCookies.map((c) => c.toLowerCase()));
  for (const spec of specs) {
    for (const scheme of Object.values(spec.securitySchemes)) {
      if (scheme.kind !== 'apiKey' || !scheme.paramName) continue;
      const name = scheme.paramName.toLowerCase();
      if (scheme.in === 'header') headers.add(name);
      else if (scheme.in === 'query') query.add(name);
      else if (scheme.in === 'cookie') cookies.add(name);
    }
  }
  return learnOptions({
    // an API key header is a credential: never learned (nor reported as drift) as a parameter
    standardHeaders: [...new Set([...DEFAULT_LEARN_OPTIONS.standardHeaders, ...headers])],
    auth: { apiKeyHeaders: [...headers], apiKeyQueryParams: [...query], sessionCookies: [...cookies] },
  });
}
