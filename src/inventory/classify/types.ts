// Data-classification types of the API inventory (issue 4 §2): parameters with types and formats,
// auth schemes, sensitive-data kinds. Values are never part of these records, only names and counts.

export type Direction = 'request' | 'response';
/** Where a parameter was seen. Response body fields use `body` with direction `response`. */
export type ParamLocation = 'query' | 'body' | 'header' | 'cookie';
export type ValueType = 'integer' | 'number' | 'boolean' | 'string' | 'null' | 'object' | 'array';
export type ValueFormat =
  | 'uuid'
  | 'email'
  | 'date'
  | 'date-time'
  | 'time'
  | 'ipv4'
  | 'ipv6'
  | 'uri'
  | 'hex'
  | 'base64'
  | 'jwt'
  | 'binary';

export const VALUE_TYPES: readonly ValueType[] = ['integer', 'number', 'boolean', 'string', 'null', 'object', 'array'];

/** Kinds of sensitive data. The `*-field` kinds come from the field name alone (value not validated). */
export type PiiKind =
  | 'email'
  | 'phone'
  | 'card'
  | 'ssn'
  | 'national-id'
  | 'iban'
  | 'jwt'
  | 'secret'
  | 'private-ip'
  | 'credential-field'
  | 'sensitive-field';

export const PII_KINDS: readonly PiiKind[] = [
  'email',
  'phone',
  'card',
  'ssn',
  'national-id',
  'iban',
  'jwt',
  'secret',
  'private-ip',
  'credential-field',
  'sensitive-field',
];

/**
 * The detector rule that matched: a validated format (`luhn-card`, `iban-mod97`, `jwt`), a vendor key
 * format (`aws-access-key`, `github-token` ...), a field name (`credential-name`, `sensitive-name`,
 * `api-key-param`), or an entropy rule (`high-entropy-token`: a whole field value;
 * `secret-assignment`: a token assigned to a credential name inside text).
 */
export type PiiRule =
  | 'email'
  | 'e164-phone'
  | 'nanp-phone'
  | 'phone-field'
  | 'luhn-card'
  | 'us-ssn'
  | 'ssn-field'
  | 'cn-resident-id'
  | 'iban-mod97'
  | 'jwt'
  | 'aws-access-key'
  | 'github-token'
  | 'stripe-key'
  | 'slack-token'
  | 'google-api-key'
  | 'gitlab-token'
  | 'private-key-pem'
  | 'high-entropy-token'
  | 'secret-assignment'
  | 'private-ipv4'
  | 'private-ipv6'
  | 'credential-name'
  | 'sensitive-name'
  | 'api-key-param';

/** One parameter seen in one message. Several values of one path (array elements) fold into one. */
export interface ParamObservation {
  readonly location: ParamLocation;
  /** Query/form/header/cookie name, or JSON path (`items[].id`, `[].name`, `user.address.city`). */
  readonly name: string;
  /** Types seen in this message (usually one). */
  readonly types: readonly ValueType[];
  /** Formats of string values seen in this message. */
  readonly formats: readonly ValueFormat[];
}

/** Sensitive values of one kind in one field of one message, counted (the values are not kept). */
export interface PiiCount {
  readonly location: ParamLocation;
  /** Field name or JSON path; `(body)` for a non-JSON text body, `(path)` for the request path. */
  readonly field: string;
  readonly kind: PiiKind;
  readonly count: number;
  /** Rule that matched the first value of this field and kind. */
  readonly rule: PiiRule;
  /** That value redacted (`U2+x…, 44 chars`): never the value itself. */
  readonly sample: string;
}

/**
 * A credential sent in the query string (URLs are kept by proxies, server logs and browser history):
 * a parameter with a credential name and a non-trivial value, or any value that is a JWT or a
 * known key format. Once per parameter per message.
 */
export interface UrlCredential {
  readonly name: string;
  /** `jwt` / `secret` when the value has a credential format, else `credential-field` (named only). */
  readonly kind: PiiKind;
  readonly rule: PiiRule;
  /** The value redacted. */
  readonly sample: string;
}

export type BodyKind = 'none' | 'json' | 'form' | 'multipart' | 'text' | 'binary';

/** What one request or response taught. */
export interface MessageClassification {
  readonly direction: Direction;
  readonly bodyKind: BodyKind;
  readonly params: readonly ParamObservation[];
  readonly pii: readonly PiiCount[];
  /** Requests: credentials in the query string (empty for responses). */
  readonly urlCredentials: readonly UrlCredential[];
  /** JSON responses: top-level array length or the largest array under a known envelope. */
  readonly recordCount: number | null;
  /** False when the body ended inside the counted array (captured prefix): `recordCount` is a lower bound. */
  readonly recordCountComplete: boolean;
  /** Bounds that fired while reading this message. */
  readonly limits: MessageLimits;
}

export interface MessageLimits {
  /** Containers below `maxDepth` that were skipped without reading. */
  readonly depthSkipped: number;
  /** `maxNodes` reached: the rest of the body was skipped. */
  readonly nodeLimit: boolean;
  /** Distinct fields beyond `maxFieldsPerMessage` that were dropped. */
  readonly fieldsDropped: number;
  /** `maxScanChars` reached: later values were not scanned for sensitive data. */
  readonly scanLimit: boolean;
  /** The JSON text ended inside a container (truncated capture) or was malformed. */
  readonly jsonIncomplete: boolean;
}

export type AuthKind =
  | 'none'
  | 'basic'
  | 'bearer'
  | 'digest'
  | 'other-scheme'
  | 'api-key-header'
  | 'api-key-query'
  | 'cookie-session';

export interface AuthClassification {
  /** Every mechanism present, strongest first (`['bearer', 'cookie-session']`); `['none']` when none. */
  readonly kinds: readonly AuthKind[];
  /** First of `kinds`. */
  readonly primary: AuthKind;
  /** Authorization scheme as sent (`Bearer`, `Negotiate` ...), or null. */
  readonly scheme: string | null;
  /** Bearer token is a JWT: true/false when the credential was available, else null (unknown). */
  readonly jwt: boolean | null;
  /** JWT header `alg` (read without verification), or null. */
  readonly jwtAlg: string | null;
  /** Matching API-key header names (lower-case). */
  readonly apiKeyHeaders: readonly string[];
  /** Matching API-key query parameter names. */
  readonly apiKeyQuery: readonly string[];
  /** Matching session cookie names. */
  readonly sessionCookies: readonly string[];
  /** No auth mechanism at all. */
  readonly unauthenticated: boolean;
  /** Unauthenticated and the response status was 2xx. */
  readonly unauthenticatedSuccess: boolean;
}

export interface TransactionClassification {
  readonly request: MessageClassification;
  /** Null when no response was seen. */
  readonly response: MessageClassification | null;
  readonly auth: AuthClassification;
}
