/**
 * Scenario file -> Experiment. One pass collects every problem: YAML syntax,
 * then the schema (types, ranges, unknown fields, impossible distributions,
 * formula syntax), then checks across sections (department names, wave
 * numbers, horizon, shares that must add up). Each problem is located at its
 * line and column in the file and carries a hint. Only a file without
 * problems is expanded: built-in strategies into plans, formulas into Expr
 * trees and per-week tables, distributions into the experiment's uncertainties.
 *
 * The pipeline: source (YAML with positions) → schema, with diagnose turning
 * issues into messages → checks across sections → expand → hash; then the
 * plan warnings.
 */
import { readFile } from 'node:fs/promises';
import { crossChecks, claimContext } from './checks.ts';
import { checkForecast } from './forecast-block.ts';
import { checkExplore } from './explore-block.ts';
import { assumptionProblems } from './claim-expand.ts';
import { reportIssue } from './diagnose.ts';
import { ScenarioError, type Diagnostic } from './errors.ts';
import type { Experiment } from './experiment.ts';
import { expand } from './expand.ts';
import { planWarnings } from './plan-warnings.ts';
import { scenarioSchema, type ScenarioFile } from './schema.ts';
import { type HrGroupNames, LoadContext, showPath } from './source.ts';

export { applyOverrides, OverrideError, type ExperimentOverrides } from './hash.ts';

/** What a caller knows before loading: the group names of the scenario's HR file, read by the CLI. */
export interface LoadOptions {
  hrGroups?: HrGroupNames;
}

export async function loadScenario(path: string, options: LoadOptions = {}): Promise<Experiment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a scenario file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ScenarioError([{ file: path, line: 0, col: 0, path: '', message, hint: code === 'ENOENT' ? 'bundled scenarios are in scenarios/; `uptake init` writes a starter' : undefined }]);
  }
  return loadScenarioText(text, path, options);
}

/** Load and expand scenario text; `fileName` is used in messages and as the experiment's source. */
export function loadScenarioText(text: string, fileName: string, options: LoadOptions = {}): Experiment {
  return loadScenarioTextWithWarnings(text, fileName, options).experiment;
}

/** A scenario file and the warnings about plans that cannot work as written (src/scenarios/plan-warnings.ts). */
export async function loadScenarioWithWarnings(path: string, options: LoadOptions = {}): Promise<{ experiment: Experiment; warnings: Diagnostic[] }> {
  try {
    return loadScenarioTextWithWarnings(await readFile(path, 'utf8'), path, options);
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    // Unreadable files: the same message as loadScenario.
    return { experiment: await loadScenario(path, options), warnings: [] };
  }
}

export function loadScenarioTextWithWarnings(text: string, fileName: string, options: LoadOptions = {}): { experiment: Experiment; warnings: Diagnostic[] } {
  const context = new LoadContext(text, fileName, options.hrGroups);
  const data = context.parse();
  const result = scenarioSchema.safeParse(data, { reportInput: true });
  if (!result.success) for (const issue of result.error.issues) reportIssue(context, issue, []);
  crossChecks(context, data);
  if (data !== null && typeof data === 'object') checkForecast(context, data as Record<string, unknown>);
  if (data !== null && typeof data === 'object') checkExplore(context, data as Record<string, unknown>);
  // Claims are checked against this file's strategies and horizon (src/assumptions).
  for (const p of assumptionProblems((data as { assumptions?: unknown } | null)?.assumptions, claimContext(data))) context.at(p.path, p.message, p.hint, { offset: p.offset });
  context.throwIfProblems();
  const experiment = expand(context, result.data as ScenarioFile);
  context.throwIfProblems();
  const custom = new Set(Object.entries((result.data as ScenarioFile).strategies).filter(([, st]) => st.type === 'custom').map(([id]) => id));
  const warnings = planWarnings(experiment, custom).map((w) => ({ file: fileName, ...context.locate(w.path), path: showPath(w.path), message: w.message, hint: w.hint }));
  return { experiment, warnings };
}
