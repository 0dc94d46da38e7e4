// Which file is read without --config.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CONFIG_PATH_ENV, DEFAULT_CONFIG_PATH, resolveConfigPath } from '../../../src/config/config-path';

t.test('resolution order', async (t) => {
  const present = (path: string): boolean => path === DEFAULT_CONFIG_PATH;
  const absent = (): boolean => false;
  t.equal(DEFAULT_CONFIG_PATH, '/etc/tapwatch/tapwatch.yaml');
  t.equal(resolveConfigPath('/x.yaml', { [CONFIG_PATH_ENV]: '/env.yaml' }, present), '/x.yaml', '--config wins');
  t.equal(resolveConfigPath(undefined, { [CONFIG_PATH_ENV]: '/env.yaml' }, present), '/env.yaml', 'then $TAPWATCH_CONFIG');
  t.equal(resolveConfigPath(undefined, { [CONFIG_PATH_ENV]: '/env.yaml' }, absent), '/env.yaml', 'even when missing: the loader says so');
  t.equal(resolveConfigPath(undefined, {}, present), DEFAULT_CONFIG_PATH, 'then the default file when it exists');
  t.equal(resolveConfigPath(undefined, {}, absent), undefined, 'else built-in defaults');
  t.equal(resolveConfigPath('', { [CONFIG_PATH_ENV]: '' }, absent), undefined, 'empty values count as not given');
});

t.test('the real file system is asked by default', async (t) => {
  const file = join(t.testdir(), 'tapwatch.yaml');
  writeFileSync(file, 'log:\n  level: info\n');
  t.equal(resolveConfigPath(undefined, { [CONFIG_PATH_ENV]: file }), file);
  // whether /etc/tapwatch/tapwatch.yaml exists on this machine decides the answer
  t.equal(resolveConfigPath(undefined, {}), existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
});
