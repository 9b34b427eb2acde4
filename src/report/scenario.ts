/**
 * The scenario's fixed settings, for the report's assumptions section.
 * summary.json lists the uncertain assumptions but not the fixed ones, so we
 * reload the scenario file named in the summary, and use it only when it still
 * produces the very experiment that was run (same hash once the run's seed and
 * rollouts are applied): a report never shows settings from an edited file.
 */
import { existsSync } from 'node:fs';
import { MECHANISM_DESCRIPTIONS, MECHANISM_NAMES, PARAMETER_SPECS, getPath } from '../model/index.ts';
import { applyOverrides, loadScenario } from '../scenarios/load.ts';
import { fileParamPath, toSnake } from '../scenarios/names.ts';
import type { RunSummary } from './model.ts';

/** The organisation's size is worth stating even when the scenario keeps the default. */
const ALWAYS_SHOWN = new Set(['organisation.employees', 'organisation.departments']);

export interface Setting {
  path: string;
  description: string;
  value: number;
  default: number;
  unit?: string;
}

export type ScenarioSettings =
  | { status: 'matched'; source: string; settings: Setting[]; mechanismsOff: { name: string; description: string }[] }
  | { status: 'missing' | 'changed' | 'unreadable'; source: string };

export async function scenarioSettings(summary: RunSummary): Promise<ScenarioSettings> {
  const source = summary.experiment.source;
  if (!source || !existsSync(source)) return { status: 'missing', source };
  let experiment;
  try {
    experiment = applyOverrides(await loadScenario(source), { rollouts: summary.experiment.rollouts, seed: summary.experiment.seed });
  } catch {
    return { status: 'unreadable', source };
  }
  if (experiment.hash !== summary.experiment.hash) return { status: 'changed', source };
  // fileParamPath leaves the file's names as they are and turns older folders' ModelParams paths into them.
  const uncertain = new Set(summary.uncertainties.map((u) => fileParamPath(u.path)));
  const settings: Setting[] = [];
  for (const spec of PARAMETER_SPECS) {
    if (uncertain.has(fileParamPath(spec.path))) continue;
    const value = getPath(experiment.params, spec.path);
    if (typeof value === 'number' && (value !== spec.default || ALWAYS_SHOWN.has(spec.path))) {
      settings.push({ path: fileParamPath(spec.path), description: spec.description, value, default: spec.default, unit: spec.unit });
    }
  }
  const mechanismsOff = MECHANISM_NAMES.filter((m) => getPath(experiment.params, `mechanisms.${m}`) === false).map((m) => ({ name: toSnake(m), description: MECHANISM_DESCRIPTIONS[m] }));
  return { status: 'matched', source, settings, mechanismsOff };
}
