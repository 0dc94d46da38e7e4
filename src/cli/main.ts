#!/usr/bin/env -S node --max-semi-space-size=32
// tapwatch command line: subcommands share one composition (src/daemon/sensor.ts).
import { alertsCommand, feedbackCommand } from './alerts';
import { registerConfigCommands } from './config-commands';
import { registerDoctor } from './doctor';
import { registerInstallService } from './install-service';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load';
import { StoreError } from '../store/database';
import { CliFailure, UsageError } from './usage-error';
import { replayCommand } from './replay';
import { runCommand } from './run';
import { endpointsCommand } from './endpoints';
import { openapiExportCommand } from './openapi';
import { endpointsEditCommand } from './endpoints-edit';
import { specsCommand } from './specs';
import { registerEval } from './eval';
import { registerIdentities } from './identities';
import { registerBaseline } from './baseline';
import { registerLimits } from './limits';
import { registerSimulate } from './simulate';
import { registerTrain } from './train-payload';
import { registerClassify } from './classify';
import { registerModel } from './model';
import { registerAudit } from './audit';
import { registerToken } from './token';
import { registerDecisions } from './decisions';

function settle(promise: Promise<number>): void {
  promise.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // errors a user can act on are one plain line; anything else is a bug, so its stack helps
      const usage = err instanceof ConfigError || err instanceof UsageError;
      const plain = usage || err instanceof CliFailure || err instanceof StoreError;
      const message = plain ? (err as Error).message : ((err as Error).stack ?? String(err));
      process.stderr.write(`tapwatch: ${message}\n`);
      process.exitCode = usage ? 2 : 1;
    },
  );
}

// `tapwatch replay | head`: the reader left, so stop quietly as other Unix tools do, with no stack
// trace (a state database keeps every committed write; its WAL is replayed on the next open)
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const program = new Command();
program.name('tapwatch').description('Passive API-security sensor for mirrored traffic').version('0.1.0');
// Options after a subcommand belong to it (`endpoints merge --db F` is merge's --db).
program.enablePositionalOptions();
// Commander's own usage errors (unknown option, missing argument) exit 2 like ours; set before the
// subcommands so they inherit it.
program.exitOverride();

program
  .command('replay')
  .description('replay capture files (pcap, pcapng, nanosecond, .gz, - for stdin) through the pipeline')
  .argument('[files...]', 'capture files; none = the bundled first-run scenario (two generated days, nine labelled attacks)')
  .option('-c, --config <file>', 'YAML config file')
  .option('-f, --filter <bpf>', 'BPF filter')
  .option('--format <format>', 'text or jsonl', 'text')
  .option('--stats', 'print the summary record (default in text format)')
  .option('--no-stats', 'omit the summary record in jsonl output')
  .option('--packets', 'print one record per packet (jsonl format)')
  .option('--http-records', 'print each HTTP transaction (the default, except in text for the first-run scenario)')
  .option('--no-http-records', 'count HTTP transactions without printing them')
  .option('--flows', 'print one record per TCP flow when it closes (jsonl format)')
  .option('--decode-only', 'stop after decoding (benchmarks the capture and decode stages alone)')
  .option('--db <file>', 'SQLite file for the endpoint map (default: in memory, or store.path)')
  .option('--no-inventory', 'no endpoint map (benchmarks of the stream stages alone)')
  .option('--batch-bytes <n>', 'bytes per capture batch')
  .action((files: string[], opts) => settle(replayCommand(files, opts)));

program
  .command('run')
  .description('capture live from an interface (SPAN/TAP port)')
  .option('-i, --iface <name>', 'interface (overrides capture.interface)')
  .option('-c, --config <file>', 'YAML config file')
  .option('-f, --filter <bpf>', 'BPF filter')
  .option('--immediate', 'deliver packets as they arrive (no kernel buffering)')
  .option('--duration <sec>', 'stop after this many seconds')
  .option('--db <file>', 'SQLite file for the endpoint map (default: store.path, else $STATE_DIRECTORY)')
  .option('--batch-bytes <n>', 'bytes per capture batch')
  .action((opts) => settle(runCommand(opts)));

const endpoints = program
  .command('endpoints')
  .description('list the API endpoints observed (stored by replay --db or run)')
  .enablePositionalOptions()
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file (specs for --status orphan)')
  .option('--host <host>', 'only this host')
  .option('--status <status>', 'documented, shadow, zombie, drift, orphan or unknown')
  .option('--format <format>', 'table or json', 'table')
  .action((opts) => settle(Promise.resolve().then(() => endpointsCommand(opts))));

for (const [action, what] of [
  ['approve', 'make TEMPLATE a fixed endpoint (host/method optional: any)'],
  ['merge', 'fold the endpoints TEMPLATE covers into it (TEMPLATE must have a {parameter})'],
] as const) {
  endpoints
    .command(action)
    .description(what)
    .argument('<template>', 'endpoint template, e.g. /users/{id}')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--host <host>', 'host of the endpoint (default: any)')
    .option('--method <method>', 'HTTP method of the endpoint (default: any)')
    .action((template: string, opts) => settle(Promise.resolve().then(() => endpointsEditCommand(action, template, opts))));
}
endpoints
  .command('split')
  .description('undo a merge (TEMPLATE) or pin a concrete --path as its own endpoint from the next replay or run')
  .usage('--host <host> --method <method> (<template> | --path <path>) [options]')
  .argument('[template]', 'merged template to undo, e.g. /users/{name}; or give --path instead')
  .requiredOption('--host <host>', 'host of the endpoint (required)')
  .requiredOption('--method <method>', 'HTTP method of the endpoint (required)')
  .option('--path <path>', 'a concrete path to keep as its own endpoint, instead of a TEMPLATE')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .action((template: string | undefined, opts) => settle(Promise.resolve().then(() => endpointsEditCommand('split', template, opts))));

program
  .command('openapi')
  .description('OpenAPI documents of the observed API')
  .command('export')
  .description('write an OpenAPI 3.1 document of the endpoints observed (from replay --db or run)')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--host <host>', 'only this host')
  .option('--title <title>', 'info.title of the document', 'Observed API')
  .option('--format <format>', 'json or yaml', 'json')
  .option('-o, --output <file>', 'write to a file instead of standard output')
  .action((opts) => settle(Promise.resolve().then(() => openapiExportCommand(opts))));

program
  .command('alerts')
  .description('alerts stored by replay --db or run, newest first')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--since <when>', 'alerts active since an ISO time or a span back from now on --clock (24h, 7d)')
  .option('--clock <clock>', "packet: traffic time, a span counts back from the newest traffic stored (works for replays of old captures); wall: when alerts were stored", 'packet')
  .option('--severity <level>', 'at least this severity: info, low, medium, high, critical')
  .option('--type <detector>', 'only this detector')
  .option('--limit <n>', 'at most this many', '1000')
  .option('--format <format>', 'table or json', 'table')
  .action((opts) => settle(Promise.resolve().then(() => alertsCommand(opts))));

program
  .command('feedback <alertId>')
  .description("record an analyst's verdict on an alert (kept for tuning and training)")
  .requiredOption('--verdict <verdict>', 'false-positive or true-positive')
  .option('--note <text>', 'why')
  .option('--suppress', 'false positive: suppress this detector for this identity/client and endpoint')
  .option('--suppress-for <span>', 'how long the suppression lasts (seconds, or 12h, 30d); default until deleted')
  .option('--allow-wide', 'create the suppression even when it is wide (the alert names no identity, client or endpoint)')
  .option('--by <name>', 'who gives the verdict (default: the OS user)')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .action((alertId: string, opts) => settle(Promise.resolve().then(() => feedbackCommand(alertId, opts))));

program
  .command('specs')
  .description('the configured OpenAPI specs, the hosts each is bound to and why, and the likeliest host of an unbound one')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--format <format>', 'table or json', 'table')
  .action((opts) => settle(Promise.resolve().then(() => specsCommand(opts))));

registerConfigCommands(program);
registerDoctor(program);
registerInstallService(program);
registerEval(program, settle);
registerIdentities(program, settle);
registerBaseline(program, settle);
registerLimits(program, settle);
registerTrain(program, settle);
registerClassify(program, settle);
registerModel(program, settle);
registerAudit(program, settle);
registerSimulate(program, settle);
registerToken(program, settle);
registerDecisions(program, settle);

program.parseAsync(process.argv).catch((err: unknown) => {
  // commander printed its message already (and --help / --version exit 0)
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`tapwatch: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
