/** Warnings about a scenario's plans, as printed by `validate` and `run` (stderr; the exit code is unchanged). */
import { type Diagnostic, formatDiagnostic } from '../scenarios/errors.ts';
import { paint } from './format.ts';

export function warningLines(warnings: readonly Diagnostic[], colour: boolean): string {
  return warnings.map((w) => `${paint('warning', 'yellow', colour)}: ${formatDiagnostic(w)}\n`).join('');
}
