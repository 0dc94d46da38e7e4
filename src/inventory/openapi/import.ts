// OpenAPI 3.0 / 3.1 and Swagger 2.0 import (JSON or YAML) into one normalised model: the entry points
// that read and parse a file or a folder of them; normalise.ts turns a parsed document into the model.
// Errors name the file and the JSON pointer (`SpecError`); a folder load never throws for one bad file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { normaliseSpec, type ImportOptions } from './normalise';
import { isObject, SpecError } from './refs';
import type { ImportedSpec } from './types';

export { SpecError };
export type { ImportOptions };

const SPEC_EXT = /\.(json|ya?ml)$/i;

/** Parses JSON or YAML text; throws `SpecError` with the line/column of a syntax error. */
export function parseSpecText(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || /\.json$/i.test(file)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      if (/\.json$/i.test(file)) throw new SpecError(file, '', `invalid JSON: ${(e as Error).message}`);
    }
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const where = err?.linePos?.[0] ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    throw new SpecError(file, '', `invalid YAML${where}: ${err?.message.split('\n')[0] ?? 'parse error'}`);
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

export function loadSpecFile(file: string, opts: ImportOptions = {}): ImportedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(file, '', `cannot read: ${(e as Error).message}`);
  }
  return importSpec(parseSpecText(text, file), file, opts);
}

export interface FolderLoad {
  specs: ImportedSpec[];
  errors: SpecError[];
}

/** Loads every `.json` / `.yaml` / `.yml` file under `dir` (recursively, sorted by path). */
export function loadSpecFolder(dir: string, opts: ImportOptions = {}): FolderLoad {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (SPEC_EXT.test(name)) files.push(p);
    }
  };
  walk(dir);
  const specs: ImportedSpec[] = [];
  const errors: SpecError[] = [];
  for (const f of files) {
    try {
      const text = readFileSync(f, 'utf8');
      const doc = parseSpecText(text, f);
      // Postman collections, environments and other JSON are not specs: skip them quietly.
      if (!isObject(doc) || (doc['openapi'] === undefined && doc['swagger'] === undefined)) continue;
      specs.push(importSpec(doc, f, { ...opts, specIndex: specs.length }));
    } catch (e) {
      errors.push(e instanceof SpecError ? e : new SpecError(f, '', (e as Error).message));
    }
  }
  return { specs, errors };
}

/** Normalises an already parsed document. */
export function importSpec(doc: unknown, file: string, opts: ImportOptions = {}): ImportedSpec {
  try {
    return normaliseSpec(doc, file, opts);
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError(file, '', `cannot import: ${(e as Error).message}`);
  }
}
