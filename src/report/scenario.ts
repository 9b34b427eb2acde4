/**
 * The scenario's fixed settings, for the report's assumptions section.
 * summary.json lists the uncertain assumptions but not the fixed ones; every
 * output folder holds experiment.json, the expanded experiment the run used,
 * so the report reads them from the folder alone: never from the scenario
 * file, which may have been edited or moved since (or was never copied here).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MECHANISM_DESCRIPTIONS, MECHANISM_NAMES, PARAMETER_SPECS, getPath } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { fileParamPath, toSnake } from '../scenarios/names.ts';
import type { RunSummary } from '../runner/summary.ts';

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
  /** missing: a folder written before experiment.json; unreadable: experiment.json damaged or of another run. */
  | { status: 'missing' | 'unreadable'; source: string };

export function scenarioSettings(dir: string, summary: RunSummary): ScenarioSettings {
  const source = summary.experiment.source;
  const file = join(dir, 'experiment.json');
  if (!existsSync(file)) return { status: 'missing', source };
  let experiment: Experiment;
  try {
    experiment = JSON.parse(readFileSync(file, 'utf8')) as Experiment;
  } catch {
    return { status: 'unreadable', source };
  }
  if (experiment.hash !== summary.experiment.hash || typeof experiment.params !== 'object') return { status: 'unreadable', source };
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
