// The webhook signing secret: `config docs` must say what validation enforces. One of `secret` and
// `secretEnv` is required, so neither may read as optional ("unset").
import t from 'tap';
import { configDocsMarkdown } from '../../../src/config/docs';
import { validateConfigObject } from '../../../src/config/validate';

function docRow(key: string): string[] {
  const line = configDocsMarkdown()
    .split('\n')
    .find((l) => l.startsWith(`| \`${key}\` |`));
  if (!line) throw new Error(`${key} is not documented`);
  return line.split(/(?<!\\)\|/).map((c) => c.trim());
}

const hook = (extra: Record<string, unknown>): unknown => ({ outputs: { webhooks: [{ name: 'h', url: 'https://soar.example/hook', ...extra }] } });

t.test('validation: exactly one of secret and secretEnv', async (t) => {
  t.notOk(validateConfigObject(hook({})).ok, 'neither is an error');
  t.notOk(validateConfigObject(hook({ secret: 's3cret-value', secretEnv: 'HOOK_SECRET' })).ok, 'both is an error');
  t.ok(validateConfigObject(hook({ secret: 's3cret-value' })).ok);
  t.ok(validateConfigObject(hook({ secretEnv: 'HOOK_SECRET' })).ok);
});

t.test('config docs: each of the pair is required unless the other is set', async (t) => {
  for (const [key, other] of [
    ['secret', 'secretEnv'],
    ['secretEnv', 'secret'],
  ] as const) {
    const row = docRow(`outputs.webhooks[].${key}`);
    t.not(row[3], 'unset', `${key} does not look optional`);
    t.equal(row[3], `**required** unless \`${other}\` is set`, `${key}: default column`);
    t.match(row[5], /exactly one of `secret` and `secretEnv`/, `${key}: description`);
  }
});
