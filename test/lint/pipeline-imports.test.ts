// The lint rule that keeps imports running one way down the pipeline (eslint.config.mjs,
// `tapwatch/pipeline-imports`): it fires on deliberate upward imports written as files inside src/,
// and lets the legal ones through. Linted as text, so nothing is written into the tree.
import { ESLint } from 'eslint';
import path from 'node:path';
import t from 'tap';
import { REPO } from '../helpers/paths';

const RULE = 'tapwatch/pipeline-imports';
const ORDER = 'core → store → capture → decode → reassembly → http → inventory → identity → features → detectors → models → alerting → outputs → audit → response → config → daemon → simulate → eval → cli';
const above = (from: string, to: string): string => `${from}/ must not import ${to}/, which sits above it (${ORDER}).`;
const eslint = new ESLint({ cwd: REPO });

/** Messages of the pipeline rule for `code` linted as if it were the file `file` (relative to the repository). */
async function pipelineMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

t.test('a stage importing a later stage fails, even type-only', async (t) => {
  const messages = await pipelineMessages('src/decode/upward-fixture.ts', "import type { HttpTransaction } from '../http/types';\nexport type Seen = HttpTransaction;\n");
  t.equal(messages.length, 1);
  t.equal(messages[0], `decode/ must not import http/, which comes later in the pipeline (${ORDER}).`);
});

t.test('a stage importing config/, daemon/ or cli/ fails', async (t) => {
  const code = [
    "import type { TapwatchConfig } from '../../config/schema';",
    "import type { Sensor } from '../../daemon/sensor';",
    "export type Uses = [TapwatchConfig, Sensor, typeof import('../../cli/main')];",
  ].join('\n');
  const messages = await pipelineMessages('src/outputs/syslog/upward-fixture.ts', code);
  t.same(messages, [
    above('outputs', 'config'),
    above('outputs', 'daemon'),
    above('outputs', 'cli'),
  ]);
});

t.test('an earlier stage is reached only through its types; daemon/ never imports cli/', async (t) => {
  t.same(await pipelineMessages('src/outputs/fixture.ts', "export { loadNative } from '../capture/native-binding';\n"), [
    "outputs/ may import only types of capture/ ('import type', or values of its 'types.ts'), not its runtime modules.",
  ]);
  t.same(await pipelineMessages('src/detectors/fixture.ts', "import { type FindingSink, makeSink } from '../http/consumer';\nexport const sink: FindingSink = makeSink();\n"), [
    "detectors/ may import only types of http/ ('import type', or values of its 'types.ts'), not its runtime modules.",
  ]);
  t.same(await pipelineMessages('src/daemon/fixture.ts', "export { alertRecord } from '../cli/main';\n"), [
    above('daemon', 'cli'),
  ]);
  t.same(await pipelineMessages('src/eval/fixture.ts', "export { replayCommand } from '../cli/replay';\n"), [above('eval', 'cli')]);
  t.same(await pipelineMessages('src/simulate/fixture.ts', "export { evaluate } from '../eval/evaluate';\n"), [above('simulate', 'eval')], 'the tools do not import each other');
  t.same(await pipelineMessages('src/config/fixture.ts', "export { startHttpApi } from '../daemon/http-api';\n"), [
    "config/ composes the stages' leaf 'config.ts' files; it must not import other modules of daemon/.",
  ]);
});

t.test('legal imports pass', async (t) => {
  const stage = [
    "import type { Counters } from '../core/counters';",
    "import type { Db } from '../store/database';",
    "import type { StreamConsumer } from '../reassembly/types';",
    "import { type FlowInfo } from '../reassembly/flow';",
    "import { TcpFlag, type DecodedPacket } from '../decode/types';",
    "import type { HttpConfig } from './config';",
    "export type Uses = [Counters, Db, DecodedPacket, HttpConfig, typeof TcpFlag, StreamConsumer, FlowInfo, import('../decode/decoder').Decoder];",
  ].join('\n');
  t.same(await pipelineMessages('src/http/legal-fixture.ts', stage), [], 'a stage: core/, store/, earlier types, its own config');
  t.same(await pipelineMessages('src/config/legal-fixture.ts', "export { outputsSchema } from '../outputs/config';\nexport { apiSchema } from '../daemon/config';\n"), [], "config/: the stages' leaf configs");
  t.same(await pipelineMessages('src/eval/legal-fixture.ts', "export { openPipeline } from '../daemon/pipeline';\nexport { FileSource } from '../capture/file-source';\n"), [], 'eval/: the composition root and any stage');
  t.same(await pipelineMessages('src/cli/legal-fixture.ts', "export { alertRecord } from '../daemon/records';\nexport { loadNative } from '../capture/native-binding';\n"), [], 'cli/: anything');
});
