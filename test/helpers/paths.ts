// Paths shared by tests: the repository, its bundled traces and the team's ../shared data.
import path from 'node:path';
import { existsSync } from 'node:fs';

export const REPO = path.resolve(__dirname, '../..');
export const TRACES = path.join(REPO, 'test/pcap/traces');
export const SHARED_DATA = path.resolve(REPO, '../shared/data');
export const SHARED_PCAPS = path.join(SHARED_DATA, 'pcaps');
export const hasShared = existsSync(SHARED_PCAPS);
export const CLI = path.join(REPO, 'dist/cli/main.js');
