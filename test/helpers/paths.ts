// Paths inside the repository shared by tests: its root, its bundled traces and the built CLI.
// Data from outside the repository is reached only through ./shared-data.
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
export const TRACES = path.join(REPO, 'test/pcap/traces');
export const CLI = path.join(REPO, 'dist/cli/main.js');
