/**
 * The loader's side of assumptions: check every claim of a file against its
 * strategies and horizon (problems with their position inside the claim), and
 * expand the section into the Experiment's AssumptionsPlan.
 */
import { FormulaError } from './formula.ts';
import { compileClaim, type AssumptionsPlan, type ClaimContext } from './claim.ts';
import type { AssumptionsFile } from './claim-schema.ts';

export interface AssumptionProblem {
  /** Path in the file, e.g. ['assumptions', 'claims', 'pilot_wins', 'claim']. */
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Character offset inside the claim text. */
  offset?: number;
}

/** Problems in the raw `assumptions:` data (whatever the schema said about the rest). */
export function assumptionProblems(raw: unknown, context: ClaimContext): AssumptionProblem[] {
  const problems: AssumptionProblem[] = [];
  if (!isObj(raw)) return problems;
  if (typeof raw.rollouts === 'number' && typeof raw.budget === 'number' && raw.budget < raw.rollouts) {
    problems.push({ path: ['assumptions', 'budget'], message: `budget ${raw.budget} is below the starting rollouts (${raw.rollouts})`, hint: `raise budget to at least ${raw.rollouts}, or leave it out (default 4 × rollouts)` });
  }
  if (!isObj(raw.claims)) return problems;
  for (const [id, entry] of Object.entries(raw.claims)) {
    if (!isObj(entry) || typeof entry.claim !== 'string' || entry.claim.trim() === '') continue;
    try {
      compileClaim(entry.claim, context);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      problems.push({ path: ['assumptions', 'claims', id, 'claim'], message: err.message, hint: err.hint, offset: err.offset });
    }
  }
  return problems;
}

/** The section as the Experiment carries it (called on a file without problems). */
export function expandAssumptions(file: AssumptionsFile, context: ClaimContext): AssumptionsPlan {
  return {
    ...(file.rollouts !== undefined ? { rollouts: file.rollouts } : {}),
    ...(file.budget !== undefined ? { budget: file.budget } : {}),
    ...(file.batch !== undefined ? { batch: file.batch } : {}),
    ...(file.confidence !== undefined ? { confidence: file.confidence } : {}),
    assumptions: Object.entries(file.claims).map(([id, a]) => ({
      id,
      description: a.description,
      claim: a.claim,
      ...(a.confidence !== undefined ? { confidence: a.confidence } : {}),
      compiled: compileClaim(a.claim, context),
    })),
  };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
