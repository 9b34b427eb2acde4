/**
 * The `forecast:` section of a scenario file: which strategy is in progress, where its telemetry is,
 * what to calibrate (with its priors), the ways forward to compare, and the ABC-SMC settings.
 * The zod schema is part of the one schema (src/scenarios/schema.ts); the checks against the
 * strategies and uncertainties run on the raw data (checkForecast) so that every problem is
 * reported in one pass; expandForecast turns it into the experiment's ForecastPlan.
 */
import { isAbsolute, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { PARAMETER_SPECS } from '../model/params.ts';
import type { Distribution, ForecastAlternative, ForecastPlan, Uncertainty } from './experiment.ts';
import { closest, listWords } from './names.ts';
import { LoadContext } from './source.ts';

/** What a telemetry column is compared with: docs/forecast.md, "Telemetry file". */
export const FORECAST_METRICS = ['with_access', 'active', 'posters', 'posts'] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];
/** The way forward that keeps the plan in progress. */
export const CONTINUE = 'continue';

export const FORECAST_DEFAULTS = {
  particles: 200,
  budget: 20_000,
  generations: 6,
  quantile: 0.5,
  acceptanceFloor: 0.02,
  targetTolerance: 0,
  minShrink: 0.02,
  organisations: 8,
  metrics: { active: 1, posters: 1 } as Partial<Record<ForecastMetric, number>>,
} as const;

const ID = /^[a-z][a-z0-9_]*$/;

export const forecastSchema = z
  .strictObject({
    in_progress: z.string().regex(ID).meta({ description: 'The strategy that has been running (one of strategies:): what happened up to the last observed week.' }),
    telemetry: z.string().min(1).optional().meta({ description: 'The pilot\'s weekly telemetry, a CSV file relative to the scenario (docs/forecast.md). `uptake forecast --telemetry` overrides it.' }),
    parameters: z.record(z.string(), z.unknown()).optional().meta({ description: 'Parameters to calibrate with their priors, `section.parameter: distribution` as in uncertainties:. Default: the scenario\'s uncertainties (other than choices).' }),
    alternatives: z.array(z.string().regex(ID)).min(1).optional().meta({ description: `Ways forward compared from the week after the last observed one: \`${CONTINUE}\` (the plan in progress goes on) or any strategy of the file, applied from then on. Default: ${CONTINUE} and every other strategy.` }),
    particles: z.number().int().min(20).max(100_000).optional().meta({ description: `Particles per generation (and forecast rollouts). Default ${FORECAST_DEFAULTS.particles}; \`--particles\` overrides it.` }),
    budget: z.number().int().min(20).max(100_000_000).optional().meta({ description: `Most simulations the calibration may run. Default ${FORECAST_DEFAULTS.budget}; \`--budget\` overrides it.` }),
    generations: z.number().int().min(1).max(100).optional().meta({ description: `Most generations. Default ${FORECAST_DEFAULTS.generations}.` }),
    quantile: z.number().gt(0).lt(1).optional().meta({ description: `Each generation's tolerance: this quantile of the previous generation's distances. Default ${FORECAST_DEFAULTS.quantile} (the median).` }),
    acceptance_floor: z.number().gt(0).lt(1).optional().meta({ description: `Stop when fewer than this share of a generation's simulations are accepted. Default ${FORECAST_DEFAULTS.acceptanceFloor}.` }),
    target_tolerance: z.number().min(0).optional().meta({ description: 'Stop once the tolerance is at or below this distance (in median absolute deviations). Default 0: none.' }),
    min_shrink: z.number().min(0).lt(1).optional().meta({ description: `Stop when the tolerance shrinks by less than this share from one generation to the next. Default ${FORECAST_DEFAULTS.minShrink}.` }),
    organisations: z.number().int().min(1).max(1000).optional().meta({ description: `Organisations drawn for the client (the network is not known): each simulation uses one of them. Default ${FORECAST_DEFAULTS.organisations}.` }),
    metrics: z.partialRecord(z.enum(FORECAST_METRICS), z.number().min(0)).optional().meta({ description: 'Telemetry columns in the distance, with their weights, e.g. {active: 1, posters: 0.5}. Default {active: 1, posters: 1}, and posts: 1 when the file has posts.' }),
  })
  .meta({ description: 'Forecast from a running pilot: `uptake forecast` calibrates the model on the telemetry of the strategy in progress and forecasts each way forward (docs/forecast.md).' });

export type ForecastFile = z.infer<typeof forecastSchema>;

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks against the rest of the file: the strategies named exist, parameters are model parameters with distributions. */
export function checkForecast(ctx: LoadContext, data: Raw): void {
  const f = data.forecast;
  if (!isObj(f)) return;
  const strategies = isObj(data.strategies) ? Object.keys(data.strategies) : [];
  const known = (name: unknown, path: (string | number)[], allowContinue: boolean): void => {
    if (typeof name !== 'string' || !ID.test(name)) return; // the schema says so
    if (allowContinue && name === CONTINUE) return;
    if (strategies.includes(name)) return;
    const near = closest(name, strategies);
    ctx.at(path, `no strategy "${name}" in this file`, near ? `did you mean ${near}? (strategies: ${listWords(strategies)})` : `name one of the strategies: ${listWords(strategies)}${allowContinue ? `, or ${CONTINUE}` : ''}`);
  };
  known(f.in_progress, ['forecast', 'in_progress'], false);
  if (Array.isArray(f.alternatives)) {
    const seen = new Set<string>();
    f.alternatives.forEach((a, i) => {
      known(a, ['forecast', 'alternatives', i], true);
      if (typeof a === 'string' && seen.has(a)) ctx.at(['forecast', 'alternatives', i], `${a} is listed twice`, 'list each way forward once');
      if (typeof a === 'string') seen.add(a);
    });
  }
  if (isObj(f.parameters)) {
    for (const [key, raw] of Object.entries(f.parameters)) {
      const kind = isObj(raw) ? Object.keys(raw)[0] : undefined;
      if (typeof raw === 'number' || kind === 'fixed') ctx.at(['forecast', 'parameters', key], `${key} is given one value: there is nothing to calibrate`, 'give a prior distribution, e.g. {uniform: [0.1, 0.5]}, or leave it out');
      else if (kind === 'choice') ctx.at(['forecast', 'parameters', key], `${key} is a choice: a list of values cannot be calibrated here`, 'give a range such as {uniform: [low, high]}, or leave it out (it is then drawn for every simulation)');
    }
  }
  if (isObj(f.metrics) && Object.values(f.metrics).every((w) => w === 0)) ctx.at(['forecast', 'metrics'], 'every metric has weight 0: the distance would be 0 for every simulation', 'give at least one metric a weight above 0, e.g. {active: 1}');
}

/**
 * The ForecastPlan of a checked file. `priors` are the file's forecast parameters already turned into
 * distributions (by the same code as uncertainties:), or undefined to calibrate the uncertainties.
 */
export function expandForecast(
  file: ForecastFile, source: string, strategyIds: string[], strategyLabels: string[], uncertainties: Uncertainty[], priors: Map<string, Distribution> | undefined,
): ForecastPlan {
  const inProgress = strategyIds.indexOf(file.in_progress);
  const names = file.alternatives ?? [CONTINUE, ...strategyIds.filter((id) => id !== file.in_progress)];
  const alternatives = names.map((name): ForecastAlternative => name === CONTINUE
    ? { name, label: `Continue: ${strategyLabels[inProgress]}`, strategy: inProgress, continues: true }
    : { name, label: strategyLabels[strategyIds.indexOf(name)]!, strategy: strategyIds.indexOf(name), continues: false });
  const parameters = priors
    ? PARAMETER_SPECS.filter((s) => priors.has(s.path)).map((s) => ({ path: s.path, distribution: priors.get(s.path)! }))
    : uncertainties.filter((u) => u.distribution.kind !== 'choice' && u.distribution.kind !== 'fixed');
  return {
    inProgress,
    ...(file.telemetry ? { telemetry: isAbsolute(file.telemetry) ? file.telemetry : resolve(dirname(source), file.telemetry) } : {}),
    parameters,
    alternatives,
    particles: file.particles ?? FORECAST_DEFAULTS.particles,
    budget: file.budget ?? FORECAST_DEFAULTS.budget,
    generations: file.generations ?? FORECAST_DEFAULTS.generations,
    quantile: file.quantile ?? FORECAST_DEFAULTS.quantile,
    acceptanceFloor: file.acceptance_floor ?? FORECAST_DEFAULTS.acceptanceFloor,
    targetTolerance: file.target_tolerance ?? FORECAST_DEFAULTS.targetTolerance,
    minShrink: file.min_shrink ?? FORECAST_DEFAULTS.minShrink,
    organisations: file.organisations ?? FORECAST_DEFAULTS.organisations,
    ...(file.metrics ? { metrics: file.metrics } : {}),
  };
}
