// Characters → ids for the char-CNN. Versioned: a model is only scored with the tokeniser it was
// trained with (the scorer checks metadata.json). Lower-cased, every digit one id (ids and prices
// vary, their shape does not), control characters one id, anything outside ASCII one id.

export const TOKENISER_VERSION = 'char-v1';

/** 0 pads; 1 is any non-ASCII character; 2 any control character; 3 any digit; then printable ASCII. */
const PAD = 0;
const NON_ASCII = 1;
const CONTROL = 2;
const DIGIT = 3;
const FIRST_PRINTABLE = 4;

const table = new Int32Array(128);
(() => {
  let next = FIRST_PRINTABLE;
  for (let c = 0; c < 128; c++) {
    if (c < 0x20 || c === 0x7f) table[c] = CONTROL;
    else if (c >= 0x30 && c <= 0x39) table[c] = DIGIT;
    else if (c >= 0x41 && c <= 0x5a) table[c] = -1; // upper case: the lower-case id, set below
    else table[c] = next++;
  }
  for (let c = 0x41; c <= 0x5a; c++) table[c] = table[c + 0x20] as number;
})();

/** Ids 0..VOCAB_SIZE-1. */
export const VOCAB_SIZE = Math.max(...table) + 1;

/** Writes the ids of `text` (cut or padded to `maxLen`) into `out` at `offset`. */
export function encodeInto(text: string, maxLen: number, out: Int32Array, offset: number): void {
  const n = Math.min(text.length, maxLen);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    out[offset + i] = c < 128 ? (table[c] as number) : NON_ASCII;
  }
  out.fill(PAD, offset + n, offset + maxLen);
}

/** Ids of many texts, row after row (the input of the model). */
export function encodeBatch(texts: readonly string[], maxLen: number): Int32Array {
  const out = new Int32Array(texts.length * maxLen);
  texts.forEach((t, i) => encodeInto(t, maxLen, out, i * maxLen));
  return out;
}

export { CONTROL, DIGIT, NON_ASCII, PAD };

/**
 * The ids the model would read of `text`, as a string: two texts with the same ids (they differ only
 * in digits, letter case, or past maxLen) score the same, so the score cache keys on this.
 */
export function idString(text: string, maxLen: number): string {
  const n = Math.min(text.length, maxLen);
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode(c < 128 ? (table[c] as number) : NON_ASCII);
  }
  return out;
}
