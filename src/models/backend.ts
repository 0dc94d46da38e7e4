// Which TF.js backend runs the models (DESIGN §4): the TensorFlow C library through
// @tensorflow/tfjs-node(-gpu) when it is installed and loads (native/install-tensorflow.sh), else
// WebAssembly (@tensorflow/tfjs-backend-wasm, always shipped), else plain JavaScript. One choice per
// process, made once before the pipeline opens; the log, /metrics and `doctor` say which.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  /** The backend the models run on. */
  readonly name: BackendName;
  /** The npm package that provides it. */
  readonly pkg: string;
  /** True when the TensorFlow backend runs on a GPU (@tensorflow/tfjs-node-gpu with CUDA). */
  readonly gpu: boolean;
  /** Why a preferred backend was passed over, in the order they were tried (empty when the first one loaded). */
  readonly skipped: readonly string[];
}

/** The native packages, GPU first: both register the backend `tensorflow`. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let chosen: BackendInfo | null = null;

/** The backend chosen by initBackend, or null before. */
export function currentBackend(): BackendInfo | null {
  return chosen;
}

/** Loads the first native package that loads; null with the reasons when none does. */
function loadNative(skipped: string[]): { pkg: string; gpu: boolean } | null {
  // the TensorFlow library logs every start-up detail to stderr unless told otherwise; its oneDNN
  // kernels announce themselves there too, and may reorder float sums between runs (retraining must
  // be reproducible), so they stay off unless the operator sets TF_ENABLE_ONEDNN_OPTS
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  for (const pkg of NATIVE_PACKAGES) {
    let resolved: string;
    try {
      resolved = require.resolve(pkg);
    } catch {
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, installed outside package.json
      require(resolved);
      return { pkg, gpu: pkg.endsWith('-gpu') };
    } catch (err) {
      skipped.push(`${pkg} is installed but does not load (${firstLine(err)})`);
    }
  }
  if (skipped.length === 0) skipped.push('@tensorflow/tfjs-node is not installed (run native/install-tensorflow.sh)');
  return null;
}

async function useWasm(skipped: string[]): Promise<boolean> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when chosen
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    // the .wasm files ship in the package's dist/ folder, beside its entry point
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    if (await tf.setBackend('wasm')) return true;
    skipped.push('the WebAssembly backend did not initialise');
  } catch (err) {
    skipped.push(`the WebAssembly backend failed (${firstLine(err)})`);
  }
  return false;
}

/**
 * Chooses and initialises the backend: `auto` tries tensorflow, wasm, cpu in that order; a named one
 * falls back the same way when it cannot load. Returns what runs; later calls return the first choice.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (chosen !== null) return chosen;
  // production mode: no per-op debug checks, and no console banner advertising tfjs-node
  tf.enableProdMode();
  const skipped: string[] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    const native = loadNative(skipped);
    if (native !== null && (await tf.setBackend('tensorflow'))) {
      chosen = { name: 'tensorflow', pkg: native.pkg, gpu: native.gpu && hasGpuDevice(), skipped };
      return chosen;
    }
  }
  if (choice !== 'cpu' && (await useWasm(skipped))) {
    chosen = { name: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm', gpu: false, skipped };
    return chosen;
  }
  await tf.setBackend('cpu');
  chosen = { name: 'cpu', pkg: '@tensorflow/tfjs-backend-cpu', gpu: false, skipped };
  return chosen;
}

/** The native backends whose packages resolve here, without loading them (for `doctor`). */
export function installedNativePackages(): string[] {
  return NATIVE_PACKAGES.filter((pkg) => {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  });
}

/** A CUDA device visible to the driver (tfjs-node-gpu falls back to the CPU silently without one). */
function hasGpuDevice(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:fs only when a GPU package loaded
    return (require('node:fs') as typeof import('node:fs')).existsSync('/dev/nvidia0');
  } catch {
    return false;
  }
}

/** One line describing the backend, for the log and the terminal. */
export function describeBackend(info: BackendInfo): string {
  const base = `TF.js models run on the ${info.name} backend (${info.pkg}${info.gpu ? ', GPU' : ''})`;
  return info.skipped.length > 0 ? `${base}; passed over: ${info.skipped.join('; ')}` : base;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}
