// `tapwatch token show|list|rotate|add|remove`: the local API's bearer tokens in
// `<stateDir>/api-tokens.json` (src/daemon/api-tokens.ts). A running sensor re-reads the file, so a
// rotation takes effect at its next request. Values are printed only by show, rotate and add, on
// stdout alone, so `$(tapwatch token show reader)` works in a script. Changes (rotate, add, remove)
// are audited like every analyst action; the values never are.
import type { Command } from 'commander';
import { defaultDatabasePath } from '../store/paths';
import { addToken, API_ROLES, ApiTokensError, apiTokensPathFor, listTokens, removeToken, rotateToken, showToken, type ApiRole } from '../daemon/api-tokens';
import { ALL_MIGRATIONS } from '../daemon/migrations';
import { openDatabase, type Db } from '../store/database';
import type { AuditAction } from '../audit/types';
import { cliAuditTrail, localActor } from './cli-audit';
import { checkDbOption } from './db-option';
import { resolveConfig, type CommonOptions } from './options';
import { table } from './table';
import { CliFailure, UsageError } from './usage-error';

export interface TokenOptions extends CommonOptions {
  db?: string;
}

interface ListOptions extends TokenOptions {
  format: string;
}

interface AddOptions extends TokenOptions {
  role?: string;
}

/** The token file beside the state database that --db / -c / store.path choose. */
function tokensFile(opts: TokenOptions): string {
  checkDbOption(opts.db);
  const config = resolveConfig(opts);
  return apiTokensPathFor(defaultDatabasePath(opts.db ?? config.store.path));
}

/**
 * The audit record of a token change, in the state database beside the token file (created when
 * missing). The file and the database cannot share a transaction: the change is done first, and a
 * record that cannot be written fails the command with a sentence saying so.
 */
function audit(opts: TokenOptions, action: AuditAction, name: string, done: string, details: Record<string, unknown> = {}): void {
  const config = resolveConfig(opts);
  const file = defaultDatabasePath(opts.db ?? config.store.path);
  let db: Db | null = null;
  try {
    db = openDatabase(file, ALL_MIGRATIONS);
    cliAuditTrail(db, file, config).record({ actor: localActor(), action, target: name, details });
  } catch (err) {
    throw new CliFailure(`${done}, but its audit record could not be written to ${file}: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

/** Token-file problems are one plain sentence: a wrong name is the caller's, the rest the file's. */
function plain<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ApiTokensError) throw err.code === 'TOKENS_BAD_NAME' || err.code === 'TOKENS_UNKNOWN_NAME' || err.code === 'TOKENS_NAME_TAKEN' ? new UsageError(err.message) : new CliFailure(err.message);
    if ((err as NodeJS.ErrnoException).code !== undefined) throw new CliFailure((err as Error).message);
    throw err;
  }
}

export function tokenShow(name: string, opts: TokenOptions): number {
  const file = tokensFile(opts);
  process.stdout.write(`${plain(() => showToken(file, name)).token}\n`);
  return 0;
}

export function tokenList(opts: ListOptions): number {
  if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError('--format must be table or json');
  const file = tokensFile(opts);
  const tokens = plain(() => listTokens(file)).map((t) => ({ name: t.name, role: t.role, created: t.created }));
  if (opts.format === 'json') process.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
  else process.stdout.write(table([['NAME', 'ROLE', 'CREATED'], ...tokens.map((t) => [t.name, t.role, t.created])]));
  return 0;
}

export function tokenRotate(name: string, opts: TokenOptions): number {
  const file = tokensFile(opts);
  const { token, fileCreated } = plain(() => rotateToken(file, name));
  audit(opts, 'token.rotate', name, `token ${name} was rotated`, { fileCreated });
  process.stdout.write(`${token.token}\n`);
  process.stderr.write(fileCreated ? `tapwatch: created ${file} with tokens admin and reader\n` : `tapwatch: token ${name} rotated in ${file}; the old value no longer works\n`);
  return 0;
}

export function tokenAdd(name: string, opts: AddOptions): number {
  if (opts.role === undefined || !API_ROLES.includes(opts.role as ApiRole)) throw new UsageError(`--role must be ${API_ROLES.join(' or ')}`);
  const file = tokensFile(opts);
  const added = plain(() => addToken(file, name, opts.role as ApiRole));
  audit(opts, 'token.add', name, `token ${name} was added`, { role: opts.role });
  process.stdout.write(`${added.token}\n`);
  return 0;
}

export function tokenRemove(name: string, opts: TokenOptions): number {
  const file = tokensFile(opts);
  plain(() => removeToken(file, name));
  audit(opts, 'token.remove', name, `token ${name} was removed`);
  process.stdout.write(`removed token ${name} from ${file}\n`);
  return 0;
}

/** Adds `token` and its subcommands to the program; `settle` turns a result or error into the exit code. */
export function registerToken(program: Command, settle: (run: Promise<number>) => void): void {
  const token = program.command('token').description("the local API's bearer tokens (<state dir>/api-tokens.json)");
  const common = (cmd: Command): Command =>
    cmd.option('--db <file>', 'SQLite file whose directory holds the token file (default: store.path, else $STATE_DIRECTORY)').option('-c, --config <file>', 'YAML config file');
  common(token.command('show').description('print the value of a token (default admin)').argument('[name]', 'token name', 'admin')).action((name: string, opts: TokenOptions) =>
    settle(Promise.resolve().then(() => tokenShow(name, opts))),
  );
  common(token.command('list').description('token names, roles and creation times (no values)'))
    .option('--format <format>', 'table or json', 'table')
    .action((opts: ListOptions) => settle(Promise.resolve().then(() => tokenList(opts))));
  common(token.command('rotate').description('give a token a new value (the old one stops working); creates the token file when missing').argument('[name]', 'token name', 'admin')).action(
    (name: string, opts: TokenOptions) => settle(Promise.resolve().then(() => tokenRotate(name, opts))),
  );
  common(token.command('add').description('add a token and print its value').argument('<name>', 'token name'))
    .option('--role <role>', `${API_ROLES.join(' or ')}`)
    .action((name: string, opts: AddOptions) => settle(Promise.resolve().then(() => tokenAdd(name, opts))));
  common(token.command('remove').description('remove a token (it stops working)').argument('<name>', 'token name')).action((name: string, opts: TokenOptions) =>
    settle(Promise.resolve().then(() => tokenRemove(name, opts))),
  );
}
