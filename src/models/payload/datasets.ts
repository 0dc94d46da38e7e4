// The training corpora on disk: CSIC 2010 raw requests and HttpParamsDataset's parameter values
// (../shared/data/datasets, MANIFEST.md there gives their source and licence).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emptyStats, readRawRequestFile, type RawReadStats } from './raw-requests';
import type { RequestParts } from './request-text';

export const CSIC_FILES = { normalTraining: 'normalTrafficTraining.txt.gz', normalTest: 'normalTrafficTest.txt.gz', anomalous: 'anomalousTrafficTest.txt.gz' } as const;
export const HTTP_PARAMS_FILE = 'payload_full.csv';

/** HttpParamsDataset's classes; `norm` is benign. */
export const HTTP_PARAMS_CLASSES = ['norm', 'sqli', 'xss', 'path-traversal', 'cmdi'] as const;
export type HttpParamsClass = (typeof HTTP_PARAMS_CLASSES)[number];

export interface ParamValue {
  readonly value: string;
  readonly cls: HttpParamsClass;
}

/** Every request of a CSIC file as the parts the request text is built from. */
export async function readCsic(file: string): Promise<{ requests: RequestParts[]; stats: RawReadStats }> {
  const stats = emptyStats();
  const requests: RequestParts[] = [];
  for await (const r of readRawRequestFile(file, stats)) requests.push({ method: r.method, target: r.target, contentType: r.contentType, body: r.body });
  return { requests, stats };
}

/** The fields of one CSV record starting at `pos`: quoted fields with `""` escapes; returns the next position. */
function csvRecord(text: string, pos: number, fields: string[]): number {
  fields.length = 0;
  let i = pos;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          field += text.slice(i);
          i = text.length;
          break;
        }
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
    }
    // anything after a closing quote up to the separator belongs to the field (malformed rows)
    let end = i;
    while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
    field += text.slice(i, end).replace(/\r$/, '');
    fields.push(field);
    i = end;
    if (i >= text.length || text[i] === '\n') return i + 1;
    i++;
  }
}

/** HttpParamsDataset's `payload,length,attack_type,label` rows with a known class. */
export function readHttpParams(file: string): ParamValue[] {
  const text = readFileSync(file, 'utf8');
  const out: ParamValue[] = [];
  const fields: string[] = [];
  let pos = csvRecord(text, 0, fields); // header
  while (pos < text.length) {
    pos = csvRecord(text, pos, fields);
    if (fields.length < 4) continue;
    // a payload with unescaped quotes spills into more fields: the class is always the last but one
    const cls = fields[fields.length - 2] as HttpParamsClass;
    if (!HTTP_PARAMS_CLASSES.includes(cls)) continue;
    const value = fields.slice(0, fields.length - 3).join(',');
    if (value !== '') out.push({ value, cls });
  }
  return out;
}

export function csicPath(dataDir: string, name: keyof typeof CSIC_FILES): string {
  return path.join(dataDir, 'csic2010', CSIC_FILES[name]);
}

export function httpParamsPath(dataDir: string): string {
  return path.join(dataDir, 'HttpParamsDataset', HTTP_PARAMS_FILE);
}
