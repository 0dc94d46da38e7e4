// The seeded training / validation / evaluation splits (issue 14 §3). Training: CSIC
// normalTrafficTraining, a seeded half of anomalousTrafficTest, ~70% of HttpParamsDataset (per class)
// and the benign API-shaped requests. Validation (threshold calibration only): a slice cut from those
// training sets. Evaluation only: CSIC normalTrafficTest, the other anomalous half, the other ~30% of
// HttpParamsDataset. HttpParamsDataset values are placed into benign carrier requests (placement.ts).
import type { HttpParamsClass, ParamValue } from './datasets';
import { placeValue } from './placement';
import { SeededRandom } from '../prng';
import { requestText, splitTarget, type RequestParts } from './request-text';

export interface PayloadCorpora {
  readonly csicNormalTraining: readonly RequestParts[];
  readonly csicNormalTest: readonly RequestParts[];
  readonly csicAnomalous: readonly RequestParts[];
  readonly httpParams: readonly ParamValue[];
  /** Benign API-shaped requests (from non-crAPI OpenAPI specs): normal rows and carriers. */
  readonly apiBenign: readonly RequestParts[];
}

export type Source = 'csic' | 'http-params' | 'api-benign';

export interface LabelledText {
  readonly text: string;
  /** 1 = attack. */
  readonly label: 0 | 1;
  readonly source: Source;
  /** HttpParamsDataset's class, `anomalous` / `normal` for CSIC and the API requests. */
  readonly cls: HttpParamsClass | 'anomalous' | 'normal';
}

export interface SplitOptions {
  readonly seed: number;
  /** Share of CSIC anomalous requests trained on (the rest evaluates). */
  readonly anomalousTrainShare: number;
  readonly httpParamsTrainShare: number;
  /** Share of each training set cut for validation. */
  readonly validationShare: number;
  /** Placements at least per HttpParamsDataset attack class in training (small classes are placed many times, each in another carrier). */
  readonly minPlacementsPerClass: number;
}

export const DEFAULT_SPLIT: SplitOptions = { seed: 14, anomalousTrainShare: 0.5, httpParamsTrainShare: 0.7, validationShare: 0.1, minPlacementsPerClass: 3000 };

export interface PayloadSplits {
  readonly train: LabelledText[];
  readonly validation: LabelledText[];
  readonly evaluation: { readonly csic: LabelledText[]; readonly httpParams: LabelledText[] };
  /** Rows per split and source, for metadata.json. */
  readonly counts: Record<string, number>;
}

/** Splits `items` (copied, shuffled by `rng`) at `share`. */
function cut<T>(rng: SeededRandom, items: readonly T[], share: number): [T[], T[]] {
  const copy = rng.shuffle([...items]);
  const at = Math.round(copy.length * share);
  return [copy.slice(0, at), copy.slice(at)];
}

function hasParams(r: RequestParts): boolean {
  return (r.body !== null && r.body.length > 0) || splitTarget(r.target).query !== null;
}

function labelled(parts: readonly RequestParts[], label: 0 | 1, source: Source): LabelledText[] {
  return parts.map((p) => ({ text: requestText(p), label, source, cls: label === 1 ? 'anomalous' : 'normal' }));
}

/** Each value placed `times(value)` times, in CSIC and API carriers half and half. */
function placed(rng: SeededRandom, values: readonly ParamValue[], csicCarriers: readonly RequestParts[], apiCarriers: readonly RequestParts[], times: (cls: HttpParamsClass) => number): LabelledText[] {
  const out: LabelledText[] = [];
  for (const v of values) {
    const n = times(v.cls);
    for (let i = 0; i < n; i++) {
      const carriers = apiCarriers.length > 0 && rng.below(2) === 0 ? apiCarriers : csicCarriers;
      const parts = placeValue(rng, rng.pick(carriers), v.value);
      out.push({ text: requestText(parts), label: v.cls === 'norm' ? 0 : 1, source: 'http-params', cls: v.cls });
    }
  }
  return out;
}

function byClass(values: readonly ParamValue[]): Map<HttpParamsClass, ParamValue[]> {
  const map = new Map<HttpParamsClass, ParamValue[]>();
  for (const v of values) {
    const list = map.get(v.cls) ?? [];
    list.push(v);
    map.set(v.cls, list);
  }
  return map;
}

/** The first draw of the split's generator: CSIC anomalous requests for training, and for evaluation. */
function anomalousHalves<T>(rng: SeededRandom, anomalous: readonly T[], opts: SplitOptions): [T[], T[]] {
  return cut(rng, anomalous, opts.anomalousTrainShare);
}

/** CSIC's anomalous requests kept for evaluation by a seed (what a test recomputes the metrics on). */
export function csicAnomalousEvaluation<T>(anomalous: readonly T[], opts: SplitOptions): T[] {
  return anomalousHalves(new SeededRandom(opts.seed), anomalous, opts)[1];
}

export function splitPayloadData(c: PayloadCorpora, opts: SplitOptions = DEFAULT_SPLIT): PayloadSplits {
  const rng = new SeededRandom(opts.seed);
  const [anomTrainPool, anomEval] = anomalousHalves(rng, c.csicAnomalous, opts);
  const paramTrainPool: ParamValue[] = [];
  const paramEval: ParamValue[] = [];
  for (const [, values] of [...byClass(c.httpParams)].sort(([a], [b]) => a.localeCompare(b))) {
    const [trainPart, evalPart] = cut(rng, values, opts.httpParamsTrainShare);
    paramTrainPool.push(...trainPart);
    paramEval.push(...evalPart);
  }
  const [normVal, normTrain] = cut(rng, c.csicNormalTraining, opts.validationShare);
  const [anomVal, anomTrain] = cut(rng, anomTrainPool, opts.validationShare);
  const [paramVal, paramTrain] = cut(rng, paramTrainPool, opts.validationShare);
  const [apiVal, apiTrain] = cut(rng, c.apiBenign, opts.validationShare);

  const counts = new Map<HttpParamsClass, number>();
  for (const v of paramTrain) counts.set(v.cls, (counts.get(v.cls) ?? 0) + 1);
  const times = (cls: HttpParamsClass): number => (cls === 'norm' ? 1 : Math.max(1, Math.ceil(opts.minPlacementsPerClass / (counts.get(cls) ?? 1))));
  const trainCarriers = normTrain.filter(hasParams);
  const train = [
    ...labelled(normTrain, 0, 'csic'),
    ...labelled(anomTrain, 1, 'csic'),
    ...labelled(apiTrain, 0, 'api-benign'),
    ...placed(rng, paramTrain, trainCarriers, apiTrain, times),
  ];
  const valCarriers = normVal.filter(hasParams);
  const validation = [...labelled(normVal, 0, 'csic'), ...labelled(anomVal, 1, 'csic'), ...labelled(apiVal, 0, 'api-benign'), ...placed(rng, paramVal, valCarriers, apiVal, () => 1)];
  const evalCarriers = c.csicNormalTest.filter(hasParams);
  const evaluation = {
    csic: [...labelled(c.csicNormalTest, 0, 'csic'), ...labelled(anomEval, 1, 'csic')],
    httpParams: placed(rng, paramEval, evalCarriers, apiVal, () => 1),
  };
  return {
    train,
    validation,
    evaluation,
    counts: {
      trainCsicNormal: normTrain.length,
      trainCsicAnomalous: anomTrain.length,
      trainApiBenign: apiTrain.length,
      trainHttpParamsValues: paramTrain.length,
      trainHttpParamsPlaced: train.length - normTrain.length - anomTrain.length - apiTrain.length,
      validation: validation.length,
      evalCsicNormal: c.csicNormalTest.length,
      evalCsicAnomalous: anomEval.length,
      evalHttpParams: evaluation.httpParams.length,
    },
  };
}
