// Default names under which clients send API keys and session tokens. Shared by the HTTP stage (which
// fingerprints the values) and the inventory's auth classification (which names the mechanism), so
// both see the same credentials. The composition root may add names declared by OpenAPI specs.

export interface CredentialNames {
  /** Request header names carrying API keys (case-insensitive). */
  readonly apiKeyHeaders: readonly string[];
  /** Query parameter names carrying API keys (case-insensitive). */
  readonly apiKeyQueryParams: readonly string[];
  /** Session cookie names (case-insensitive). */
  readonly sessionCookies: readonly string[];
}

export const DEFAULT_API_KEY_HEADERS: readonly string[] = [
  'x-api-key', 'api-key', 'api_key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token', 'x-api-token', 'x-token', 'ocp-apim-subscription-key',
];

export const DEFAULT_API_KEY_QUERY_PARAMS: readonly string[] = ['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'auth_token'];

export const DEFAULT_SESSION_COOKIES: readonly string[] = [
  'session', 'sessionid', 'session_id', 'sid', 'jsessionid', 'phpsessid', 'asp.net_sessionid', 'connect.sid', 'laravel_session', '_session_id', 'auth_token', 'access_token',
];

export const DEFAULT_CREDENTIAL_NAMES: CredentialNames = {
  apiKeyHeaders: DEFAULT_API_KEY_HEADERS,
  apiKeyQueryParams: DEFAULT_API_KEY_QUERY_PARAMS,
  sessionCookies: DEFAULT_SESSION_COOKIES,
};
