/**
 * Problems of a file listed one by one up to a number per kind, then one line for the rest of each kind:
 * a broken export of 300,000 rows gets a readable list, not 300,000 lines. Shared by the HR export and the
 * collaboration network readers.
 */
import type { Diagnostic } from '../scenarios/errors.ts';

export class ProblemCaps {
  private readonly counts = new Map<string, { shown: number; more: number; firstMore: number }>();

  constructor(
    private readonly file: string,
    private readonly maxPerKind: number,
    /** Each kind in words, for the summary line: `an unknown manager`. */
    private readonly kindText: Readonly<Record<string, string>>,
  ) {}

  /** Whether a problem of `kind` at `line` is listed; one that is not is counted for the summary. */
  admit(kind: string, line: number): boolean {
    const count = this.counts.get(kind) ?? { shown: 0, more: 0, firstMore: 0 };
    this.counts.set(kind, count);
    if (count.shown >= this.maxPerKind) {
      if (count.more++ === 0) count.firstMore = line;
      return false;
    }
    count.shown++;
    return true;
  }

  /** Whether any problem of `kind` occurred. */
  has(kind: string): boolean {
    return this.counts.has(kind);
  }

  /** One line per kind with problems beyond the cap, at the first line left out. */
  summaries(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [kind, count] of this.counts) {
      if (count.more === 0) continue;
      out.push({ file: this.file, line: count.firstMore, col: 1, path: '', message: `and ${count.more} more line${count.more === 1 ? '' : 's'} with ${this.kindText[kind]}`, hint: `only the first ${this.maxPerKind} of each kind of problem are listed one by one` });
    }
    return out;
  }
}
