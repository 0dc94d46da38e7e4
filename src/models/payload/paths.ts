// Where the shipped payload model lives: models/payload at the package root (this file compiles to
// dist/models/payload/, and runs from src/models/payload/ under ts-node: both three levels down).
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '../../..');
export const SHIPPED_PAYLOAD_MODEL_DIR = path.join(PACKAGE_ROOT, 'models', 'payload');
/** The team data set beside the repository (TAPWATCH_SHARED_DATA overrides). */
export function defaultSharedData(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAPWATCH_SHARED_DATA ?? path.resolve(PACKAGE_ROOT, '../shared/data');
}
