// Corpora the payload model is evaluated on and never trained on: the scenario generator's own
// attack payloads (placed as query values and JSON fields of API-shaped requests) and the benign
// requests of the first-run scenario's captures (a crAPI-like JSON API), replayed through the
// product's pipeline so the model reads exactly what it reads live.
import { FIRST_RUN_DIR, FIRST_RUN_LABELS } from './first-run';
import { resolveConfig } from './options';
import { loadLabels } from '../eval/labels-file';
import { readRequestIndex } from '../eval/request-index';
import { replayCaptures } from '../eval/replay';
import type { HttpTransaction } from '../http/types';
import { hasPayload, transactionText, type RequestParts } from '../models/payload/request-text';
import { encodeForUrl, payload, PAYLOAD_CLASSES, type PayloadClass } from '../simulate/plan/attacks/payloads';
import { Rng } from '../simulate/prng';

/** API-shaped carriers for the generator's payloads (crAPI-like paths, as the scenarios use). */
const CARRIERS: readonly { method: string; path: string; param: string; json: Record<string, unknown> }[] = [
  { method: 'GET', path: '/workshop/api/shop/orders/all', param: 'status', json: {} },
  { method: 'GET', path: '/community/api/v2/community/posts/recent', param: 'limit', json: {} },
  { method: 'POST', path: '/community/api/v2/community/posts', param: 'q', json: { title: 'Brake noise', content: 'Any advice on squeaky brakes?' } },
  { method: 'POST', path: '/workshop/api/shop/orders', param: 'coupon', json: { product_id: 2, quantity: 1 } },
  { method: 'PUT', path: '/identity/api/v2/user/videos/17', param: 'name', json: { videoName: 'trip.mp4', conversion_params: '-v codec h264' } },
  { method: 'POST', path: '/identity/api/auth/login', param: 'redirect', json: { email: 'ann@example.com', password: 'Summer2024!' } },
];

export interface GeneratedAttack {
  readonly cls: PayloadClass;
  readonly where: 'query' | 'json';
  readonly parts: RequestParts;
}

/** `perClass` payloads of every class for each seed, half in a query value, half in a JSON field. */
export function generatorAttacks(seeds: readonly number[], perClass: number): GeneratedAttack[] {
  const out: GeneratedAttack[] = [];
  for (const seed of seeds) {
    const rng = new Rng(seed, 'payload-eval');
    for (const cls of PAYLOAD_CLASSES) {
      for (let i = 0; i < perClass; i++) {
        const value = payload(rng, cls);
        const carrier = rng.pick(CARRIERS);
        if (i % 2 === 0) {
          out.push({ cls, where: 'query', parts: { method: 'GET', target: `${carrier.path}?${carrier.param}=${encodeForUrl(rng, value)}&limit=${rng.int(1, 50)}`, contentType: null, body: null } });
        } else {
          // NoSQL payloads are operator objects in a JSON body
          const field = cls === 'nosql' ? (JSON.parse(value) as unknown) : value;
          const body = { ...carrier.json, [carrier.param]: field };
          out.push({ cls, where: 'json', parts: { method: carrier.method === 'GET' ? 'POST' : carrier.method, target: carrier.path, contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) } });
        }
      }
    }
  }
  return out;
}

/** Texts of the first-run scenario's benign requests that carry a payload (query, body or odd path). */
export async function firstRunBenignTexts(maxBodyBytes = 65_536): Promise<{ texts: string[]; transactions: number }> {
  const loaded = loadLabels(FIRST_RUN_LABELS);
  const index = await readRequestIndex(loaded.requestsPath, loaded.labels);
  const texts: string[] = [];
  let transactions = 0;
  const observer = {
    name: 'payload.first-run',
    onTransaction: (tx: HttpTransaction): void => {
      transactions++;
      if (tx.method === null || tx.path === null || !hasPayload(tx)) return;
      const req = index.take(tx.client, tx.method, tx.path, tx.ts);
      // only requests labelled benign count (attack requests and unlabelled ones are left out)
      if (req === undefined || req === null || req.attack >= 0) return;
      const text = transactionText(tx, maxBodyBytes);
      if (text !== null) texts.push(text);
    },
  };
  await replayCaptures({ files: loaded.pcapPaths, config: resolveConfig({}), dbPath: null, detectors: [], observers: [observer] });
  return { texts, transactions };
}

export { FIRST_RUN_DIR };
