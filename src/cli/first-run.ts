// The scenario replayed when no file is named: `tapwatch replay` (the README's `npm start`) and
// `tapwatch eval` without --labels. Two generated days with nine labelled attacks on the second, so a
// first run shows an API map and explained alerts (see its README.md beside the captures).
import path from 'node:path';
import { loadLabels } from '../eval/labels-file';
import { EvalInputError } from '../eval/errors';
import { CliFailure } from './usage-error';

export const FIRST_RUN_DIR = path.resolve(__dirname, '../../test/pcap/first-run');
export const FIRST_RUN_LABELS = path.join(FIRST_RUN_DIR, 'labels.json');

/** What the text output says first when it replays the scenario. */
export const FIRST_RUN_INTRO =
  'Replaying the bundled first-run scenario: two generated days of a car-service API (crAPI), the first for learning, ' +
  'the second with one attack of each of nine kinds. `tapwatch eval` scores these alerts against the scenario\'s labels; ' +
  '`tapwatch replay FILE` replays your own capture.\n';

/** The first-run scenario's captures, in order; a plain failure when the files are not installed. */
export function firstRunCaptures(): string[] {
  try {
    return [...loadLabels(FIRST_RUN_LABELS).pcapPaths];
  } catch (err) {
    const why = err instanceof EvalInputError ? err.message : (err as Error).message;
    throw new CliFailure(`the bundled first-run scenario is missing or damaged (${why}); name a capture file to replay`);
  }
}
