// A TF.js layers model on disk in the layout of tfjs-node's `file://` handler: `model.json` (topology
// and weights manifest) beside `weights.bin` (the float32 weights in manifest order). The same files
// load on every backend, and `tf.loadLayersModel('file://…/model.json')` of tfjs-node reads them too.
// Writing is synchronous (the weights are read with dataSync) so a model can be saved on a flush tick.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

interface ModelJson {
  readonly format: string;
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: object;
  readonly weightsManifest: readonly { paths: readonly string[]; weights: readonly tf.io.WeightsManifestEntry[] }[];
}

/**
 * Writes model.json and weights.bin into `dir` (created if missing); each file replaces the old one
 * atomically. `privateState`: files of the sensor's state directory, owner-only whatever the umask.
 */
export function writeModelFiles(model: tfl.LayersModel, dir: string, privateState = false): void {
  mkdirSync(dir, { recursive: true, ...(privateState ? { mode: 0o700 } : {}) });
  const mode = privateState ? 0o600 : 0o644;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const w of model.weights) {
    if (w.dtype !== 'float32') throw new Error(`model ${model.name}: weight ${w.originalName} is ${w.dtype}; only float32 weights are saved`);
    const values = w.read().dataSync() as Float32Array;
    specs.push({ name: w.originalName, shape: [...w.shape] as number[], dtype: 'float32' });
    chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    modelTopology: model.toJSON(null, false) as object,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
  };
  atomicWrite(path.join(dir, WEIGHTS_BIN), Buffer.concat(chunks), mode);
  atomicWrite(path.join(dir, MODEL_JSON), JSON.stringify(json), mode);
}

/** model.json and weights.bin of `dir` as the artifacts TF.js loads from memory. */
export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as ModelJson;
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1) throw new Error(`${dir}/${MODEL_JSON}: expected one weights group`);
  const bin = readFileSync(path.join(dir, WEIGHTS_BIN));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const group = manifest[0] as ModelJson['weightsManifest'][number];
  return { modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, weightSpecs: [...group.weights], weightData };
}

/** Loads a model saved by writeModelFiles (or by tfjs-node's file:// handler with one weights file). */
export async function loadModelFiles(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(readModelArtifacts(dir)));
}

/**
 * Sets the weights of a model built in code from files saved from the same architecture, without
 * the async loader (a model rolled back or retrained is swapped in on a tick).
 */
export function setWeightsFromFiles(model: tfl.LayersModel, dir: string): void {
  const art = readModelArtifacts(dir);
  const specs = art.weightSpecs ?? [];
  const data = art.weightData as ArrayBuffer;
  if (specs.length !== model.weights.length) throw new Error(`${dir}: ${specs.length} weights saved, the model has ${model.weights.length}`);
  let offset = 0;
  const tensors = specs.map((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const own = model.weights[i];
    if (own === undefined || own.shape.join('x') !== spec.shape.join('x')) throw new Error(`${dir}: weight ${spec.name} has shape ${spec.shape.join('x')}, the model expects ${own?.shape.join('x') ?? 'none'}`);
    const values = new Float32Array(data.slice(offset, offset + size * 4));
    offset += size * 4;
    return tf.tensor(values, spec.shape, 'float32');
  });
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

function atomicWrite(file: string, data: string | Buffer, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}
