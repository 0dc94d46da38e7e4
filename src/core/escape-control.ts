// Text taken from traffic (paths, header values, user names, JWT claims) is hostile: a raw ESC
// drives an analyst's terminal (ESC[2J clears it), a CR/LF/NUL starts a fake line in a log or a fake
// frame on a syslog stream. Every output that prints such text passes it through here, so each shows
// the same visible escape: C0 controls, DEL and C1 controls as \xNN; line and paragraph separators,
// bidirectional overrides (which reorder what a terminal shows) and lone surrogates as \uNNNN.
// Backslashes are kept as they are: the output formats escape them by their own rules.

// eslint-disable-next-line no-control-regex -- control characters are what this finds
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when `text` holds a character escapeControl would replace. */
export function hasControl(text: string): boolean {
  return UNSAFE.test(text);
}

/** `text` with every control, separator, bidi override and lone surrogate written as a visible escape. */
export function escapeControl(text: string): string {
  // most text is clean: no copy then
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

// The characters JSON.stringify leaves raw that still harm a reader of JSON: DEL, C1 controls,
// U+2028/2029 (line terminators to JavaScript and to some log viewers) and bidi overrides. Lone
// surrogates JSON.stringify already writes as \uDXXX (well-formed JSON.stringify, ES2019).
const JSON_UNSAFE = /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify whose output is plain printable text: outside strings JSON is ASCII, so every
 * character replaced here sits inside a string literal, where `\uNNNN` means the same character.
 */
export function safeJsonStringify(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space);
  return text.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
