/**
 * Problems found in a scenario file. The loader collects every problem in one
 * pass and throws a single ScenarioError carrying all of them, so an author
 * fixes a file in one round instead of one error per run.
 */

export interface Diagnostic {
  /** File as the user named it (or `<text>` for in-memory scenarios). */
  file: string;
  /** 1-based line and column; 0 when the position is unknown. */
  line: number;
  col: number;
  /** Dotted field path in the YAML, e.g. `strategies.pilot.options.pilot_share`; '' for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** `file:line:col field.path: what is wrong — hint` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const field = d.path ? ` ${d.path}:` : '';
  const hint = d.hint ? ` — ${d.hint}` : '';
  return `${where}${field} ${d.message}${hint}`;
}

export class ScenarioError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const sorted = [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const count = sorted.length;
    super(count === 1 ? formatDiagnostic(sorted[0]!) : `${count} problems:\n${sorted.map(formatDiagnostic).join('\n')}`);
    this.name = 'ScenarioError';
    this.diagnostics = sorted;
  }

  /** One line per problem, sorted by position. */
  lines(): string[] {
    return this.diagnostics.map(formatDiagnostic);
  }
}
