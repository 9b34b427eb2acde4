/**
 * Exit codes and the one place errors become messages. Users see one clear
 * line per problem and never a stack trace, except for internal errors
 * (exit 3), whose stack appears with UPTAKE_DEBUG=1.
 */
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { ParameterError } from '../model/params.ts';
import { ScenarioError } from '../scenarios/errors.ts';
import { InputError } from '../errors.ts';

export const EXIT = {
  OK: 0,
  /** A run finished but one or more assumption checks failed. */
  ASSUMPTIONS_FAILED: 1,
  /** Bad scenario file, CSV, flag or usage. */
  BAD_INPUT: 2,
  /** A bug in uptake. */
  INTERNAL: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad flag or usage (exit 2): the command line's kind of InputError. `hint` says how to fix it. */
export class UsageError extends InputError {}

/** Something that should not happen (exit 3). */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export interface ErrorOutput {
  write(text: string): unknown;
}

/**
 * Ctrl-C and SIGTERM during a long command: the first calls `stop` and aborts `signal`, so the work ends
 * cleanly; a second exits at once. `exitCode` is then 128 + the signal's number, the shell's convention
 * (130 after Ctrl-C, 143 after SIGTERM). `dispose()` removes the handlers.
 */
export class Interrupts {
  exitCode: number = 128 + constants.signals.SIGINT;
  private readonly controller = new AbortController();
  private count = 0;
  private readonly handler = (signal: NodeJS.Signals): void => {
    this.exitCode = 128 + (constants.signals[signal] ?? constants.signals.SIGINT);
    if (++this.count > 1) process.exit(this.exitCode);
    this.stop?.();
    this.controller.abort();
  };

  constructor(private readonly stop?: () => void) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}

/**
 * Print `err` for a person and return the exit code. Errors that carry their own
 * `exitCode` (0..3) and a message are honoured too, so other modules need not
 * import this file to pick an exit code.
 */
export function handleError(err: unknown, out: ErrorOutput = process.stderr): ExitCode {
  if (err instanceof ScenarioError) {
    for (const line of err.lines()) out.write(`${line}\n`);
    if (err.diagnostics.length > 1) out.write(`${err.diagnostics.length} problems found.\n`);
    return EXIT.BAD_INPUT;
  }
  if (err instanceof InputError) {
    out.write(`error: ${err.message}${err.hint ? ` — ${err.hint}` : ''}\n`);
    return EXIT.BAD_INPUT;
  }
  if (err instanceof ParameterError) {
    out.write(`error: ${err.message}\n`);
    return EXIT.BAD_INPUT;
  }
  if (isNodeFileError(err)) {
    out.write(`error: ${fileErrorMessage(err)}\n`);
    return EXIT.BAD_INPUT;
  }
  const own = ownExitCode(err);
  if (own !== undefined && own !== EXIT.INTERNAL) {
    const e = err as Error & { hint?: string };
    out.write(`error: ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
    return own;
  }
  const message = err instanceof Error ? err.message : String(err);
  out.write(`internal error: ${message}\n`);
  if (process.env.UPTAKE_DEBUG === '1' && err instanceof Error && err.stack) {
    out.write(`${err.stack}\n`);
  } else {
    out.write('This is a bug in uptake. Run again with UPTAKE_DEBUG=1 for the stack trace, and report it.\n');
  }
  return EXIT.INTERNAL;
}

function ownExitCode(err: unknown): ExitCode | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { exitCode?: unknown }).exitCode;
  return code === 0 || code === 1 || code === 2 || code === 3 ? code : undefined;
}

type NodeFileError = Error & { code: string; path?: string; syscall?: string };

function isNodeFileError(err: unknown): err is NodeFileError {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EPERM'].includes(code);
}

function fileErrorMessage(err: NodeFileError): string {
  const path = err.path ?? 'file';
  switch (err.code) {
    case 'ENOENT':
      return `${path}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a directory, expected a file`;
    case 'ENOTDIR': {
      const file = fileOnPath(path);
      return file === undefined ? `${path}: a part of the path is not a directory` : file === path ? `${path}: is a file, not a folder` : `${path}: ${file} is a file, not a folder`;
    }
    case 'EEXIST':
      return `${path}: already exists`;
    default:
      return err.message;
  }
}

/** The first part of `path` that is a file, as written (so the message names what the user typed). */
function fileOnPath(path: string): string | undefined {
  const parts = path.split(/(?<=[\\/])/);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('').replace(/[\\/]$/, '');
    if (!prefix) continue;
    try {
      if (!statSync(prefix).isDirectory()) return prefix;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
