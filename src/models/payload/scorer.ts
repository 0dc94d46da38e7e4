// The shipped payload model, loaded for scoring: model.json + weights.bin + metadata.json of
// models/payload (or a configured folder). The metadata's tokeniser and request-text versions must
// be the ones this build produces, else the model would read text it was not trained on.
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFiles, setWeightsFromFiles } from '../model-files';
import { buildPayloadModel } from './architecture';
import { readPayloadMetadata, type PayloadMetadata } from './metadata';
import { SHIPPED_PAYLOAD_MODEL_DIR } from './paths';
import { predictScores } from './predict';
import { REQUEST_TEXT_VERSION } from './request-text';
import { TOKENISER_VERSION } from './tokeniser';

function checkedMetadata(folder: string): PayloadMetadata {
  const metadata = readPayloadMetadata(folder);
  if (metadata.tokeniserVersion !== TOKENISER_VERSION || metadata.requestTextVersion !== REQUEST_TEXT_VERSION) {
    throw new Error(`the payload model in ${folder} was trained with tokeniser ${metadata.tokeniserVersion} and request text ${metadata.requestTextVersion}; this build has ${TOKENISER_VERSION} and ${REQUEST_TEXT_VERSION} (retrain: tapwatch train payload)`);
  }
  return metadata;
}

export class PayloadScorer {
  private constructor(
    private readonly model: tfl.LayersModel,
    readonly metadata: PayloadMetadata,
    readonly dir: string,
  ) {}

  /** Loads a model folder (null: the shipped one) with TF.js's loader; call after initBackend. */
  static async load(dir: string | null = null): Promise<PayloadScorer> {
    const folder = dir ?? SHIPPED_PAYLOAD_MODEL_DIR;
    const metadata = checkedMetadata(folder);
    return new PayloadScorer(await loadModelFiles(folder), metadata, folder);
  }

  /**
   * The same, synchronously (a pipeline stage is created synchronously): the architecture named in
   * the metadata is built in code and its weights set from weights.bin.
   */
  static open(dir: string | null = null): PayloadScorer {
    const folder = dir ?? SHIPPED_PAYLOAD_MODEL_DIR;
    const metadata = checkedMetadata(folder);
    const model = buildPayloadModel(metadata.architecture, 0);
    setWeightsFromFiles(model, folder);
    return new PayloadScorer(model, metadata, folder);
  }

  get threshold(): number {
    return this.metadata.threshold;
  }

  /** Scores (0–1, attack ≥ threshold) of request texts, in batches of `batchSize`; synchronous. */
  score(texts: readonly string[], batchSize = 256): Float32Array {
    return predictScores(this.model, texts, this.metadata.architecture.maxLen, batchSize);
  }

  dispose(): void {
    this.model.dispose();
  }
}
