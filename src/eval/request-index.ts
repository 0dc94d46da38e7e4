// The labelled requests eval needs to look up while the capture replays: each transaction is found
// again by client `ip:port`, method and path (the query may be redacted in the transaction) and the
// nearest request time. Only requests whose identity eval measures are kept (benign requests of
// actors that send a credential, and every attack request); the rest are only counted, so memory
// follows what is measured rather than the whole scenario.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { requestLabelSchema, type ScenarioLabels } from '../core/scenario-labels';
import { EvalInputError } from './errors';

/** Seconds a transaction's time may differ from its label's and still be that request. */
export const DEFAULT_REQUEST_TOLERANCE_SEC = 1;

export interface IndexedRequest {
  readonly ts: number;
  /** Index into the labels' actors. */
  readonly actor: number;
  /** Index into the labels' attacks, or -1 for a benign request. */
  readonly attack: number;
  /** The actor sends a credential (its `credential` is not `none`). */
  readonly credentialed: boolean;
  taken: boolean;
}

export interface RequestCounts {
  lines: number;
  benign: number;
  attack: number;
  /** Benign requests of actors that send a credential: the attribution's denominator. */
  credentialedBenign: number;
}

interface Bucket {
  readonly requests: IndexedRequest[];
  /** Requests before it are taken or too old for any later transaction. */
  cursor: number;
}

export class RequestIndex {
  private readonly buckets = new Map<string, Bucket>();
  readonly counts: RequestCounts = { lines: 0, benign: 0, attack: 0, credentialedBenign: 0 };

  constructor(private readonly toleranceSec = DEFAULT_REQUEST_TOLERANCE_SEC) {}

  add(client: string, method: string, uri: string, request: IndexedRequest): void {
    const key = requestKey(client, method, pathOf(uri));
    const bucket = this.buckets.get(key);
    if (bucket) bucket.requests.push(request);
    else this.buckets.set(key, { requests: [request], cursor: 0 });
  }

  /** Call once after the last add: buckets are searched in time order. */
  seal(): void {
    for (const b of this.buckets.values()) b.requests.sort((x, y) => x.ts - y.ts);
  }

  /** The untaken request nearest to `ts` within the tolerance, marked taken; null when none. */
  take(client: string, method: string, path: string, ts: number): IndexedRequest | null {
    const bucket = this.buckets.get(requestKey(client, method, path));
    if (!bucket) return null;
    const list = bucket.requests;
    // transactions of one connection arrive in time order, so what is behind the window stays behind
    while (bucket.cursor < list.length) {
      const r = list[bucket.cursor];
      if (r === undefined || !(r.taken || r.ts < ts - this.toleranceSec)) break;
      bucket.cursor++;
    }
    let best: IndexedRequest | null = null;
    for (let i = bucket.cursor; i < list.length; i++) {
      const r = list[i];
      if (r === undefined || r.ts > ts + this.toleranceSec) break;
      if (r.taken || r.ts < ts - this.toleranceSec) continue;
      if (best === null || Math.abs(r.ts - ts) < Math.abs(best.ts - ts)) best = r;
    }
    if (best) best.taken = true;
    return best;
  }
}

/** Reads the JSON-lines requests file; a bad line is one sentence naming the file and line. */
export async function readRequestIndex(file: string, labels: ScenarioLabels, toleranceSec = DEFAULT_REQUEST_TOLERANCE_SEC): Promise<RequestIndex> {
  const actorIndex = new Map(labels.actors.map((a, i) => [a.id, i]));
  const attackIndex = new Map(labels.attacks.map((a, i) => [a.id, i]));
  const index = new RequestIndex(toleranceSec);
  const counts = index.counts;
  const bad = (line: number, why: string): EvalInputError =>
    new EvalInputError('usage', `requests file ${file}, line ${line}: ${why}; each line must be one request label of the scenario`);
  // `simulate --gzip` writes requests.jsonl.gz
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  // pipe() does not forward a read error to the gunzip stream the loop below reads
  if (input !== raw) raw.on('error', (err) => input.destroy(err));
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw bad(lineNo, 'not JSON');
      }
      const parsed = requestLabelSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw bad(lineNo, `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`);
      }
      const req = parsed.data;
      const actor = actorIndex.get(req.actor);
      if (actor === undefined) throw bad(lineNo, `actor "${req.actor}" is not in the labels' actors`);
      const attack = req.label === 'benign' ? -1 : attackIndex.get(req.label);
      if (attack === undefined) throw bad(lineNo, `label "${req.label}" is neither benign nor an attack of the labels`);
      counts.lines++;
      const credentialed = labels.actors[actor]?.credential !== 'none';
      if (attack >= 0) counts.attack++;
      else counts.benign++;
      if (attack < 0 && credentialed) counts.credentialedBenign++;
      if (attack >= 0 || credentialed) index.add(req.client, req.method, req.uri, { ts: req.ts, actor, attack, credentialed, taken: false });
    }
  } catch (err) {
    if (err instanceof EvalInputError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new EvalInputError('failure', `requests file ${file} cannot be read (${code}); put it back beside the labels file`);
  } finally {
    lines.close();
  }
  index.seal();
  return index;
}

function requestKey(client: string, method: string, path: string): string {
  return `${client} ${method} ${path}`;
}

/** The origin-form target without its query, as the HTTP stage splits the transaction's `path`. */
function pathOf(uri: string): string {
  const end = uri.indexOf('?');
  return end < 0 ? uri : uri.slice(0, end);
}
