// Tapwatch's version for message headers (CEF Device Version). package.json sits three levels up
// from this file both in src/ and in dist/, so one relative path serves the tests and the build.
import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function productVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : '0';
    } catch {
      cached = '0';
    }
  }
  return cached;
}
