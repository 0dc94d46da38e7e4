// Credentials in the query string (issue 10 §4). Proxies, server access logs, browser history and
// Referer headers keep whole URLs, so a credential there is exposed whatever the endpoint returns.
// A query parameter is a credential when its value has a credential format (a JWT, a vendor key),
// when its name is a credential name (`password`, `access_token`, `api_key` ...) and its value is
// not a placeholder, or when its name is a configured API-key parameter (`key`, names from the
// specs) and its value looks machine-generated. Only a redacted sample of the value is kept.
import { fieldHint, HINT_CREDENTIAL, HINT_PUBLIC_TOKEN, isMaskedValue } from './pii-field-hints';
import { redactedSample } from './pii-redact';
import { credentialFormat } from './pii-scan';
import type { UrlCredential } from './types';

const NO_CREDENTIALS: readonly UrlCredential[] = Object.freeze([]);

/** Shortest value taken as a credential behind a credential name (`pass1` is a placeholder more often than not). */
const MIN_NAMED_VALUE = 6;
/** Shortest value of a generic API-key name (`key`) taken as a key: generated keys are long. */
const MIN_KEY_VALUE = 16;

/**
 * Parameters of signed URLs (S3 / GCS presigned links): the signature and access-key id in them are a
 * time-limited capability by design, not a leaked credential.
 */
const SIGNED_URL_PREFIXES = ['x-amz-', 'x-goog-'];
const SIGNED_URL_NAMES: ReadonlySet<string> = new Set(['awsaccesskeyid', 'googleaccessid', 'signature']);

const KEY_CHARS_RE = /^[A-Za-z0-9_\-+/=~.]+$/;
const WORD_RE = /[A-Z]?[a-z]{3,}/g;
const TRIVIAL_RE = /^(?:true|false|yes|no|on|off|(.)\1*)$/i;

// The configured names as a lower-cased set, built once per options array rather than per call.
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function nameSet(names: readonly string[]): ReadonlySet<string> {
  let set = nameSets.get(names);
  if (set === undefined) {
    set = new Set(names.map((n) => n.toLowerCase()));
    nameSets.set(names, set);
  }
  return set;
}

/** Machine-generated key: key characters only, letters and digits, not mostly words (`products-spring-2024`). */
function looksGenerated(v: string): boolean {
  if (v.length < MIN_KEY_VALUE || v.length > 1024 || !KEY_CHARS_RE.test(v) || !/\d/.test(v) || !/[A-Za-z]/.test(v)) return false;
  let wordChars = 0;
  for (const w of v.match(WORD_RE) ?? []) wordChars += w.length;
  return wordChars * 2 < v.length;
}

function isSignedUrlParam(lower: string): boolean {
  return SIGNED_URL_NAMES.has(lower) || SIGNED_URL_PREFIXES.some((p) => lower.startsWith(p));
}

function credentialOf(name: string, value: string, apiKeyNames: ReadonlySet<string>): UrlCredential | null {
  const lower = name.toLowerCase();
  if (isSignedUrlParam(lower)) return null;
  const format = credentialFormat(value);
  if (format !== null) return { name, kind: format.kind, rule: format.rule, sample: redactedSample(value) };
  if (isMaskedValue(value) || TRIVIAL_RE.test(value) || /\s/.test(value)) return null;
  const hint = fieldHint(name);
  if (hint & HINT_CREDENTIAL && !(hint & HINT_PUBLIC_TOKEN)) return { name, kind: 'credential-field', rule: 'credential-name', sample: redactedSample(value) };
  if (apiKeyNames.has(lower) && looksGenerated(value)) return { name, kind: 'credential-field', rule: 'api-key-param', sample: redactedSample(value) };
  return null;
}

/**
 * The credentials among a request's decoded query pairs, once per parameter name. `apiKeyParams` are
 * the configured API-key query parameter names (`AuthOptions.apiKeyQueryParams`).
 */
export function findUrlCredentials(pairs: ReadonlyArray<readonly [string, string]>, apiKeyParams: readonly string[]): readonly UrlCredential[] {
  let out: UrlCredential[] | null = null;
  let names: ReadonlySet<string> | null = null;
  for (const [name, value] of pairs) {
    // most query values are short ids, flags and page numbers: nothing to look at
    if (value.length < MIN_NAMED_VALUE) continue;
    if (out?.some((c) => c.name === name)) continue;
    const c = credentialOf(name, value, (names ??= nameSet(apiKeyParams)));
    if (c !== null) (out ??= []).push(c);
  }
  return out ?? NO_CREDENTIALS;
}
