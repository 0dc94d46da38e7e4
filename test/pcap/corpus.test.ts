// Every real capture in ../shared/data/pcaps goes through the full replay pipeline (addon + decode):
// no uncaught error, and the same packet count as tcpdump reads from the same file. Files tcpdump
// cannot open must fail to open here too, with a typed CaptureError.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { FileSource } from '../../src/capture/file-source';
import { CaptureError } from '../../src/capture/errors';
import { buildConfig } from '../../src/config/load';
import { Sensor } from '../../src/daemon/sensor';
import { SHARED_PCAPS, needsSharedData } from '../helpers/shared-data';
import { captureKind, findCaptures } from '../helpers/corpus';
import { hasTcpdump } from '../helpers/tcpdump';

interface TcpdumpView {
  packets: number;
  opened: boolean;
}

function tcpdumpView(file: string): TcpdumpView {
  const gz = captureKind(file) === 'gzip';
  const res = spawnSync('tcpdump', ['-n', '-r', gz ? '-' : file, '--count'], {
    input: gz ? gunzipSync(readFileSync(file)) : undefined,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const m = /^(\d+) packets?/m.exec(res.stdout);
  return { packets: m ? Number(m[1]) : 0, opened: m !== null };
}

t.test('whole shared corpus replays like tcpdump reads it', { skip: needsSharedData || (!hasTcpdump && 'tcpdump missing') }, async (t) => {
  const files = findCaptures(SHARED_PCAPS);
  t.ok(files.length > 1000, `${files.length} captures found`);
  const config = buildConfig({});
  const mismatches: string[] = [];
  let totalPackets = 0;
  let openErrors = 0;
  for (const file of files) {
    const rel = path.relative(SHARED_PCAPS, file);
    const reference = tcpdumpView(file);
    const sensor = new Sensor(config);
    let opened = true;
    try {
      const result = await sensor.consume(new FileSource(file, { filter: '', batchBytes: 1 << 20 }));
      if (result.error && !(result.error instanceof CaptureError)) mismatches.push(`${rel}: untyped read error ${result.error.message}`);
    } catch (err) {
      opened = false;
      openErrors++;
      if (!(err instanceof CaptureError)) mismatches.push(`${rel}: untyped open error ${(err as Error).message}`);
    }
    if (opened !== reference.opened) mismatches.push(`${rel}: opened=${opened}, tcpdump opened=${reference.opened}`);
    else if (sensor.summary.packets !== reference.packets) {
      mismatches.push(`${rel}: ${sensor.summary.packets} packets, tcpdump ${reference.packets}`);
    }
    totalPackets += sensor.summary.packets;
  }
  t.same(mismatches, [], 'every capture: same packet count as tcpdump, typed errors only');
  t.ok(totalPackets > 10000, `${totalPackets} packets replayed, ${openErrors} files libpcap cannot open`);
});
