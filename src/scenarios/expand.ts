/**
 * A valid scenario file expanded into the Experiment the runner runs: defaults
 * filled in, built-in strategies into plans, formulas into Expr trees and
 * per-week tables, distributions into uncertainties.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { PARAMETER_SPECS, defaultParams, validateParams, ParameterError, setPath, type ModelParams, type ParamSpec } from '../model/params.ts';
import { conditionVariableNames, waveCountOf, type Expr, type Intervention, type StrategyPlan, type GroupTarget, type Target, type PilotSelection, type WavePlan } from '../model/plan.ts';
import { PHASED_PILOT_DEFAULTS, builtinStrategy, type BuiltinStrategyName } from '../model/strategies.ts';
import { withInterventionDefaults } from '../model/intervention-types.ts';
import { centre, toDistribution } from './distributions.ts';
import type { Distribution, Experiment, ForecastPlan, Uncertainty } from './experiment.ts';
import type { ClaimContext } from './claim.ts';
import { compileFormula, scheduleTable } from './formula.ts';
import { fileParamPath, toCamel } from './names.ts';
import { expandAssumptions } from './claim-expand.ts';
import { expandForecast } from './forecast-block.ts';
import { expandExplore } from './explore-block.ts';
import { DEFAULT_ROLLOUTS, DEFAULT_SEED, SECTIONS, type InterventionFile, type ScenarioFile, type StrategyFile } from './schema.ts';
import { LoadContext } from './source.ts';
import { SPEC_BY_FILE_PATH } from './diagnose.ts';
import { experimentHash } from './hash.ts';

// ── Expansion into an Experiment ──────────────────────────────────────────────

export function expand(ctx: LoadContext, file: ScenarioFile): Experiment {
  const params = defaultParams();
  const horizon = file.horizon ?? params.weeks;
  params.weeks = horizon;
  if (file.network) params.network = file.network;
  const uncertain = new Map<string, Distribution>();

  const setParam = (spec: ParamSpec, raw: unknown): void => {
    if (raw === undefined) return;
    if (typeof raw === 'number') {
      setPath(params, spec.path, raw);
      return;
    }
    const d = toDistribution(raw);
    if (!d) return;
    uncertain.set(spec.path, d);
    // The nominal value (reports, validation) is the distribution's centre.
    const c = centre(d);
    setPath(params, spec.path, spec.integer ? Math.round(c) : c);
  };

  let departmentNames: { name: string; share: number }[] | undefined;
  for (const section of SECTIONS) {
    const values = (file as Record<string, unknown>)[section] as Record<string, unknown> | undefined;
    if (!values) continue;
    for (const [key, raw] of Object.entries(values)) {
      // The HR file is read by the CLI (src/cli/scenario.ts), not here: the loader only records where it is.
      if (section === 'organisation' && (key === 'from' || key === 'columns' || key === 'network')) continue;
      if (section === 'organisation' && key === 'departments' && Array.isArray(raw)) {
        const list = raw as { name: string; share?: number; size?: number }[];
        const total = list.reduce((s, d) => s + (d.share ?? d.size ?? 0), 0);
        departmentNames = list.map((d) => ({ name: d.name, share: (d.share ?? d.size ?? 0) / total }));
        params.organisation.departments = list.length;
        params.organisation.departmentShares = departmentNames.map((d) => d.share);
        if (values.employees === undefined && list.every((d) => d.size !== undefined)) params.organisation.employees = total;
        continue;
      }
      const spec = SPEC_BY_FILE_PATH.get(`${section}.${key}`);
      if (spec) setParam(spec, raw);
    }
  }
  for (const [key, raw] of Object.entries(file.uncertainties ?? {})) {
    const spec = SPEC_BY_FILE_PATH.get(key);
    if (spec) setParam(spec, raw);
  }
  const outcomes = (file as Record<string, unknown>).outcomes as Record<string, unknown> | undefined;
  if (outcomes?.sustained_weeks === undefined && (file.uncertainties as Record<string, unknown> | undefined)?.['outcomes.sustained_weeks'] === undefined) {
    params.outcomes.sustainedWeeks = Math.min(params.outcomes.sustainedWeeks, horizon);
  }
  for (const [key, on] of Object.entries(file.mechanisms ?? {})) {
    if (typeof on === 'boolean') (params.mechanisms as unknown as Record<string, boolean>)[toCamel(key)] = on;
  }
  try {
    validateParams(params);
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    const specPath = fileParamPath(err.path).split('.');
    ctx.at(specPath, err.message.replace(`${err.path}: `, ''), 'check the values this parameter depends on');
  }

  // Uncertainties are drawn in PARAMETER_SPECS order, wherever the file declares them.
  const uncertainties: Uncertainty[] = PARAMETER_SPECS.filter((s) => uncertain.has(s.path)).map((s) => ({ path: s.path, distribution: uncertain.get(s.path)! }));

  const indexOf = (names: readonly string[] | undefined) => new Map((names ?? []).map((name, i) => [name, i]));
  const groups: GroupIndex = {
    departments: indexOf(departmentNames?.map((d) => d.name) ?? ctx.hrGroups?.departments),
    locations: indexOf(ctx.hrGroups?.locations),
    levels: indexOf(ctx.hrGroups?.levels),
  };
  const strategies: StrategyPlan[] = [];
  for (const [id, strategy] of Object.entries(file.strategies)) {
    strategies.push(expandStrategy(id, strategy, horizon, groups));
  }

  const forecast = file.forecast ? expandForecast(file.forecast, ctx.file, Object.keys(file.strategies), strategies.map((s) => s.label ?? s.name), uncertainties, forecastPriors(file.forecast.parameters)) : undefined;
  const experiment: Experiment = {
    name: file.name,
    ...(file.label !== undefined ? { label: file.label } : {}),
    ...(file.description !== undefined ? { description: file.description } : {}),
    ...(file.currency !== undefined ? { currency: file.currency } : {}),
    source: ctx.file,
    hash: '',
    seed: file.seed ?? DEFAULT_SEED,
    rollouts: file.rollouts ?? DEFAULT_ROLLOUTS,
    params,
    uncertainties,
    strategies,
    ...(departmentNames ? { departments: departmentNames } : {}),
    ...organisationSourceOf(file, ctx.file),
    ...(forecast ? { forecast } : {}),
    ...(file.explore ? { explore: expandExplore(file.explore, Object.keys(file.strategies), file.strategies as Record<string, unknown>) } : {}),
    ...(file.assumptions ? { assumptions: expandAssumptions(file.assumptions, claimContextOf(strategies, horizon, forecast)) } : {}),
  };
  experiment.hash = experimentHash(experiment);
  return experiment;
}

/** Where the scenario's organisation comes from, when it names an HR file: resolved against the scenario's folder. */
function organisationSourceOf(file: ScenarioFile, source: string): Pick<Experiment, 'organisationSource'> {
  type Columns = Record<string, string | undefined>;
  const o = (file as { organisation?: { from?: string; columns?: Columns; network?: { from: string; columns?: Columns; max_strength?: number } } }).organisation;
  if (o?.from === undefined) return {};
  const given = (c: Columns | undefined) => {
    const columns = Object.fromEntries(Object.entries(c ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
    return Object.keys(columns).length > 0 ? { columns } : {};
  };
  const path = (p: string) => (isAbsolute(p) ? p : resolve(dirname(source), p));
  const n = o.network;
  const network = n ? { network: { file: path(n.from), ...given(n.columns), ...(n.max_strength !== undefined ? { maxStrength: n.max_strength } : {}) } } : {};
  return { organisationSource: { file: path(o.from), ...given(o.columns), ...network } };
}

/** What claims may name: the strategies, their waves, and the forecast's alternatives (with their plans' waves); also `uptake explore --discover`. */
export function claimContextOf(strategies: StrategyPlan[], weeks: number, forecast: ForecastPlan | undefined): ClaimContext {
  const waves = Object.fromEntries(strategies.map((s) => [s.name, waveCountOf(s)]));
  if (!forecast) return { strategies: strategies.map((s) => s.name), weeks, waves };
  return {
    strategies: strategies.map((s) => s.name),
    weeks,
    waves,
    forecast: {
      alternatives: forecast.alternatives.map((a) => a.name),
      inProgress: strategies[forecast.inProgress]!.name,
      waves: Object.fromEntries(forecast.alternatives.map((a) => [a.name, waveCountOf(strategies[a.strategy]!)])),
    },
  };
}

/** The forecast's priors by model path, or undefined to calibrate the uncertainties. */
function forecastPriors(raw: Record<string, unknown> | undefined): Map<string, Distribution> | undefined {
  if (!raw) return undefined;
  const priors = new Map<string, Distribution>();
  for (const [key, value] of Object.entries(raw)) {
    const spec = SPEC_BY_FILE_PATH.get(key);
    const d = toDistribution(value);
    if (spec && d) priors.set(spec.path, d);
  }
  return priors;
}

function camelKeys(options: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options ?? {}).map(([k, v]) => [toCamel(k), v]));
}

function titleCase(id: string): string {
  const words = id.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Each kind of named group's names, numbered as the model numbers them. */
interface GroupIndex {
  departments: Map<string, number>;
  locations: Map<string, number>;
  levels: Map<string, number>;
}

function expandStrategy(id: string, s: StrategyFile, horizon: number, groups: GroupIndex): StrategyPlan {
  const extra = (s.interventions ?? []).map((i) => expandIntervention(i as InterventionFile, horizon, groups));
  if (s.type === 'custom') {
    const plan: StrategyPlan = { name: id, label: s.label ?? titleCase(id), interventions: extra };
    if (s.waves) {
      const named = s.waves.pilot ? namedWaves(s.waves.pilot, Array.isArray(s.waves.waves) ? s.waves.waves : [], groups) : undefined;
      const waves = Array.isArray(s.waves.waves) ? s.waves.waves.length : (s.waves.waves ?? 0);
      // A named pilot has no share or rule; the defaults stand in, unused, so every plan has the same fields.
      plan.waves = { pilotShare: s.waves.pilot_share ?? PHASED_PILOT_DEFAULTS.pilotShare, selection: (s.waves.selection ?? 'volunteers') as PilotSelection, waves, ...(named ? { named } : {}) };
    }
    return plan;
  }
  const options = 'options' in s ? camelKeys(s.options as Record<string, unknown> | undefined) : {};
  const named = 'pilot' in s && s.pilot ? namedWaves(s.pilot, s.waves ?? [], groups) : undefined;
  if (named && named.waves.length > 0) options.waves = named.waves.length;
  const plan = builtinStrategy(s.type as BuiltinStrategyName, options, id);
  if (named && plan.waves) plan.waves = { ...plan.waves, named };
  return { ...plan, label: s.label ?? plan.label ?? titleCase(id), interventions: [...plan.interventions, ...extra] };
}

type GroupFile = { departments?: (string | number)[]; locations?: string[]; levels?: string[] };

function namedWaves(pilot: GroupFile, waves: (GroupFile | (string | number)[])[], groups: GroupIndex): NonNullable<WavePlan['named']> {
  return { pilot: expandGroup(pilot, groups), waves: waves.map((w) => expandGroup(Array.isArray(w) ? { departments: w } : w, groups)) };
}

/** A group the checks have found to exist: names become the model's numbers. */
function expandGroup(g: GroupFile, groups: GroupIndex): GroupTarget {
  if (g.locations) return { kind: 'locations', locations: g.locations.map((name) => groups.locations.get(name)!) };
  if (g.levels) return { kind: 'levels', levels: g.levels.map((name) => groups.levels.get(name)!) };
  return { kind: 'departments', departments: (g.departments ?? []).map((d) => (typeof d === 'number' ? d : groups.departments.get(String(d))!)) };
}

function expandIntervention(i: InterventionFile, horizon: number, groups: GroupIndex): Intervention {
  const raw = i as Record<string, unknown>;
  // Built field by field from a file the schema has checked, so typed loosely until it is whole.
  const out: Record<string, unknown> & Partial<Intervention> = { type: raw.type as Intervention['type'] };
  if (typeof raw.when === 'string') {
    out.when = compileFormula(raw.when, { variables: conditionVariableNames(100), kind: 'condition', anyWave: true }) as Expr;
    out.whenText = raw.when;
    if (typeof raw.deadline === 'string') {
      out.deadline = compileFormula(raw.deadline, { variables: conditionVariableNames(100), kind: 'condition', anyWave: true }) as Expr;
      out.deadlineText = raw.deadline;
    }
  }
  if (typeof raw.at === 'number') out.at = raw.at;
  else if (out.when === undefined) out.at = 0;
  out.target = expandTarget(raw.target, groups);
  for (const key of ['strength', 'count', 'share', 'weeks', 'relief', 'competition'] as const) {
    if (typeof raw[key] === 'number') out[key] = raw[key] as number;
  }
  if (typeof raw.decision === 'string') out.decision = raw.decision;
  if (typeof raw.free === 'boolean') out.free = raw.free;
  if (typeof raw.capacity === 'number') out.capacity = raw.capacity;
  else if (typeof raw.capacity === 'string') out.capacity = scheduleTable(raw.capacity, horizon);
  // Defaults filled in here too, so experiment.json shows every value the simulation will use.
  return withInterventionDefaults(out as Intervention);
}

function expandTarget(raw: unknown, groups: GroupIndex): Target {
  if (raw === undefined || raw === 'all') return { kind: 'all' };
  if (raw === 'pilot') return { kind: 'wave', wave: 0 };
  const t = raw as Record<string, unknown>;
  if (typeof t.wave === 'number') return { kind: 'wave', wave: t.wave };
  if (Array.isArray(t.departments) || Array.isArray(t.locations) || Array.isArray(t.levels)) return expandGroup(t as GroupFile, groups);
  if (typeof t.share === 'number') return { kind: 'share', share: t.share };
  if (typeof t.enthusiasts === 'number') return { kind: 'enthusiasts', share: t.enthusiasts };
  return { kind: 'all' };
}
