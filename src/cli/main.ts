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
import { uptakeVersion } from '../version.ts';
import * as validateCommand from './commands/validate.ts';
import * as initCommand from './commands/init.ts';
import * as schemaCommand from './commands/schema.ts';
import * as compareCommand from './commands/compare.ts';
import * as runCommand from './commands/run.ts';
import * as mergeCommand from './commands/merge.ts';
import * as reportCommand from './commands/report.ts';
import * as testCommand from './commands/test.ts';
import * as bassCommand from './commands/bass.ts';
import * as forecastCommand from './commands/forecast.ts';
import * as exploreCommand from './commands/explore.ts';
import * as orgCommand from './commands/org.ts';

interface CommandModule {
  register(program: Command): void;
}

/** Registration order is the order `uptake --help` lists the commands in. */
const COMMANDS: CommandModule[] = [
  runCommand,
  mergeCommand,
  reportCommand,
  testCommand,
  compareCommand,
  exploreCommand,
  forecastCommand,
  bassCommand,
  orgCommand,
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

/**
 * Whether commander's "did you mean" is worth saying: its similarity is
 * loose (it offered --rollout for --colour). Keep it only within an edit
 * distance of a third of the word (at least 1), counting a swap as one edit.
 */
function close(typed: string, suggested: string): boolean {
  const a = typed.replace(/^-+/, '');
  const b = suggested.replace(/^-+/, '');
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]! <= Math.max(1, Math.floor(a.length / 3));
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
      const unknown = /'([^']+)'/.exec(first)?.[1] ?? '';
      const hint = /^--?(no-)?colou?rs?$/.test(unknown)
        ? `colour is on for a terminal and off in a pipe; set NO_COLOR=1 to turn it off (see \`${helpCmd}\`)`
        : suggestion && close(unknown, suggestion[1]!) ? `did you mean ${suggestion[1]}? (see \`${helpCmd}\`)` : `see \`${helpCmd}\``;
      process.stderr.write(`error: ${first} — ${hint}\n`);
      return EXIT.BAD_INPUT;
    }
  }
}

const entry = process.argv[1] ?? '';
if (/(^|[\\/])(uptake(\.js)?|main\.[jt]s)$/.test(entry)) {
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
