/**
 * The `uptake` command line. Each command lives in src/cli/commands/<name>.ts
 * and exports `register(program)`. Errors from any command end up in
 * handleError (src/cli/errors.ts), which prints them for a person and picks
 * the exit code: 0 ok, 1 assumption failures, 2 bad input or usage, 3 internal
 * (130 and 143 after Ctrl-C and SIGTERM, from Interrupts).
 *
 * Commands signal a non-zero exit by throwing (UsageError, ScenarioError, or
 * any Error with an `exitCode`), or by setting `process.exitCode` (e.g. 1 when
 * assumption checks fail). Write results to stdout, everything else to stderr.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode, handleError } from './errors.ts';
import { uptakeVersion } from './version.ts';
import * as validateCommand from './commands/validate.ts';
import * as initCommand from './commands/init.ts';
import * as schemaCommand from './commands/schema.ts';
// ── Other engineers: import your command module here, e.g.
// import * as runCommand from './commands/run.ts';
// import * as mergeCommand from './commands/merge.ts';
// import * as reportCommand from './commands/report.ts';
// import * as testCommand from './commands/test.ts';
import * as runCommand from './commands/run.ts';
import * as mergeCommand from './commands/merge.ts';
import * as reportCommand from './commands/report.ts';
import * as testCommand from './commands/test.ts';
import * as bassCommand from './commands/bass.ts';

interface CommandModule {
  register(program: Command): void;
}

/** Registration order is the order `uptake --help` lists the commands in. */
const COMMANDS: CommandModule[] = [
  // ── Other engineers: add your module here, e.g. runCommand, mergeCommand, reportCommand, testCommand.
  runCommand,
  mergeCommand,
  reportCommand,
  testCommand,
  bassCommand,
  validateCommand,
  initCommand,
  schemaCommand,
];

export function createProgram(): Command {
  const program = new Command('uptake');
  program
    .description('Simulate how a collaboration platform spreads through an organisation, and compare rollout strategies.')
    .version(uptakeVersion(), '-V, --version', 'print the uptake version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 assumption checks failed, 2 bad input or usage, 3 internal error,\n130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM (finished rollouts are kept).\nRun `uptake <command> --help` for a command\'s flags. Documentation: docs/cli.md',
    );
  for (const module of COMMANDS) module.register(program);
  configureAll(program);
  return program;
}

/** Commander settings every (sub)command needs, applied after registration so none is missed. */
function configureAll(command: Command): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    // Parse errors are printed by main() in uptake's own style.
    outputError: () => {},
  });
  for (const sub of command.commands) configureAll(sub);
}

/** Run the CLI on `argv` (without node and script) and return the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<ExitCode> {
  let program: Command;
  try {
    program = createProgram();
  } catch (err) {
    return handleError(err);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err, program, argv);
    return handleError(err);
  }
  const code = process.exitCode;
  return typeof code === 'number' && code >= 0 && code <= 3 ? (code as ExitCode) : EXIT.OK;
}

/** Commander's own errors (unknown command or flag, missing argument) as one line plus a hint. */
function commanderExit(err: CommanderError, program: Command, argv: string[]): ExitCode {
  switch (err.code) {
    case 'commander.helpDisplayed':
    case 'commander.version':
      return EXIT.OK;
    case 'commander.help':
      // `uptake help <command>` asked for help (0); `uptake` alone printed it on stderr as a usage error (2).
      return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    default: {
      const sub = program.commands.find((c) => argv.includes(c.name()));
      const helpCmd = sub ? `uptake ${sub.name()} --help` : 'uptake --help';
      const [line, ...rest] = err.message.replace(/^error: /, '').split('\n');
      const first = line!.replace(/\.$/, '');
      const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/);
      const hint = suggestion ? `did you mean ${suggestion[1]}? (see \`${helpCmd}\`)` : `see \`${helpCmd}\``;
      process.stderr.write(`error: ${first} — ${hint}\n`);
      return EXIT.BAD_INPUT;
    }
  }
}

const entry = process.argv[1] ?? '';
if (/(^|[\\/])(uptake(\.js)?|main\.ts)$/.test(entry)) {
  // `uptake --help | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = handleError(err);
    },
  );
}
