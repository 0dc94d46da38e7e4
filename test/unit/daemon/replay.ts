// Real captures through a real Sensor for the daemon tests, and tcpdump-filtered copies of them
// (one direction only, data packets removed) written to the test's own directory.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { FileSource } from '../../../src/capture/file-source';
import { buildConfig } from '../../../src/config/load';
import { Sensor } from '../../../src/daemon/sensor';
import { sharedData } from '../../helpers/shared-data';

export const ESPN = sharedData('pcaps/chrissanders-packets/http_espn.pcapng');
/** The client of every flow in ESPN. */
export const ESPN_CLIENT = '172.16.0.122';
export const TLS_HANDSHAKES = sharedData('pcaps/foxio-ja4/pcap/tls-handshake.pcapng');

export function newSensor(): Sensor {
  return new Sensor(buildConfig({}));
}

/** Replays `file` through `sensor` and ends it (flows flushed), as at the end of a replay. */
export async function replay(sensor: Sensor, file: string, finish = true): Promise<void> {
  const result = await sensor.consume(new FileSource(file, { filter: '', batchBytes: 1 << 20 }));
  if (result.error) throw result.error;
  if (finish) sensor.finish();
}

/** The packets of `input` matching the BPF `filter`, as a pcap file in `dir`. */
export function tcpdumpFilter(input: string, filter: string, dir: string, name: string): string {
  const out = path.join(dir, name);
  execFileSync('tcpdump', ['-r', input, '-w', out, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}
