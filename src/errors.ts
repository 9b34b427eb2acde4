/**
 * The one kind of bad-input error: a file, a flag, a folder or a value the
 * user can fix. Every layer throws it (or a subclass naming what was bad);
 * src/cli prints its message and hint and exits 2. Lives at the bottom of the
 * house so that no layer needs to import src/cli to report bad input.
 */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** How to fix it, printed after " — ". */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
