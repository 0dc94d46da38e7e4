// Writing a rendered feed where gateways read it: atomically (a temporary file in the same
// directory, fsync, rename, directory fsync), so a gateway reloading mid-write sees the old file or
// the new one, never half of one. Mode 0644 in a 0755 directory whatever the umask: the gateway runs
// as another user. Feeds hold IPs and user names the gateways need, no secrets.
import fs from 'node:fs';
import path from 'node:path';
import type { RenderedFeed } from './decision';

export const FEEDS_DIR_MODE = 0o755;
export const FEED_FILE_MODE = 0o644;

export function ensureFeedsDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: FEEDS_DIR_MODE });
  fs.chmodSync(dir, FEEDS_DIR_MODE);
}

/** Throws the file system's error (the caller counts it and retries on the next tick). */
export function writeFeedFile(dir: string, feed: RenderedFeed): void {
  if (feed.fileName === '' || path.basename(feed.fileName) !== feed.fileName) throw new Error(`feed file name ${JSON.stringify(feed.fileName)} is not a plain file name`);
  const file = path.join(dir, feed.fileName);
  const tmp = path.join(dir, `.${feed.fileName}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', FEED_FILE_MODE);
  try {
    fs.fchmodSync(fd, FEED_FILE_MODE);
    fs.writeSync(fd, feed.text);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  // the rename itself survives a crash only once the directory is on disk
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
