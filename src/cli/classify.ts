// `tapwatch classify FILE`: raw HTTP/1.x requests one after another (CSIC 2010's layout: request
// line, headers, blank line, body sized by Content-Length; gzip or plain; - for stdin) scored by the
// payload model, one line per request: {"index","method","uri","score","attack","class"}. The model
// is binary, so class is "attack" or "normal". Anyone can check the model on any request corpus.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { initBackend, type BackendChoice } from '../models/backend';
import { emptyStats, readRawRequests, type RawRequest } from '../models/payload/raw-requests';
import { requestText } from '../models/payload/request-text';
import { PayloadScorer } from '../models/payload/scorer';
import { tableLines } from './table';
import { CliFailure, UsageError } from './usage-error';

export interface ClassifyOptions {
  format: string;
  model?: string;
  backend: string;
}

const BATCH = 256;
const TABLE_URI_CHARS = 100;

interface Row {
  readonly index: number;
  readonly method: string;
  readonly uri: string;
  readonly score: number;
  readonly attack: boolean;
  readonly class: 'attack' | 'normal';
}

function openInput(file: string): Readable {
  if (file === '-') return process.stdin;
  if (!existsSync(file)) throw new CliFailure(`cannot read ${file}: no such file; give a file of raw HTTP requests (CSIC 2010 layout), gzip or plain, or - for standard input`);
  if (statSync(file).isDirectory()) throw new CliFailure(`${file} is a directory; give a file of raw HTTP requests`);
  return createReadStream(file);
}

function loadScorer(dir: string | undefined): PayloadScorer {
  try {
    return PayloadScorer.open(dir ?? null);
  } catch (err) {
    throw new CliFailure(`cannot load the payload model${dir !== undefined ? ` from ${dir}` : ''}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

export async function classifyCommand(file: string, opts: ClassifyOptions): Promise<number> {
  if (opts.format !== 'jsonl' && opts.format !== 'table') throw new UsageError(`--format ${opts.format}: use jsonl or table`);
  const input = openInput(file);
  await initBackend(opts.backend as BackendChoice);
  const scorer = loadScorer(opts.model);
  const stats = emptyStats();
  const tableRows: string[][] = [['index', 'method', 'score', 'class', 'uri']];
  let batch: RawRequest[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const scores = scorer.score(batch.map((r) => requestText({ method: r.method, target: r.target, contentType: r.contentType, body: r.body })), BATCH);
    const lines: string[] = [];
    batch.forEach((r, i) => {
      const score = Math.round((scores[i] as number) * 1e6) / 1e6;
      const attack = (scores[i] as number) >= scorer.threshold;
      const row: Row = { index: r.index, method: r.method, uri: r.target, score, attack, class: attack ? 'attack' : 'normal' };
      if (opts.format === 'jsonl') lines.push(JSON.stringify(row));
      else tableRows.push([String(row.index), row.method, score.toFixed(4), row.class, row.uri.length > TABLE_URI_CHARS ? `${row.uri.slice(0, TABLE_URI_CHARS - 1)}…` : row.uri]);
    });
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    batch = [];
  };
  try {
    for await (const r of readRawRequests(input, stats)) {
      batch.push(r);
      if (batch.length >= BATCH) flush();
    }
  } catch (err) {
    throw new CliFailure(`cannot read ${file === '-' ? 'standard input' : file}: ${(err as Error).message}; give raw HTTP requests, gzip or plain`);
  }
  flush();
  scorer.dispose();
  if (opts.format === 'table' && tableRows.length > 1) process.stdout.write(`${tableLines(tableRows).join('\n')}\n`);
  if (stats.requests === 0) {
    const where = stats.firstSkippedLine > 0 ? `: line ${stats.firstSkippedLine} is not a request line (METHOD target HTTP/1.x)` : ' (it is empty)';
    throw new CliFailure(`${file === '-' ? 'standard input' : file} holds no HTTP requests${where}; classify reads raw requests laid out as in CSIC 2010`);
  }
  if (stats.skippedLines > 0 || stats.truncatedBodies > 0) {
    process.stderr.write(`tapwatch: ${stats.requests} requests classified; ${stats.skippedLines} lines that were not requests skipped (first at line ${stats.firstSkippedLine}), ${stats.truncatedBodies} bodies cut short by the end of input\n`);
  }
  return 0;
}

/** Adds `classify` to the program. */
export function registerClassify(program: Command, settle: (run: Promise<number>) => void): void {
  program
    .command('classify')
    .description('score raw HTTP requests (CSIC 2010 layout, gzip or plain) with the payload model, one line per request')
    .argument('<file>', 'file of raw requests one after another; - for standard input')
    .option('--format <format>', 'jsonl or table', 'jsonl')
    .option('--model <dir>', 'model folder (model.json, weights.bin, metadata.json); default the shipped models/payload')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', 'auto')
    .action((file: string, opts: ClassifyOptions) => settle(classifyCommand(file, opts)));
}
