// Sensitive data per message: `PiiCounter` counts detected values by (location, field, kind)
// within a scan budget and keeps one redacted sample of each. This is also the public surface of
// the sensitive-data modules: field-name hints (pii-field-hints.ts), validators
// (pii-validators.ts), scanners (pii-scan.ts) and redaction (pii-redact.ts) are re-exported here.
import { fieldHint, HINT_CREDENTIAL, HINT_FREE_TEXT, HINT_SENSITIVE, isMaskedValue } from './pii-field-hints';
import { redactedSample } from './pii-redact';
import { DEFAULT_PII_OPTIONS, findPii, type PiiOptions } from './pii-scan';
import type { ParamLocation, PiiCount, PiiKind, PiiRule } from './types';

export * from './pii-field-hints';
export * from './pii-validators';
export * from './pii-scan';
export * from './pii-redact';

/** Counts sensitive values by (location, field, kind) for one message, within a scan budget. */
export class PiiCounter {
  private readonly counts = new Map<string, { location: ParamLocation; field: string; kind: PiiKind; count: number; rule: PiiRule; sample: string }>();
  /** Characters scanned so far. */
  scanned = 0;
  /** The scan budget was exhausted (later values not scanned). */
  limitHit = false;

  constructor(private readonly opts: PiiOptions = DEFAULT_PII_OPTIONS) {}

  /** One more value of `kind` in `field`: `text[start, end)`, only read (redacted) for the first one. */
  add(location: ParamLocation, field: string, kind: PiiKind, rule: PiiRule, text: string, start = 0, end = text.length): void {
    const key = `${location}\u0000${field}\u0000${kind}`;
    const e = this.counts.get(key);
    if (e) e.count++;
    else this.counts.set(key, { location, field, kind, count: 1, rule, sample: redactedSample(start === 0 && end === text.length ? text : text.slice(start, end)) });
  }

  /** Scan one scalar value (string, or the text of a number) of `field`. */
  scan(location: ParamLocation, field: string, value: string): void {
    this.scanWith(location, field, value, fieldHint(field));
  }

  /** Scan free text (an HTML or text body, stray text): entropy needs an assignment context there. */
  scanText(location: ParamLocation, field: string, text: string): void {
    this.scanWith(location, field, text, HINT_FREE_TEXT);
  }

  private scanWith(location: ParamLocation, field: string, value: string, hint: number): void {
    if (value.length === 0) return;
    let found = 0;
    const remaining = this.opts.maxScanChars - this.scanned;
    if (remaining <= 0) {
      this.limitHit = true;
    } else if (value.length >= 7) {
      if (value.length > remaining) this.limitHit = true;
      const cap = Math.min(this.opts.maxValueChars, remaining);
      const t = value.length > cap ? value.slice(0, cap) : value;
      this.scanned += t.length;
      for (const s of findPii(t, hint, this.opts)) {
        this.add(location, field, s.kind, s.rule, t, s.start, s.end);
        found++;
      }
    }
    if (this.opts.fieldNameKinds && hint & (HINT_CREDENTIAL | HINT_SENSITIVE) && !isMaskedValue(value)) {
      if (hint & HINT_CREDENTIAL) this.add(location, field, 'credential-field', 'credential-name', value);
      else if (found === 0) this.add(location, field, 'sensitive-field', 'sensitive-name', value);
    }
  }

  results(): PiiCount[] {
    return [...this.counts.values()].map((e) => ({ ...e }));
  }
}
