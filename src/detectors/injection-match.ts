// The matcher: one parameter value in, the injection classes it looks like out, each with a 0–1
// score and the rules that fired. Plain values (words, numbers, ids, emails) leave at the first
// test, so the common path costs one regular expression; only a value with shell, SQL, markup or
// path characters is decoded (injection-decode.ts) and run through the class rules, and a class's
// rules run only when its cheap gate finds the characters they need.
import { decodeValue, base64Text } from './injection-decode';
import { classScore, INJECTION_CLASSES, NAME_OPERATOR_RULE, VALUE_RULES, type InjectionClass, type Rule, type RuleForm } from './injection-rules';
import { ssrfHits, type SsrfHit } from './injection-ssrf';

/** One rule that fired, where in which normalised form of the value. */
export interface RuleHit {
  readonly rule: Rule;
  /** The normalised text the rule read (lower-cased, decoded). */
  readonly source: string;
  readonly at: number;
  readonly len: number;
}

export interface ClassMatch {
  readonly cls: InjectionClass;
  readonly score: number;
  readonly hits: readonly RuleHit[];
}

export interface ValueMatch {
  /** Strongest first; only classes with a rule that fired. */
  readonly classes: readonly ClassMatch[];
  /** Encoding layers removed (injection-decode.ts LAYER_*). */
  readonly layers: number;
}

/** Nothing here can carry a payload: letters, digits, spaces and a few separators … */
const PLAIN = /^[A-Za-z0-9_.,+~ @-]*$/;
/** … unless the words are SQL or shell ones (`1 union all select 2,3--`, `ping -n 3 10.0.0.1`). */
const PLAIN_BUT = /\b(?:union|select|order|group|having|waitfor|drop|delete|insert|truncate|exec|sleep|benchmark|ping|nslookup|wget|curl|whoami|uname|dir)\b|--/i;

const GATES: Readonly<Record<InjectionClass, RegExp>> = {
  sqli: /['"`;()=#@]|select|union|drop|delete|insert|truncate|waitfor|order\s+by|group\s+by|0x/,
  xss: /[<>'"`(]|script|&#|data\s*:|document|window|\bon[a-z]+\s*=/,
  command: /[;|\n`&$<('"]|\/bin\/|cmd|powershell|^\s*[a-z]+(?:\.exe)?\s+-|dir\s/,
  // eslint-disable-next-line no-control-regex -- a NUL byte is a traversal trick (file.php%00.png)
  traversal: /\.\.|[/\\](?:etc|proc|windows|winnt|var|\.ssh|\.git|\.env)\b|boot\.ini|web-inf|\.ht(?:access|passwd)|id_rsa|wp-config|\x00|^[a-z]:[/\\]/,
  ssrf: /:|\/latest\/|\/computemetadata/,
  template: /[{}%]|__|<#|\?new/,
  nosql: /\$|this\.|db\.|sleep|\|\|/,
};

const RULES_BY_CLASS = new Map<InjectionClass, Rule[]>(INJECTION_CLASSES.map((c) => [c, VALUE_RULES.filter((r) => r.cls === c)]));

/** SQL comments out (MySQL's executable `/*!…*\/` kept as code), whitespace collapsed. */
function compactForm(text: string): string {
  return text.replace(/\/\*!\d*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ');
}

/** Backslashes as slashes, `/./` and repeated slashes folded: `/./.././/../` reads as `/../../`. */
function pathForm(text: string): string {
  let p = text.replace(/\\/g, '/');
  if (p.includes('./') || p.includes('//')) p = p.replace(/\/(?:\.\/)+/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/{2,}/g, '/');
  return p;
}

/** Worth decoding and matching: not plain, or shaped like base64 that may hide text. */
export function suspicious(raw: string): boolean {
  if (!PLAIN.test(raw)) return true;
  return raw.includes('..') || PLAIN_BUT.test(raw) || (raw.length >= 12 && base64Text(raw) !== null);
}

/** The classes a decoded value matches (lower-casing and normalising it here), or null for none. */
export function matchDecoded(decoded: string, layers: number): ValueMatch | null {
  const text = decoded.toLowerCase();
  let compact: string | null = null;
  let path: string | null = null;
  const formOf = (form: RuleForm): string => {
    if (form === 'text') return text;
    if (form === 'compact') return (compact ??= compactForm(text));
    return (path ??= pathForm(text));
  };
  let classes: ClassMatch[] | null = null;
  for (const cls of INJECTION_CLASSES) {
    if (!GATES[cls].test(text)) continue;
    let hits: RuleHit[] | null = null;
    if (cls === 'ssrf') {
      const found: SsrfHit[] = [];
      ssrfHits(text, found);
      if (found.length > 0) hits = found.map((h) => ({ rule: h.rule, source: text, at: h.at, len: h.len }));
    } else {
      for (const rule of RULES_BY_CLASS.get(cls) ?? []) {
        const source = formOf(rule.form);
        const m = rule.re.exec(source);
        if (m !== null) (hits ??= []).push({ rule, source, at: m.index, len: m[0].length });
      }
    }
    if (hits === null) continue;
    (classes ??= []).push({ cls, score: classScore(hits.map((h) => h.rule.weight)), hits });
  }
  if (classes === null) return null;
  classes.sort((a, b) => b.score - a.score);
  return { classes, layers };
}

/**
 * The classes a raw parameter value matches, or null (the common case). `plusIsSpace` for query
 * strings and form bodies; `maxChars` bounds the work on one value (the rest is not read).
 */
export function matchValue(raw: string, plusIsSpace: boolean, maxChars: number): ValueMatch | null {
  const value = raw.length > maxChars ? raw.slice(0, maxChars) : raw;
  if (!suspicious(value)) return null;
  const decoded = decodeValue(value, plusIsSpace);
  return matchDecoded(decoded.text, decoded.layers);
}

/** A NoSQL operator in a query or form parameter name (`status[$ne]`), or null. */
export function matchName(rawName: string): ValueMatch | null {
  if (!rawName.includes('$') && !rawName.includes('%24')) return null;
  const decoded = decodeValue(rawName, true);
  const text = decoded.text.toLowerCase();
  const m = NAME_OPERATOR_RULE.re.exec(text);
  if (m === null) return null;
  const hit: RuleHit = { rule: NAME_OPERATOR_RULE, source: text, at: m.index, len: m[0].length };
  return { classes: [{ cls: 'nosql', score: NAME_OPERATOR_RULE.weight, hits: [hit] }], layers: decoded.layers };
}
