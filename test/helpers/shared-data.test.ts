// Where tests find the team data set, and the reason they skip without it.
import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DATA_ENV, locateSharedData } from './shared-data';

function layout(t: Test, withData: boolean): { repo: string; data: string } {
  const top = t.testdir();
  const repo = path.join(top, 'tapwatch');
  const data = path.join(top, 'shared/data');
  mkdirSync(repo);
  if (withData) {
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'MANIFEST.md'), '# Test data manifest\n');
  }
  return { repo, data };
}

t.test('a repository with the data set beside it finds ../shared/data', async (t) => {
  const { repo, data } = layout(t, true);
  t.same(locateSharedData({}, repo), { root: data, skipReason: false });
});

t.test('a clone with nothing beside it skips, saying what is missing and why', async (t) => {
  const { repo, data } = layout(t, false);
  t.same(locateSharedData({}, repo), { root: data, skipReason: 'needs ../shared/data (the team data set; not part of a clone)' });
});

t.test('a directory without MANIFEST.md is not the data set', async (t) => {
  const { repo, data } = layout(t, false);
  mkdirSync(data, { recursive: true });
  t.equal(locateSharedData({}, repo).skipReason, 'needs ../shared/data (the team data set; not part of a clone)');
});

t.test(`${SHARED_DATA_ENV} points elsewhere, present or not`, async (t) => {
  const { repo, data } = layout(t, true);
  const moved = path.join(path.dirname(repo), 'elsewhere');
  t.same(locateSharedData({ [SHARED_DATA_ENV]: moved }, repo), {
    root: moved,
    skipReason: `needs the team data set (${SHARED_DATA_ENV}=${moved} has no MANIFEST.md)`,
  }, 'a missing override wins over ../shared/data beside the repository');
  t.same(locateSharedData({ [SHARED_DATA_ENV]: data }, path.join(repo, 'nowhere')), { root: data, skipReason: false }, 'an existing override is used');
  t.same(locateSharedData({ [SHARED_DATA_ENV]: '' }, repo), { root: data, skipReason: false }, 'an empty value means unset');
});
