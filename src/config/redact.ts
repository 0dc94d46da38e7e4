// What in a config counts as a secret, shared by `check-config` (which prints the config with them
// as ***) and `doctor` (which warns when a file holding them is readable by other users): keys the
// schema tags secret (webhook `secret`, `headers`), string values under a key named like a secret
// (password, passphrase, token, apiKey...), and the credentials inside URLs (`user:password@`, and
// query parameters named like credentials, `?token=...`).

export const MASK = '***';

// Ends in the secret word: `secret`, `syslogPassword`, `keyPassphrase`, `apiKey`, `authToken`.
// `secretEnv` (a variable name), `passwordFields` (names of fields) and a bare `key` (the path of a
// TLS key file) are not secrets themselves.
const SECRET_KEY_NAME = /(?:secret|password|passwd|passphrase|token|api[-_]?key|private[-_]?key|credentials?)$/i;

// Query parameters whose value is a credential (as http/redact-uri.ts judges request URIs).
const CREDENTIAL_PARAM = /^(?:api[-_]?key|apikey|key|token|access[-_]?token|auth[-_]?token|id[-_]?token|refresh[-_]?token|session(?:id)?|sid|password|passwd|pwd|pass|secret|client[-_]?secret|private[-_]?key|signature|sig|code)$/i;

const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/** True for a config key whose string value is a secret by its name. */
export function isSecretKeyName(name: string): boolean {
  return SECRET_KEY_NAME.test(name);
}

/**
 * `https://user:pw@host/x?token=abc&page=2` → `https://user:***@host/x?token=***&page=2`. A value
 * that is not a URL is returned as it is.
 */
export function redactUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  let out = value.replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    // a user name alone may itself be a token (https://TOKEN@host): masked whole
    return colon < 0 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
  });
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const end = hash < 0 ? out.length : hash;
    const query = out
      .slice(q + 1, end)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0 || eq === pair.length - 1) return pair;
        let name = pair.slice(0, eq);
        try {
          name = decodeURIComponent(name);
        } catch {
          // judged on the raw name
        }
        return CREDENTIAL_PARAM.test(name) ? `${pair.slice(0, eq)}=${MASK}` : pair;
      })
      .join('&');
    out = `${out.slice(0, q + 1)}${query}${out.slice(end)}`;
  }
  return out;
}

/** True when `value` is a URL carrying a password, a token as user name, or a credential parameter. */
export function urlHasCredentials(value: string): boolean {
  return redactUrl(value) !== value;
}
