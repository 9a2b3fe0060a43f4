#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { FORMATS, type Format } from '../encode/index.js';
import { EXIT_USAGE, UsageError, exitCodeFor, flushed, formatError } from './output.js';
import { packageVersion, requireWarehouseDir } from './paths.js';
import { tuneV8 } from '../v8-tuning.js';

/**
 * The `deltasql` bin (PRODUCT.md "CLI"):
 *
 *   deltasql query --warehouse DIR [--format table|csv|json|ndjson] "SQL"
 *   deltasql serve --warehouse DIR [--pg-port 5433] [--http-port 8080] [--host 127.0.0.1]
 *                  [--password P | --users FILE] [--http-token T] [--tls-cert F --tls-key F]
 *   deltasql demo [--warehouse DIR] [--pg-port 5433] [--http-port 8080] [--tick SECONDS]
 *   deltasql --help | --version
 *
 * Exit codes: 0 success; 1 the statement failed (`ERROR:  … (SQLSTATE xxxxx)` on stderr, one
 * line); 2 usage error (unknown option, missing argument, bad `--format`…, also one line).
 * Each command lives in its own file and is imported only when run, so `--help` stays fast and
 * works even when a lower layer fails to load.
 */
interface ServeCliOptions {
  warehouse?: string;
  pgPort: string;
  httpPort: string;
  http: boolean;
  host: string;
  password?: string;
  users?: string;
  httpToken?: string;
  tlsCert?: string;
  tlsKey?: string;
}

function portOption(value: string, option: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || value.trim() === '') throw new UsageError(`${option} must be a port number, not "${value}"`);
  return port;
}

/** The options both `serve` and `demo` pass to the servers, without commander's extras. */
function serverOptions(o: ServeCliOptions): { host: string; password?: string; users?: string; httpToken?: string; tlsCert?: string; tlsKey?: string } {
  const { host, password, users, httpToken, tlsCert, tlsKey } = o;
  return { host, ...(password === undefined ? {} : { password }), ...(users === undefined ? {} : { users }), ...(httpToken === undefined ? {} : { httpToken }), ...(tlsCert === undefined ? {} : { tlsCert }), ...(tlsKey === undefined ? {} : { tlsKey }) };
}

function buildProgram(): Command {
  const program = new Command('deltasql')
    .usage('<command> [options]')
    .description('A SQL server over Delta Lake tables: query, time-travel and serve them with PostgreSQL clients.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // errors are reported once, by main(), as one line
    .showSuggestionAfterError(true);

  program
    .command('query')
    .description('run one SQL statement over a warehouse folder, embedded (no server), and print its result')
    // checked in the action rather than as a requiredOption, so an unknown option or a missing
    // <sql> is what gets reported first
    .option('-w, --warehouse <dir>', 'the warehouse folder: every sub-folder holding _delta_log/ is a table (required)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table'))
    .argument('<sql>', 'the statement, e.g. "SELECT * FROM t VERSION AS OF 1"')
    .action(async (sql: string, options: { warehouse?: string; format: Format }) => {
      const { warehouse, format } = options;
      if (warehouse === undefined) throw new UsageError("required option '--warehouse <dir>' not specified");
      requireWarehouseDir(warehouse); // before loading the engine: a usage error stays cheap
      const { runQuery } = await import('./query.js');
      await runQuery(sql, { warehouse, format }, process.stdout, cancelOnInterrupt());
    });

  program
    .command('serve')
    .description('serve a warehouse folder over the PostgreSQL protocol (psql, JDBC, ODBC, BI tools) and HTTP (API and web console) until Ctrl-C')
    .option('-w, --warehouse <dir>', 'the warehouse folder (required)')
    .option('--pg-port <port>', 'PostgreSQL protocol port', '5433')
    .option('--http-port <port>', 'HTTP API and web console port', '8080')
    .option('--no-http', 'serve no HTTP')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--password <password>', 'require this password (SCRAM-SHA-256) from every user')
    .option('--users <file>', 'require passwords from a file of user:password lines (PostgreSQL, and HTTP Basic auth)')
    .option('--tls-cert <file>', 'PEM certificate: accept TLS (sslmode=require)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--http-token <token>', 'require this bearer token on HTTP (then non-loopback clients may connect)')
    .action(async (options: ServeCliOptions) => {
      if (options.warehouse === undefined) throw new UsageError("required option '--warehouse <dir>' not specified");
      const pgPort = portOption(options.pgPort, '--pg-port');
      const httpPort = options.http === false ? undefined : portOption(options.httpPort, '--http-port');
      requireWarehouseDir(options.warehouse);
      const { runServe } = await import('./serve.js');
      await runServe({ ...serverOptions(options), warehouse: options.warehouse, pgPort, ...(httpPort === undefined ? {} : { httpPort }) });
    });

  program
    .command('demo')
    .description('create the demo warehouse (the four jobs of the guide, growing every tick) and serve it: what `npm start` runs')
    .option('-w, --warehouse <dir>', 'the demo warehouse folder (created when missing, reused otherwise)', 'demo-warehouse')
    .option('--pg-port <port>', 'PostgreSQL protocol port', '5433')
    .option('--http-port <port>', 'HTTP API and web console port', '8080')
    .option('--no-http', 'serve no HTTP')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--tick <seconds>', 'seconds between two growth steps', '10')
    .option('--password <password>', 'require this password (SCRAM-SHA-256) from every user')
    .option('--http-token <token>', 'require this bearer token on HTTP')
    .action(async (options: { warehouse: string; pgPort: string; httpPort: string; http: boolean; host: string; tick: string; password?: string; httpToken?: string }) => {
      const pgPort = portOption(options.pgPort, '--pg-port');
      const httpPort = options.http === false ? undefined : portOption(options.httpPort, '--http-port');
      const tick = Number(options.tick);
      if (!(tick > 0)) throw new UsageError(`--tick must be a positive number of seconds, not "${options.tick}"`);
      const { runDemo } = await import('./demo.js');
      const secrets = { ...(options.password === undefined ? {} : { password: options.password }), ...(options.httpToken === undefined ? {} : { httpToken: options.httpToken }) };
      await runDemo({ warehouse: options.warehouse, pgPort, host: options.host, tickMs: tick * 1000, ...secrets, ...(httpPort === undefined ? {} : { httpPort }) }, process.stdout, process.stderr);
    });

  program.argument('[command]').addHelpText('after', EXAMPLES);
  program.action((command: string | undefined) => {
    if (command === 'help') program.help();
    throw new UsageError(command === undefined ? 'missing command: query, serve or demo' : `unknown command '${command}'`);
  });
  return program;
}

const EXAMPLES = `
Examples:
  deltasql query --warehouse ./warehouse "SELECT * FROM trades VERSION AS OF 3 LIMIT 10"
  deltasql query -w ./warehouse --format json "SELECT ticker, close FROM prices"
  deltasql serve -w ./warehouse --pg-port 5433    # then: psql -h 127.0.0.1 -p 5433
  deltasql demo

Exit status: 0 on success, 1 when the statement fails, 2 on a usage error.`;

/** Ctrl-C cancels the running statement (it then fails with `57014`); a second one exits. */
function cancelOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

async function main(argv: readonly string[]): Promise<number> {
  tuneV8();
  // `deltasql query … | head` closes the pipe early: stop quietly, as other Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  try {
    await buildProgram().parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version, `deltasql help`
      process.stderr.write(formatError(new UsageError(err.message.replace(/^error:\s*/i, ''))) + '\n');
      return EXIT_USAGE;
    }
    process.stderr.write(formatError(err) + '\n');
    return exitCodeFor(err);
  }
}

const code = await main(process.argv);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Exit explicitly: worker threads or caches a lower layer keeps open must not hold the CLI.
process.exit(code);
