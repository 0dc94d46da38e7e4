// The team data set: real third-party captures, OpenAPI specs and datasets kept beside the repository
// in ../shared/data (described by its MANIFEST.md), never inside it. A clone has none, so every test
// that reads it finds it here and skips with `needsSharedData` when it is absent.
// TAPWATCH_SHARED_DATA points elsewhere; CI sets nothing and instead runs the suite once more from a
// copy of the repository with nothing beside it, proving that no test needs the data set.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { REPO } from './paths';

export const SHARED_DATA_ENV = 'TAPWATCH_SHARED_DATA';

export interface SharedDataLocation {
  /** Absolute directory of the data set, whether or not it exists. */
  root: string;
  /** Why a test that reads the data set skips; false when the data set is there. */
  skipReason: string | false;
}

/** Where the data set is for this environment and repository; present when it holds MANIFEST.md. */
export function locateSharedData(env: NodeJS.ProcessEnv, repo: string): SharedDataLocation {
  const override = env[SHARED_DATA_ENV];
  const root = override ? path.resolve(override) : path.resolve(repo, '../shared/data');
  if (existsSync(path.join(root, 'MANIFEST.md'))) return { root, skipReason: false };
  const skipReason = override
    ? `needs the team data set (${SHARED_DATA_ENV}=${override} has no MANIFEST.md)`
    : 'needs ../shared/data (the team data set; not part of a clone)';
  return { root, skipReason };
}

const location = locateSharedData(process.env, REPO);

export const SHARED_DATA = location.root;
/** The `skip` option of every test that reads the data set. */
export const needsSharedData: string | false = location.skipReason;
export const hasSharedData = needsSharedData === false;

/** A path inside the data set, e.g. sharedData('pcaps/zeek/Traces/http/get.pcap'). */
export function sharedData(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}

export const SHARED_PCAPS = sharedData('pcaps');
