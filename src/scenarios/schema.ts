/**
 * The scenario file format, defined once with zod. The same definition types
 * the loader (ScenarioFile), validates files, and generates
 * schema/scenario.schema.json for editor completion (`uptake schema`,
 * `npm run schema`). Parameter sections are generated from PARAMETER_SPECS, so
 * every numeric model parameter is settable, with its range and meaning.
 *
 * Checks that need no context live here as refinements (impossible
 * distributions, formula syntax); checks across sections (department names,
 * wave numbers, horizon) live in load.ts.
 */
import { z } from 'zod';
import { MECHANISM_DESCRIPTIONS, MECHANISM_NAMES, PARAMETER_SPECS, type ParamSpec } from '../model/params.ts';
import { INTERVENTION_TYPES, PILOT_SELECTIONS, conditionVariableNames, type InterventionType } from '../model/plan.ts';
import { INTERVENTION_SPECS, type InterventionField } from '../model/intervention-types.ts';
import { STRATEGY_OPTION_SPECS, type StrategyOptionSpec } from '../model/strategy-options.ts';
import { DISTRIBUTION_KINDS, distributionProblems, supportProblem, toDistribution } from './distributions.ts';
import { FormulaError, compileFormula, scheduleTable } from './formula.ts';
import { fileParamPath, toSnake } from './names.ts';
import { assumptionsSchema } from './claim-schema.ts';
import { forecastSchema } from './forecast-block.ts';
import { exploreSchema } from './explore-block.ts';

export const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const identifier = z
  .string()
  .regex(IDENTIFIER)
  .meta({ description: 'An identifier: lower-case letters, digits and _, starting with a letter (e.g. phased_pilot).' });

/** Largest horizon a file may ask for (the `weeks` parameter's maximum). */
const WEEKS_SPEC = PARAMETER_SPECS.find((s) => s.path === 'weeks')!;

const num = z.number();
const share = z.number().min(0).max(1);
const weekNumber = z.number().int().min(0).max(WEEKS_SPEC.max);

/** Add one custom issue carrying a hint (and, for formulas, the character offset). */
function problem(ctx: z.RefinementCtx, message: string, hint?: string, path: (string | number)[] = [], offset?: number): void {
  ctx.addIssue({ code: 'custom', message, path, params: { hint, offset } });
}

// ── Distributions ────────────────────────────────────────────────────────────

function positional(names: readonly string[]): z.ZodType {
  const tuple = z.tuple(names.map(() => num) as [z.ZodNumber, ...z.ZodNumber[]]);
  const shape = Object.fromEntries(names.map((n) => [n, num]));
  return z.union([tuple, z.strictObject(shape)]);
}

const distributionBody = {
  fixed: num.optional().meta({ description: 'Always this value: `{fixed: 0.5}`.' }),
  uniform: positional(['min', 'max']).optional().meta({ description: 'Uniform between min and max: `{uniform: [0.4, 0.8]}` or `{uniform: {min: 0.4, max: 0.8}}`.' }),
  normal: positional(['mean', 'sd']).optional().meta({ description: 'Normal: `{normal: [mean, sd]}`. Only for parameters without bounds; use truncated_normal otherwise.' }),
  truncated_normal: positional(['mean', 'sd', 'min', 'max']).optional().meta({ description: 'Normal cut to min..max: `{truncated_normal: {mean: 0.5, sd: 0.1, min: 0, max: 1}}`.' }),
  triangular: positional(['min', 'mode', 'max']).optional().meta({ description: 'Triangular: `{triangular: [min, mode, max]}`.' }),
  beta: z
    .union([z.tuple([num, num]), z.strictObject({ alpha: num, beta: num, min: num.optional(), max: num.optional() })])
    .optional()
    .meta({ description: 'Beta on 0..1 (or min..max): `{beta: {alpha: 2, beta: 5}}`.' }),
  lognormal: positional(['meanlog', 'sdlog']).optional().meta({ description: 'Lognormal: `{lognormal: {meanlog: 0, sdlog: 0.5}}` (log-scale mean and sd).' }),
  choice: z
    .union([z.array(num).min(1), z.strictObject({ values: z.array(num).min(1), weights: z.array(num).optional() })])
    .optional()
    .meta({ description: 'One of a few values: `{choice: [4, 8, 12]}` or `{choice: {values: [4, 8], weights: [3, 1]}}`.' }),
};

/** A distribution on its own (impossible parameters rejected), without range checks. */
export const distributionSchema = z
  .strictObject(distributionBody)
  .superRefine((value, ctx) => {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) {
      problem(ctx, keys.length === 0 ? 'a distribution needs one kind' : `a distribution has one kind, got ${keys.join(' and ')}`, `use one of ${DISTRIBUTION_KINDS.join(', ')}`);
      return;
    }
    const d = toDistribution(value);
    if (!d) return;
    for (const p of distributionProblems(d)) {
      const body = (value as Record<string, unknown>)[keys[0]!];
      // Point at the offending field in the object form; the list form has no field names.
      const path: (string | number)[] = [keys[0]!];
      if (p.field && body && typeof body === 'object' && !Array.isArray(body) && p.field in body) path.push(p.field);
      problem(ctx, p.message, p.hint, path);
    }
  })
  .meta({
    id: 'Distribution',
    description: `Drawn once per rollout. One of: ${DISTRIBUTION_KINDS.join(', ')}.`,
    minProperties: 1,
    maxProperties: 1,
  });

function rangeText(spec: Pick<ParamSpec, 'min' | 'max' | 'integer'>): string {
  return `${spec.integer ? 'whole number' : 'number'} ${spec.min}..${spec.max}`;
}

function paramDescription(spec: ParamSpec): string {
  return `${spec.description} Default ${spec.default}${spec.unit ? ` ${spec.unit}` : ''}; ${rangeText(spec)}. A number, or a distribution drawn once per rollout. Source: ${spec.source}.`;
}

function numberFor(spec: Pick<ParamSpec, 'min' | 'max' | 'integer'>): z.ZodNumber {
  const n = spec.integer ? z.number().int() : z.number();
  return n.min(spec.min).max(spec.max);
}

/** A distribution for a parameter: also rejects values outside the parameter's range. */
function distributionFor(spec: ParamSpec): z.ZodType {
  return distributionSchema.superRefine((value, ctx) => {
    const d = toDistribution(value);
    if (!d || distributionProblems(d).length > 0) return;
    const p = supportProblem(d, spec);
    if (p) problem(ctx, p.message, p.hint, [d.kind]);
  });
}

/** A numeric model parameter: a number in range, or a distribution whose values stay in range. */
function parameter(spec: ParamSpec): z.ZodType {
  return z.union([numberFor(spec), distributionFor(spec)]).optional().meta({ description: paramDescription(spec) });
}

// ── Parameter sections, one per ModelParams group ────────────────────────────

export const SECTIONS = ['organisation', 'population', 'managers', 'adoption', 'communities', 'flow', 'governance', 'costs', 'outcomes'] as const;
export type SectionName = (typeof SECTIONS)[number];

const SECTION_DESCRIPTIONS: Record<SectionName, string> = {
  organisation: 'The organisation: size, departments (silos), teams, weak ties, communities, front line, sponsorship.',
  population: 'Employees: producers, contributors and readers, innovativeness, time slack, adoption thresholds.',
  managers: 'Manager styles (0 gatekeeper .. 1 catalyst) and how they change.',
  adoption: 'Adoption dynamics: outside influence, imitation, trial, conversion, lapsing, value and time cost.',
  communities: 'Topic communities: when they live and die.',
  flow: 'Knowledge flow across departments.',
  governance: 'The governance shock of a free network that grows.',
  costs: 'Unit costs of licences and interventions.',
  outcomes: 'Outcome settings: critical mass, target share, sustained window.',
};

const departmentEntry = z
  .strictObject({
    name: z.string().min(1).meta({ description: 'Department name, used in labels and in intervention targets.' }),
    share: z.number().gt(0).max(1).optional().meta({ description: 'Share of employees in this department (all entries use share, or all use size).' }),
    size: z.number().int().min(1).optional().meta({ description: 'Head count of this department (all entries use share, or all use size).' }),
  })
  .superRefine((value, ctx) => {
    if ((value.share === undefined) === (value.size === undefined)) {
      problem(ctx, value.share === undefined ? 'a department needs a share or a size' : 'give a share or a size, not both', 'e.g. {name: Sales, share: 0.2} or {name: Sales, size: 400}');
    }
  });

const departmentList = z
  .array(departmentEntry)
  .min(1)
  .superRefine((list, ctx) => {
    const names = new Map<string, number>();
    list.forEach((d, i) => {
      if (names.has(d.name)) problem(ctx, `department ${d.name} is listed twice`, `first at entry ${names.get(d.name)}`, [i, 'name']);
      names.set(d.name, i);
    });
    const withShare = list.filter((d) => d.share !== undefined).length;
    const withSize = list.filter((d) => d.size !== undefined).length;
    if (withShare > 0 && withSize > 0) problem(ctx, 'mix of shares and sizes', 'give every department a share, or every department a size');
    if (withShare === list.length) {
      const total = list.reduce((s, d) => s + (d.share ?? 0), 0);
      if (Math.abs(total - 1) > 0.005) problem(ctx, `department shares add up to ${Number(total.toFixed(4))}, not 1`, 'make the shares sum to 1');
    }
  });

/**
 * The fields of an HR export that a `columns:` mapping may name. The same list as src/org/columns.ts's HR_FIELDS
 * (the scenario layer may not import src/org); test/scenarios/hr-organisation.test.ts keeps them equal.
 */
export const HR_COLUMN_FIELDS = ['id', 'manager', 'department', 'team', 'location', 'level', 'function', 'front_line', 'hire_date', 'effective_date'] as const;

const hrColumnsSchema = z
  .strictObject(Object.fromEntries(HR_COLUMN_FIELDS.map((f) => [f, z.string().min(1).optional()])))
  .meta({ description: 'Which column of the HR file (organisation.from) is which, when its headers are not recognised: {id: Emp No, manager: Reports To, department: Dept}. Fields not given are recognised by name.' });

/** The fields of a network file that `network: {columns: ...}` may name (src/org/network-columns.ts's NETWORK_FIELDS). */
export const NETWORK_COLUMN_FIELDS = ['source', 'target', 'weight'] as const;

const networkSchema = z
  .strictObject({
    from: z.string().min(1).meta({ description: "The client's collaboration network (CSV: two people's ids and optionally a weight per line, e.g. a Viva Insights person-to-person query or a Worklytics collaboration graph; docs/org.md), relative to this file. Its ties replace the generated weak ties: weak_ties, degree_dispersion and silo_strength may not be set too." }),
    columns: z
      .strictObject(Object.fromEntries(NETWORK_COLUMN_FIELDS.map((f) => [f, z.string().min(1).optional()])))
      .optional()
      .meta({ description: 'Which column of the network file is which, when its headers are not recognised: {source: From, target: To, weight: Hours}.' }),
    max_strength: z.number().int().min(1).max(10).optional().meta({ description: 'The most contacts one tie may count as: strength = weight / median weight, rounded, from 1 to this. Default 3; 1 ignores the weights.' }),
  })
  .meta({ description: "The client's collaboration network, read with the HR file (organisation.from)." });

function sectionSchema(section: SectionName): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of PARAMETER_SPECS) {
    if (!spec.path.startsWith(`${section}.`)) continue;
    const key = toSnake(spec.path.slice(section.length + 1));
    shape[key] = parameter(spec);
  }
  if (section === 'organisation') {
    const spec = PARAMETER_SPECS.find((s) => s.path === 'organisation.departments')!;
    shape.departments = z
      .union([numberFor(spec), distributionFor(spec), departmentList])
      .optional()
      .meta({ description: `${paramDescription(spec)} Or a list of named departments: [{name: Sales, share: 0.3}, ...] or [{name: Sales, size: 600}, ...].` });    shape.from = z.string().min(1).optional().meta({ description: "A client's HR export (CSV: an id, a manager's id, a department per person; docs/org.md), relative to this file. The organisation's teams, departments and head count are then the file's: employees, departments and team_size may not be set too." });
    shape.columns = hrColumnsSchema.optional();
    shape.network = networkSchema.optional();
  }
  return z.strictObject(shape).optional().meta({ description: SECTION_DESCRIPTIONS[section] });
}

const mechanismsSchema = z
  .strictObject(Object.fromEntries(MECHANISM_NAMES.map((m) => [toSnake(m), z.boolean().optional().meta({ description: `${MECHANISM_DESCRIPTIONS[m]} Default true.` })])))
  .optional()
  .meta({ description: 'Switch model mechanisms on or off (all on by default), e.g. to test what drives a result.' });

/** Parameter paths (as written in files) that may be uncertain; the horizon may not. */
export const UNCERTAIN_PATHS: readonly string[] = PARAMETER_SPECS.filter((s) => s.path !== 'weeks').map((s) => fileParamPath(s.path));

const uncertaintiesSchema = z
  .strictObject(Object.fromEntries(PARAMETER_SPECS.filter((s) => s.path !== 'weeks').map((s) => [fileParamPath(s.path), distributionFor(s).optional().meta({ description: paramDescription(s) })])))
  .optional()
  .meta({
    description: 'Uncertain parameters gathered in one place: `section.parameter: distribution`, e.g. `organisation.silo_strength: {uniform: [0.4, 0.8]}`. The same as writing the distribution in place in its section; give each parameter in one place only.',
  });

// ── Strategies and interventions ─────────────────────────────────────────────

/** Named groups: departments (by name or number), or an HR file's locations or levels (by name). */
const groupFields = {
  departments: z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1).optional().meta({ description: 'Departments by name (when named in organisation.departments or by an HR file) or by number from 0.' }),
  locations: z.array(z.string().min(1)).min(1).optional().meta({ description: "Locations by name, from the HR file's location column (organisation.from)." }),
  levels: z.array(z.string().min(1)).min(1).optional().meta({ description: "Levels by name, from the HR file's level column (organisation.from)." }),
};

function oneKind(what: string, kinds: string, example: string) {
  return (value: object, ctx: z.RefinementCtx): void => {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) problem(ctx, keys.length === 0 ? `${what} needs one of ${kinds}` : `${what} has one kind, got ${keys.join(' and ')}`, example);
  };
}

const groupSchema = z
  .strictObject(groupFields)
  .superRefine(oneKind('a group', 'departments, locations or levels', 'e.g. {departments: [Tax, Legal]}, {locations: [Dublin]} or {levels: [Partner]}'))
  .meta({ id: 'Group', description: 'Named groups: {departments: [...]}, {locations: [...]} or {levels: [...]}.' });

/** A later wave: a group, or a plain list of department names (`[Audit, Advisory]`). */
const namedWaveSchema = z
  .union([z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1), groupSchema])
  .meta({ description: 'A wave: a list of departments ([Audit, Advisory]) or a group ({locations: [Dublin]}).' });

const namedWavesSchema = z
  .array(namedWaveSchema)
  .min(1)
  .max(100)
  .meta({ description: 'The waves after the pilot, in order, each a list of departments or a group; each person joins the first wave that names them, and everyone not named joins the last wave.' });

const targetSchema = z
  .union([
    z.enum(['all', 'pilot']),
    z
      .strictObject({
        wave: z.number().int().min(0).optional().meta({ description: 'Wave number: 0 is the pilot, 1.. the waves after it.' }),
        ...groupFields,
        share: share.optional().meta({ description: 'A random share of everyone.' }),
        enthusiasts: share.optional().meta({ description: 'The most innovative share of employees.' }),
      })
      .superRefine(oneKind('a target', 'wave, departments, locations, levels, share or enthusiasts', 'e.g. {wave: 1}, {departments: [Sales]}, {locations: [Dublin]}, {share: 0.1} or {enthusiasts: 0.02}')),
  ])
  .meta({ id: 'Target', description: 'Who it reaches: all, pilot, {wave: k}, {departments: [names or numbers]}, {locations: [names]}, {levels: [names]}, {share: x} or {enthusiasts: x}. Default all.' });

/** Condition formulas are checked here for syntax, operators, functions and names; wave numbers are checked against the strategy in load.ts. */
const conditionSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      compileFormula(text, { variables: conditionVariableNames(1), kind: 'condition', anyWave: true });
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      problem(ctx, err.message, err.hint, [], err.offset);
    }
  })
  .meta({ id: 'Condition', description: 'Start at the first week this condition holds, e.g. "week >= 12 and pilot.active_share >= 0.4". Variables: week, aware_share, trying_share, active_share, lapsed_share, producers_share, content, communities_alive, catalyst_share, access_share, cost, cross_flow, and per wave pilot.x / waveK.x for x in active_share, access_share, weeks_open, open.' });

/** Schedules: a number, or a formula in `week` evaluated into a per-week table at load time. */
const scheduleSchema = z
  .union([
    z.number().min(0),
    z.string().superRefine((text, ctx) => {
      try {
        // The horizon is unknown here; a short table catches syntax and most value errors, load.ts builds the real one.
        scheduleTable(text, 1);
      } catch (err) {
        if (!(err instanceof FormulaError)) throw err;
        problem(ctx, err.message, err.hint, [], err.offset);
      }
    }),
  ])
  .meta({ id: 'Schedule', description: 'A number, or a formula in week evaluated for every week at load time, e.g. "min(40, 5 * week)".' });

const timing = {
  at: weekNumber.optional().meta({ description: 'Week it starts (0 = before the first week). Default 0 unless `when` is given.' }),
  when: conditionSchema.optional(),
  deadline: conditionSchema.optional().meta({
    description: 'Start anyway at the first week this condition holds, even if `when` does not (a maximum wait, e.g. "pilot.weeks_open >= 26"); needs `when`. A wave opened this way is recorded as forced (rollouts.csv: waveK_forced).',
  }),
  target: targetSchema.optional(),
};
const actsFor = z.number().int().min(0).max(WEEKS_SPEC.max).optional().meta({ description: 'Weeks it acts for; 0 or absent: until the horizon.' });

/** The zod schema of one field of an intervention, from its kind in INTERVENTION_SPECS. */
function interventionField(field: InterventionField): z.ZodType {
  const meaning = `${field.meaning}${field.default !== undefined && field.kind !== 'weeks' ? ` Default ${String(field.default)}.` : ''}`;
  switch (field.kind) {
    case 'share':
      return share.optional().meta({ description: meaning });
    case 'count':
      return z.number().int().min(0).optional().meta({ description: meaning });
    case 'weeks':
      return actsFor;
    case 'boolean':
      return z.boolean().optional().meta({ description: meaning });
    case 'decision':
      return z.enum(['pay', 'restrict', 'shutdown']).optional().meta({ description: meaning });
    case 'schedule':
      return scheduleSchema.optional();
  }
}

/** Extra fields each intervention type takes (snake_case), beyond timing and target: generated from INTERVENTION_SPECS. */
const INTERVENTION_FIELDS = Object.fromEntries(
  INTERVENTION_SPECS.map((spec) => [spec.type, Object.fromEntries(spec.fields.map((f) => [toSnake(f.name), interventionField(f)]))]),
) as Record<InterventionType, Record<string, z.ZodType>>;

export const INTERVENTION_DESCRIPTIONS = Object.fromEntries(INTERVENTION_SPECS.map((spec) => [spec.type, spec.description])) as Record<InterventionType, string>;

export const interventionSchema = z.discriminatedUnion(
  'type',
  INTERVENTION_TYPES.map((type) =>
    z.strictObject({ type: z.literal(type), ...timing, ...INTERVENTION_FIELDS[type] }).meta({ description: INTERVENTION_DESCRIPTIONS[type] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

const interventions = z.array(interventionSchema).meta({ id: 'Interventions', description: 'Interventions, each at a week (`at`) or on a condition (`when`).' });

const strategyCommon = {
  label: z.string().min(1).optional().meta({ description: 'Label for charts and tables (the identifier is the key).' }),
  description: z.string().optional(),
};

/** An option's schema, from its range in STRATEGY_OPTION_SPECS. */
function optionSchema(o: StrategyOptionSpec): z.ZodType {
  if (o.kind === 'boolean') return z.boolean();
  if (o.kind === 'selection') return z.enum(PILOT_SELECTIONS as unknown as [string, ...string[]]);
  let n = o.integer ? z.number().int() : z.number();
  if (o.min !== undefined) n = o.above ? n.gt(o.min) : n.min(o.min);
  if (o.max !== undefined) n = n.max(o.max);
  return n;
}

function optionsSchema(options: readonly StrategyOptionSpec[]): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const o of options) shape[toSnake(o.name)] = optionSchema(o).optional().meta({ description: `${o.meaning} Default ${JSON.stringify(o.default)}.` });
  return z.strictObject(shape).optional().meta({ description: 'Options of this built-in strategy (all optional).' });
}

const wavePlanSchema = z
  .strictObject({
    pilot_share: z.number().gt(0).max(1).optional().meta({ description: 'Share of employees in the pilot (wave 0): whole teams join it until it holds this share of employees. Give this or pilot.' }),
    selection: z.enum(PILOT_SELECTIONS as unknown as [string, ...string[]]).optional().meta({ description: `How the pilot is chosen: ${PILOT_SELECTIONS.join(', ')}. Default volunteers.` }),
    pilot: groupSchema.optional().meta({ description: 'The pilot by name instead of pilot_share: e.g. {departments: [Tax, Legal]}.' }),
    waves: z.union([z.number().int().min(0).max(100), namedWavesSchema]).optional().meta({ description: 'Waves after the pilot: a number (the other teams split evenly among them; default 0), or with pilot: a list of waves by name.' }),
  })
  .meta({ description: 'Assign teams to a pilot (wave 0) and later waves before week 0, so interventions can target {wave: k} and conditions read pilot.x / waveK.x.' });

export const STRATEGY_TYPES = ['top_down', 'bottom_up', 'phased_pilot', 'custom'] as const;

export const strategySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('top_down'), ...strategyCommon, options: optionsSchema(STRATEGY_OPTION_SPECS.top_down), interventions: interventions.optional() })
    .meta({ description: 'Top-down launch: everyone gets licensed access and an executive announcement at once.' }),
  z.strictObject({ type: z.literal('bottom_up'), ...strategyCommon, options: optionsSchema(STRATEGY_OPTION_SPECS.bottom_up), interventions: interventions.optional() })
    .meta({ description: 'Bottom-up: a free network open to all, started by a few enthusiasts.' }),
  z.strictObject({
    type: z.literal('phased_pilot'),
    ...strategyCommon,
    options: optionsSchema(STRATEGY_OPTION_SPECS.phased_pilot),
    pilot: groupSchema.optional().meta({ description: 'The pilot by name instead of options.pilot_share and selection: e.g. {departments: [Tax, Legal]}.' }),
    waves: namedWavesSchema.optional(),
    interventions: interventions.optional(),
  })
    .meta({ description: 'Phased pilot: a pilot group first, then waves gated on the previous wave\'s results, with showcases.' }),
  z.strictObject({ type: z.literal('custom'), ...strategyCommon, waves: wavePlanSchema.optional(), interventions: interventions.min(1) })
    .meta({ description: 'A custom plan: your own interventions, each at a week or on a condition.' }),
]);

const strategiesSchema = z
  .record(identifier, strategySchema)
  .superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) problem(ctx, 'no strategies to compare', 'add at least one, e.g. top_down: {type: top_down}');
  })
  .meta({ description: 'The strategies to compare: identifier -> {type, label, options or interventions}. Every strategy runs on the same rollouts (common random numbers).' });

// ── The whole file ───────────────────────────────────────────────────────────

export const DEFAULT_ROLLOUTS = 100;
export const DEFAULT_SEED = 1;

export const scenarioSchema = z
  .strictObject({
    name: identifier.meta({ description: 'Scenario identifier, e.g. acme_rollout (used in file names and manifests).' }),
    label: z.string().optional().meta({ description: 'Human title for reports.' }),
    description: z.string().optional().meta({ description: 'What the scenario is about and the question it answers.' }),
    horizon: numberFor(WEEKS_SPEC).optional().meta({ description: `Weeks simulated. Default ${WEEKS_SPEC.default}; ${rangeText(WEEKS_SPEC)}. Cannot be uncertain.` }),
    rollouts: z.number().int().min(1).max(10_000_000).optional().meta({ description: `Rollouts (replications) per strategy, each with its own draw of the uncertainties and its own organisation. Default ${DEFAULT_ROLLOUTS}; \`uptake run --rollouts\` overrides it.` }),
    seed: z.number().int().min(0).max(4_294_967_295).optional().meta({ description: `Experiment seed; every rollout's seeds derive from it. Default ${DEFAULT_SEED}; \`uptake run --seed\` overrides it.` }),
    currency: z.string().trim().min(1).max(8).optional().meta({ description: 'How costs are labelled: a currency code or symbol (EUR, USD, £, kr). Shown with every cost on the terminal, in summary.json, the report and its charts. Costs are in the units of the costs section; default: no label.' }),
    network: z.enum(['organisation', 'complete']).optional().meta({ description: 'organisation (teams, departments, weak ties; default) or complete (everyone knows everyone: a mean-field check).' }),
    ...Object.fromEntries(SECTIONS.map((s) => [s, sectionSchema(s)])),
    mechanisms: mechanismsSchema,
    uncertainties: uncertaintiesSchema,
    strategies: strategiesSchema,
    assumptions: assumptionsSchema.optional(),
    forecast: forecastSchema
      .extend({
        parameters: z
          .strictObject(Object.fromEntries(PARAMETER_SPECS.filter((s) => s.path !== 'weeks').map((s) => [fileParamPath(s.path), distributionFor(s).optional().meta({ description: paramDescription(s) })])))
          .optional()
          .meta({ description: 'Parameters to calibrate with their priors, `section.parameter: distribution` as in uncertainties:. Default: the scenario\'s uncertainties (other than choices).' }),
      })
      .optional(),
    explore: exploreSchema.optional(),
  })
  .meta({
    title: 'uptake scenario',
    description: 'A scenario for uptake: an organisation, its uncertainties, and the rollout strategies to compare. Documentation: docs/scenarios.md',
  });

/** A scenario file as validated by the schema (snake_case, before expansion). */
export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type StrategyFile = z.infer<typeof strategySchema>;
export type InterventionFile = z.infer<typeof interventionSchema>;

/** The JSON Schema for editors, generated from scenarioSchema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // Draft-07: the dialect editors' YAML language servers support best.
  return z.toJSONSchema(scenarioSchema, { target: 'draft-7', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
