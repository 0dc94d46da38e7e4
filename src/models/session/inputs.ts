// What the session model sees of a session: the normalised session features minus the two that
// describe the deployment's age rather than behaviour (`learning`, `identity_age_days`: a model
// trained in the learning period would find every later session odd by them), standardised with
// the training set's mean and spread so a byte count does not outweigh an error ratio. The schema
// and its normalisation come from the features stage through the model context (models/ may not
// import its runtime modules).
import type { FeatureSpec } from '../../features/types';

const LEFT_OUT = new Set(['learning', 'identity_age_days']);

/** A spread below this is treated as this (a constant feature must not divide by zero). */
const MIN_SPREAD = 0.05;

/** feature-schema.ts's normaliseVector. */
export type Normaliser = (schema: readonly FeatureSpec[], raw: Float32Array, out?: Float32Array) => Float32Array;

export interface Scaler {
  readonly mean: readonly number[];
  readonly spread: readonly number[];
}

export class SessionInputs {
  /** Indices into the session schema of the model's inputs, in order. */
  readonly indices: readonly number[];
  readonly features: readonly FeatureSpec[];
  readonly size: number;
  /** Index of the `learning` flag in a raw session vector (−1 when the schema has none). */
  readonly learningIndex: number;

  constructor(
    readonly schema: readonly FeatureSpec[],
    private readonly normalise: Normaliser,
  ) {
    this.indices = schema.flatMap((s, i) => (LEFT_OUT.has(s.name) ? [] : [i]));
    this.features = this.indices.map((i) => schema[i] as FeatureSpec);
    this.size = this.indices.length;
    this.learningIndex = schema.findIndex((s) => s.name === 'learning');
  }

  /** True when the session ended inside its identity's learning period. */
  /** Requests of a raw session vector (0 when the schema has no `requests` feature). */
  requests(raw: Float32Array): number {
    const i = this.schema.findIndex((f) => f.name === 'requests');
    return i < 0 ? 0 : (raw[i] as number);
  }

  learning(raw: Float32Array): boolean {
    return this.learningIndex >= 0 && (raw[this.learningIndex] as number) >= 0.5;
  }

  /** The normalised model inputs of raw session vectors (one row each). */
  normalised(raw: readonly Float32Array[]): Float32Array[] {
    const full = new Float32Array(this.schema.length);
    return raw.map((v) => {
      this.normalise(this.schema, v, full);
      const row = new Float32Array(this.size);
      for (let j = 0; j < this.size; j++) row[j] = full[this.indices[j] as number] as number;
      return row;
    });
  }

  fitScaler(rows: readonly Float32Array[]): Scaler {
    const d = this.size;
    const mean = new Array<number>(d).fill(0);
    const spread = new Array<number>(d).fill(0);
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] as number) / rows.length;
    for (const r of rows) for (let j = 0; j < d; j++) spread[j] = (spread[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / rows.length;
    return { mean, spread: spread.map((v) => Math.max(MIN_SPREAD, Math.sqrt(v))) };
  }

  /** Raw vectors normalised and standardised into one flat array (row-major), ready for a tensor. */
  scaled(raw: readonly Float32Array[], scaler: Scaler): Float32Array {
    const d = this.size;
    const rows = this.normalised(raw);
    const out = new Float32Array(rows.length * d);
    rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) out[i * d + j] = ((r[j] as number) - (scaler.mean[j] as number)) / (scaler.spread[j] as number);
    });
    return out;
  }

  /** Per-input medians of raw session values (the baseline an explanation compares against). */
  rawMedians(raw: readonly Float32Array[]): number[] {
    return this.indices.map((i) => {
      const values = raw.map((v) => v[i] as number).sort((a, b) => a - b);
      return values.length === 0 ? 0 : (values[Math.floor(values.length / 2)] as number);
    });
  }
}
