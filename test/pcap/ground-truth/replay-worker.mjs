// Child process used by replay.ts: replays the captures listed in its argument (a JSON array of
// {file, config}) through the built CLI's replay command (dist/cli/replay.js), one fresh pipeline
// per capture, and writes a marker line {"type":"@file","index":i} before each capture's records so
// the parent can split the stream. Runs many captures per Node process: starting one process per
// capture costs ~0.3 s each.
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

// Loaded as a test file by `tap <dir>`: nothing to do without arguments.
if (process.argv.length < 3) process.exit(0);
const jobs = JSON.parse(process.argv[2]);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { replayCommand } = await import(pathToFileURL(path.join(repo, 'dist/cli/replay.js')).href);

const write = (rec) =>
  new Promise((resolve) => {
    if (process.stdout.write(JSON.stringify(rec) + '\n')) resolve();
    else process.stdout.once('drain', resolve);
  });

for (const [index, job] of jobs.entries()) {
  await write({ type: '@file', index });
  try {
    const opts = { format: 'jsonl', stats: false, flows: true };
    if (job.config) opts.config = job.config;
    await replayCommand([job.file], opts);
  } catch (err) {
    await write({ type: '@error', index, message: String(err && err.stack ? err.stack : err) });
  }
}
await write({ type: '@done' });
