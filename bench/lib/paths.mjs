// Where the benchmark's inputs and outputs live, and the captures it knows by name.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH);
export const OUT = path.join(BENCH, 'out');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const SURICATA_CONF = path.join(BENCH, 'suricata-http.yaml');
export const TIME = '/usr/bin/time';
export const KNOWN_CAPTURES = ['keepalive', 'close', 'keepalive-mtu1500'];
export const DEFAULT_CAPTURES = ['keepalive', 'close'];
export const OPTIONAL_CAPTURES = ['keepalive-mtu1500']; // in the default list only when the file exists
