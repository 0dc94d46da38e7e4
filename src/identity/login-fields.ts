// Reads the user name of a login from its parameters: a form (`username=alice&password=...`, in the
// body or the query) or a JSON object (top level, or one level down as `{"user": {"email": ...,
// "password": ...}}`). A login has a password field and a user field; the password is looked at
// only to see that it is there and never leaves this function.

/** A user name longer than this is cut (a record must stay small). */
export const MAX_USERNAME_CHARS = 128;
/** Form parameters looked at. */
const MAX_FORM_PARAMS = 64;

export interface LoginFieldNames {
  /** Lower-cased, in order of preference. */
  readonly user: readonly string[];
  readonly password: ReadonlySet<string>;
}

export function loginFieldNames(userFields: readonly string[], passwordFields: readonly string[]): LoginFieldNames {
  return { user: userFields.map((f) => f.toLowerCase()), password: new Set(passwordFields.map((f) => f.toLowerCase())) };
}

function decodeFormPart(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function cleanUsername(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  return v.length > MAX_USERNAME_CHARS ? v.slice(0, MAX_USERNAME_CHARS) : v;
}

/** The user of a form-encoded login (`a=1&b=2`), or null when it has no password and user field. */
export function formLoginUser(form: string, names: LoginFieldNames): string | null {
  let hasPassword = false;
  const found = new Map<string, string>();
  let pos = 0;
  for (let n = 0; pos <= form.length && n < MAX_FORM_PARAMS; n++) {
    let amp = form.indexOf('&', pos);
    if (amp < 0) amp = form.length;
    const eq = form.indexOf('=', pos);
    if (eq > pos && eq < amp) {
      const key = decodeFormPart(form.slice(pos, eq)).toLowerCase();
      if (names.password.has(key)) hasPassword = true;
      else if (names.user.includes(key) && !found.has(key)) found.set(key, form.slice(eq + 1, amp));
    }
    pos = amp + 1;
  }
  if (!hasPassword) return null;
  for (const key of names.user) {
    const raw = found.get(key);
    if (raw !== undefined) {
      const user = cleanUsername(decodeFormPart(raw));
      if (user !== null) return user;
    }
  }
  return null;
}

/** The user of a JSON login object, or null. */
export function jsonLoginUser(text: string, names: LoginFieldNames): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(doc)) return null;
  const top = userOf(doc, names);
  if (top !== null) return top;
  // Rails- and Devise-style wrappers: {"user": {"email": ..., "password": ...}}
  for (const value of Object.values(doc)) {
    if (isRecord(value)) {
      const nested = userOf(value, names);
      if (nested !== null) return nested;
    }
  }
  return null;
}

function userOf(obj: Record<string, unknown>, names: LoginFieldNames): string | null {
  let hasPassword = false;
  const byKey = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    const k = key.toLowerCase();
    if (names.password.has(k) && typeof value === 'string') hasPassword = true;
    else if (!byKey.has(k)) byKey.set(k, value);
  }
  if (!hasPassword) return null;
  for (const key of names.user) {
    const value = byKey.get(key);
    if (typeof value === 'string') {
      const user = cleanUsername(value);
      if (user !== null) return user;
    }
  }
  return null;
}

/** String values of the token fields of a JSON object (top level and one level down), at most `max`. */
export function jsonTokens(text: string, fields: ReadonlySet<string>, max: number): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const scan = (obj: Record<string, unknown>, depth: number): void => {
    for (const [key, value] of Object.entries(obj)) {
      if (out.length >= max) return;
      if (typeof value === 'string' && value.length >= 8 && fields.has(key.toLowerCase())) out.push(value);
      else if (depth === 0 && isRecord(value)) scan(value, 1);
    }
  };
  if (isRecord(doc)) scan(doc, 0);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
