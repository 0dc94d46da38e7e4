#!/usr/bin/env node
// tapwatch command line: subcommands share one composition (src/daemon/sensor.ts).
import { alertsCommand, feedbackCommand } from './alerts';
import { registerConfigCommands } from './config-commands';
import { registerDoctor } from './doctor';
import { registerInstallService } from './install-service';
import { Command } from 'commander';
import { ConfigError } from '../config/load';
import { replayCommand } from './replay';
import { runCommand } from './run';
import { endpointsCommand } from './endpoints';
import { openapiExportCommand } from './openapi';
import { endpointsEditCommand } from './endpoints-edit';

function settle(promise: Promise<number>): void {
  promise.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err));
      process.stderr.write(`tapwatch: ${message}\n`);
      process.exitCode = err instanceof ConfigError ? 2 : 1;
    },
  );
}

const program = new Command();
program.name('tapwatch').description('Passive API-security sensor for mirrored traffic').version('0.1.0');
// Options after a subcommand belong to it (`endpoints merge --db F` is merge's --db).
program.enablePositionalOptions();

program
  .command('replay')
  .description('replay capture files (pcap, pcapng, nanosecond, .gz, - for stdin) through the pipeline')
  .argument('[files...]', 'capture files; none = the bundled sample capture')
  .option('-c, --config <file>', 'YAML config file')
  .option('-f, --filter <bpf>', 'BPF filter')
  .option('--format <format>', 'text or jsonl', 'text')
  .option('--stats', 'print the summary record (default in text format)')
  .option('--no-stats', 'omit the summary record in jsonl output')
  .option('--packets', 'print one record per packet (jsonl format)')
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
  ['split', 'undo a merge (TEMPLATE) or pin a concrete --path as its own endpoint'],
] as const) {
  endpoints
    .command(action)
    .description(what)
    .argument(action === 'split' ? '[template]' : '<template>', 'endpoint template, e.g. /users/{id}')
    .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--host <host>', 'host of the endpoint')
    .option('--method <method>', 'HTTP method of the endpoint')
    .option('--path <path>', 'split: a concrete path to keep as its own endpoint')
    .action((template: string | undefined, opts) => settle(Promise.resolve().then(() => endpointsEditCommand(action, template, opts))));
}

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
  .option('--since <when>', 'alerts active since an ISO time or a span back from now (24h, 7d)')
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
  .option('--by <name>', 'who gives the verdict (default: the OS user)')
  .option('--db <file>', 'SQLite file (default: store.path, else $STATE_DIRECTORY)')
  .option('-c, --config <file>', 'YAML config file')
  .action((alertId: string, opts) => settle(Promise.resolve().then(() => feedbackCommand(alertId, opts))));

registerConfigCommands(program);
registerDoctor(program);
registerInstallService(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tapwatch: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
