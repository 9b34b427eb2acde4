/**
 * Checks across sections of a scenario, run on the raw data whatever the schema
 * said: department names, wave numbers against the horizon, shares that must
 * add up, targets that exist.
 */
import { PARAMETER_SPECS, type ParamSpec } from '../model/params.ts';
import { conditionVariableNames } from '../model/plan.ts';
import { PHASED_PILOT_DEFAULTS } from '../model/strategies.ts';
import { distributionProblems, support, supportProblem, toDistribution } from './distributions.ts';
import { FormulaError, compileFormula, scheduleTable } from './formula.ts';
import { closest, listWords } from './names.ts';
import type { ClaimContext } from './claim.ts';
import { CONTINUE } from './forecast-block.ts';
import { LoadContext, type Path } from './source.ts';
import { SPEC_BY_FILE_PATH, fmt } from './diagnose.ts';

// ── Checks across sections (run on the raw data, whatever the schema said) ────

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Smallest and largest value a valid parameter setting (number or distribution) can take;
 * undefined for settings the schema rejects, so one mistake is not reported twice.
 */
function valueRange(raw: unknown, spec: ParamSpec): [number, number] | undefined {
  if (typeof raw === 'number') {
    if (!(raw >= spec.min && raw <= spec.max) || (spec.integer && !Number.isInteger(raw))) return undefined;
    return [raw, raw];
  }
  const d = toDistribution(raw);
  if (!d || distributionProblems(d).length > 0 || supportProblem(d, spec)) return undefined;
  const s = support(d);
  return Number.isNaN(s[0]) ? undefined : s;
}

interface DepartmentInfo {
  names?: string[];
  count?: [number, number];
  /** The departments are an HR file's (organisation.from). */
  hrFile?: boolean;
  /** The HR file's locations and levels, when a command read it (absent: the file has no such column). */
  locations?: readonly string[];
  levels?: readonly string[];
}

/** What an HR file settles (head count, departments, teams) may not be set in the scenario too. */
const SETTLED_BY_HR_FILE = ['employees', 'departments', 'team_size'] as const;

function hrFileChecks(ctx: LoadContext, data: Raw, org: Raw): void {
  for (const key of SETTLED_BY_HR_FILE) {
    if (org[key] !== undefined) ctx.at(['organisation', key], `${key} is settled by the HR file (organisation.from)`, `the HR file settles ${key}: delete it here`, { key: true });
    if (isObj(data.uncertainties) && data.uncertainties[`organisation.${key}`] !== undefined) {
      ctx.at(['uncertainties', `organisation.${key}`], `organisation.${key} is settled by the HR file (organisation.from)`, `the HR file settles ${key}: delete it here`, { key: true });
    }
  }
  if (data.network === 'complete') ctx.at(['network'], 'network: complete ignores the HR file\'s teams (everyone knows everyone)', 'delete network: complete, or organisation.from', { key: true });
  if (org.network === undefined) return;
  for (const key of SETTLED_BY_NETWORK_FILE) {
    if (org[key] !== undefined) ctx.at(['organisation', key], `${key} is settled by the network file (organisation.network)`, `the network file's ties replace the generated weak ties: delete ${key} here`, { key: true });
    if (isObj(data.uncertainties) && data.uncertainties[`organisation.${key}`] !== undefined) {
      ctx.at(['uncertainties', `organisation.${key}`], `organisation.${key} is settled by the network file (organisation.network)`, `the network file's ties replace the generated weak ties: delete ${key} here`, { key: true });
    }
  }
}

/** What a network file settles: the weak ties it replaces, and how they are drawn. */
const SETTLED_BY_NETWORK_FILE = ['weak_ties', 'degree_dispersion', 'silo_strength'] as const;

export function crossChecks(ctx: LoadContext, data: unknown): void {
  if (!isObj(data)) return;
  const weeksSpec = PARAMETER_SPECS.find((s) => s.path === 'weeks')!;
  // An invalid horizon is reported by the schema; checks against it then use the default.
  const horizon = valueRange(data.horizon, weeksSpec)?.[0] ?? weeksSpec.default;

  // A parameter set in its section and again in uncertainties: which one holds would be a guess.
  if (isObj(data.uncertainties)) {
    for (const key of Object.keys(data.uncertainties)) {
      const [section, field] = key.split('.');
      const inPlace = section && field && isObj(data[section]) ? (data[section] as Raw)[field] : undefined;
      if (inPlace !== undefined && SPEC_BY_FILE_PATH.has(key)) {
        ctx.at(['uncertainties', key], `${key} is also set in ${section}:`, `give it in one place: delete it from ${section}: or from uncertainties:`, { key: true });
      }
    }
  }
  const setting = (section: string, field: string): unknown => {
    const inPlace = isObj(data[section]) ? (data[section] as Raw)[field] : undefined;
    if (inPlace !== undefined) return inPlace;
    return isObj(data.uncertainties) ? data.uncertainties[`${section}.${field}`] : undefined;
  };
  const rangeOf = (section: string, field: string, camel: string): [number, number] | undefined => {
    const raw = setting(section, field);
    const spec = PARAMETER_SPECS.find((s) => s.path === `${section}.${camel}`)!;
    if (raw === undefined) return [spec.default, spec.default];
    return valueRange(raw, spec);
  };

  // Departments: a count, or a named list whose sizes may fix the head count, or the HR file's.
  const departments: DepartmentInfo = {};
  const org = isObj(data.organisation) ? data.organisation : {};
  const fromFile = org.from !== undefined;
  if (fromFile) hrFileChecks(ctx, data, org);
  else if (org.columns !== undefined) ctx.at(['organisation', 'columns'], 'columns: says which column of an HR file is which, but there is no HR file', 'add organisation.from: hr.csv, or delete columns:', { key: true });
  if (!fromFile && org.network !== undefined) ctx.at(['organisation', 'network'], 'a network file needs the HR file its ids belong to', 'add organisation.from: hr.csv (the network links its people), or delete network:', { key: true });
  if (fromFile && ctx.hrGroups) {
    // The CLI read the HR file first: its departments are checked like named ones.
    departments.names = [...ctx.hrGroups.departments];
    departments.count = [departments.names.length, departments.names.length];
    if (ctx.hrGroups.locations) departments.locations = ctx.hrGroups.locations;
    if (ctx.hrGroups.levels) departments.levels = ctx.hrGroups.levels;
  } else if (fromFile) {
    // Known only once the file is read: nothing to check numbers or names against here.
    departments.hrFile = true;
  } else if (Array.isArray(org.departments)) {
    const list = org.departments.filter(isObj);
    departments.names = list.map((d) => (typeof d.name === 'string' ? d.name : ''));
    departments.count = [list.length, list.length];
    const sizes = list.map((d) => d.size);
    if (sizes.length > 0 && sizes.every((s) => typeof s === 'number') && org.employees !== undefined) {
      const total = (sizes as number[]).reduce((a, b) => a + b, 0);
      if (typeof org.employees === 'number' && org.employees !== total) {
        ctx.at(['organisation', 'employees'], `employees is ${org.employees} but the department sizes add up to ${total}`, 'leave employees out (it defaults to the sum of the sizes) or make them agree');
      } else if (typeof org.employees !== 'number') {
        ctx.at(['organisation', 'employees'], 'employees cannot be uncertain when departments are given by size', 'give departments by share instead of size');
      }
    }
  } else {
    departments.count = rangeOf('organisation', 'departments', 'departments');
  }
  let employees = rangeOf('organisation', 'employees', 'employees');
  if (Array.isArray(org.departments) && org.employees === undefined && org.departments.every((d) => isObj(d) && typeof d.size === 'number')) {
    const total = (org.departments as Raw[]).reduce((s, d) => s + (d.size as number), 0);
    employees = [total, total];
  }
  if (employees && departments.count && employees[0] < 2 * departments.count[1]) {
    ctx.at(['organisation', 'departments'], `each department needs at least 2 people: ${fmt(employees[0])} employees allow at most ${Math.floor(employees[0] / 2)} departments, got ${departments.count[1]}`, 'fewer departments, or more employees');
  }
  const producers = rangeOf('population', 'producer_share', 'producerShare');
  const contributors = rangeOf('population', 'contributor_share', 'contributorShare');
  if (producers && contributors && producers[1] + contributors[1] > 1 + 1e-12) {
    const where: Path = setting('population', 'contributor_share') !== undefined && isObj(data.population) && data.population.contributor_share !== undefined ? ['population', 'contributor_share'] : ['population'];
    ctx.at(where, `producer_share + contributor_share can reach ${Number((producers[1] + contributors[1]).toFixed(4))}, above 1`, 'producers and contributors together are at most everyone; lower one of them');
  }
  const teamSize = rangeOf('organisation', 'team_size', 'teamSize');
  if (employees && teamSize && teamSize[1] > employees[0]) {
    ctx.at(['organisation', 'team_size'], `team_size ${teamSize[1]} is larger than the organisation (${employees[0]} employees)`, 'lower team_size');
  }

  // Left out, the window shrinks to a short horizon (see expand); written, it must fit.
  const sustained = setting('outcomes', 'sustained_weeks') === undefined ? undefined : rangeOf('outcomes', 'sustained_weeks', 'sustainedWeeks');
  if (sustained && sustained[1] > horizon) {
    ctx.at(['outcomes', 'sustained_weeks'], `sustained_weeks ${sustained[1]} is longer than the horizon (${horizon} weeks)`, `use at most ${horizon}, or raise horizon:`);
  }

  // Strategies: wave numbers, departments by name, conditions and schedules against the horizon.
  if (!isObj(data.strategies)) return;
  for (const [id, raw] of Object.entries(data.strategies)) {
    if (!isObj(raw)) continue;
    const waveCount = waveCountOf(raw);
    checkNamedWaves(ctx, ['strategies', id], raw, departments);
    const list = Array.isArray(raw.interventions) ? raw.interventions : [];
    list.forEach((item, i) => {
      if (!isObj(item)) return;
      const base: Path = ['strategies', id, 'interventions', i];
      checkTarget(ctx, [...base, 'target'], item.target, waveCount, departments, id);
      if (typeof item.at === 'number' && item.at > horizon) {
        ctx.at([...base, 'at'], `week ${item.at} is after the horizon (${horizon} weeks)`, `use a week from 0 to ${horizon}, or raise horizon:`);
      }
      for (const field of ['when', 'deadline'] as const) {
        const text = item[field];
        if (typeof text !== 'string' || !formulaIsValid(text)) continue;
        try {
          compileFormula(text, { variables: conditionVariableNames(waveCount), kind: 'condition' });
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
          // Syntax and names were already reported by the schema; add only wave numbers beyond this strategy's waves.
          if (/^unknown variable (pilot|wave\d+)\./.test(err.message)) {
            const hint = waveCount === 0 ? 'this strategy has no waves: add waves: {pilot_share: 0.1, waves: 2} (custom) or use type: phased_pilot' : `this strategy has waves 0 (pilot) to ${waveCount - 1}`;
            ctx.at([...base, field], err.message, hint, { offset: err.offset });
          }
        }
      }
      if (item.deadline !== undefined && item.when === undefined) {
        ctx.at([...base, 'deadline'], 'a deadline needs a `when` condition: it starts the intervention if `when` has not by then', 'add when: (the gate), or give the week with at:');
      }
      if (typeof item.capacity === 'string') {
        try {
          scheduleTable(item.capacity, horizon);
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
          ctx.at([...base, 'capacity'], err.message, err.hint, { offset: err.offset });
        }
      }
    });
  }
}

/** What claims may name: the file's strategies and its horizon. */
export function claimContext(data: unknown): ClaimContext {
  const raw = isObj(data) && isObj(data.strategies) ? data.strategies : {};
  const weeks = isObj(data) && typeof data.horizon === 'number' ? data.horizon : PARAMETER_SPECS.find((s) => s.path === 'weeks')!.default;
  const waves = Object.fromEntries(Object.entries(raw).map(([id, s]) => [id, isObj(s) ? waveCountOf(s) : 0]));
  const strategies = Object.keys(raw);
  const f = isObj(data) ? data.forecast : undefined;
  if (!isObj(f)) return { strategies, weeks, waves };
  // The ways forward as expandForecast will make them (a wrong name is checkForecast's to report).
  const inProgress = typeof f.in_progress === 'string' ? f.in_progress : undefined;
  const alternatives = Array.isArray(f.alternatives)
    ? f.alternatives.filter((a): a is string => typeof a === 'string')
    : [CONTINUE, ...strategies.filter((id) => id !== inProgress)];
  const forecastWaves = Object.fromEntries(alternatives.map((a) => [a, waves[a === CONTINUE ? (inProgress ?? '') : a] ?? 0]));
  return { strategies, weeks, waves, forecast: { alternatives, ...(inProgress !== undefined ? { inProgress } : {}), waves: forecastWaves } };
}

function formulaIsValid(text: string): boolean {
  try {
    compileFormula(text, { variables: conditionVariableNames(1), kind: 'condition', anyWave: true });
    return true;
  } catch {
    return false;
  }
}

/** Waves a strategy has, pilot included (0: none). */
function waveCountOf(raw: Raw): number {
  if (raw.type === 'phased_pilot') {
    if (Array.isArray(raw.waves)) return raw.waves.length + 1;
    const waves = isObj(raw.options) && typeof raw.options.waves === 'number' ? raw.options.waves : PHASED_PILOT_DEFAULTS.waves;
    return waves + 1;
  }
  if (raw.type === 'custom' && isObj(raw.waves)) return (typeof raw.waves.waves === 'number' ? raw.waves.waves : Array.isArray(raw.waves.waves) ? raw.waves.waves.length : 0) + 1;
  return 0;
}

/**
 * Pilots and waves by name (`pilot: {departments: [Tax]}`, `waves: [[Audit], [Legal]]`): the names exist, and a
 * named pilot is not also chosen by a share and a rule. A phased pilot has them beside its options, a custom plan
 * in its `waves:` block.
 */
function checkNamedWaves(ctx: LoadContext, path: Path, raw: Raw, groups: DepartmentInfo): void {
  const custom = raw.type === 'custom';
  if (!custom && raw.type !== 'phased_pilot') return;
  const block = custom ? (isObj(raw.waves) ? raw.waves : undefined) : raw;
  if (!block) return;
  const at: Path = custom ? [...path, 'waves'] : path;
  const options = custom ? block : isObj(raw.options) ? raw.options : {};
  const optionsAt: Path = custom ? at : [...path, 'options'];
  const namedWaves = Array.isArray(block.waves) ? block.waves : undefined;
  if (block.pilot !== undefined) {
    for (const field of ['pilot_share', 'selection'] as const) {
      if (options[field] !== undefined) ctx.at([...optionsAt, field], `${field} chooses the pilot, but pilot: names it`, `keep one: delete ${field}, or pilot:`, { key: true });
    }
    checkGroup(ctx, [...at, 'pilot'], block.pilot, groups);
  } else if (namedWaves) {
    ctx.at([...at, 'waves'], 'waves by name need the pilot by name too', 'add pilot: {departments: [...]}, or give waves as a number', { key: true });
  } else if (custom && block.pilot_share === undefined) {
    ctx.at(at, 'the waves need a pilot: pilot_share or pilot', 'add pilot_share: 0.1 (whole teams, by the selection rule) or pilot: {departments: [...]}', { key: true });
  }
  if (namedWaves) {
    if (!custom && options.waves !== undefined) ctx.at([...optionsAt, 'waves'], 'options.waves counts the waves, but waves: lists them', 'keep one: delete options.waves, or waves:', { key: true });
    namedWaves.forEach((w, k) => checkGroup(ctx, [...at, 'waves', k], Array.isArray(w) ? { departments: w } : w, groups, Array.isArray(w)));
  }
}

/** A group's names against the organisation's (`plainList`: written as a bare list of departments). */
function checkGroup(ctx: LoadContext, path: Path, group: unknown, groups: DepartmentInfo, plainList = false): void {
  if (!isObj(group)) return;
  if (Array.isArray(group.departments)) checkDepartments(ctx, plainList ? path : [...path, 'departments'], group.departments, groups);
  for (const [field, names] of [['locations', groups.locations], ['levels', groups.levels]] as const) {
    const list = group[field];
    if (!Array.isArray(list)) continue;
    const column = field === 'locations' ? 'location' : 'level';
    if (groups.hrFile) {
      ctx.at([...path, field], `${field} of an HR file are known only when a command reads the file (uptake run, validate, test, explore, forecast)`, 'run it with one of those commands');
    } else if (!ctx.hrGroups) {
      ctx.at([...path, field], `${field} come from an HR file's ${column} column, and this scenario has none`, 'give the organisation as organisation: {from: hr.csv}, or target departments');
    } else if (!names) {
      ctx.at([...path, field], `the HR file has no ${column} column`, `name it with organisation.columns: {${column}: <header>}, or target departments`);
    } else {
      list.forEach((name, j) => {
        if (typeof name !== 'string' || names.includes(name)) return;
        const s = closest(name, names);
        ctx.at([...path, field, j], `unknown ${column} ${JSON.stringify(name)}`, s ? `did you mean ${s}?` : `${field}: ${listWords(names)}`);
      });
    }
  }
}

function checkTarget(ctx: LoadContext, path: Path, target: unknown, waveCount: number, departments: DepartmentInfo, strategy: string): void {
  const wave = target === 'pilot' ? 0 : isObj(target) && typeof target.wave === 'number' ? target.wave : undefined;
  if (wave !== undefined && wave >= waveCount) {
    const hint = waveCount === 0
      ? `strategy ${strategy} has no waves: add waves: {pilot_share: 0.1, waves: 2} (custom) or use type: phased_pilot`
      : `strategy ${strategy} has waves 0 (pilot) to ${waveCount - 1}`;
    ctx.at(target === 'pilot' ? path : [...path, 'wave'], wave === 0 ? 'there is no pilot wave in this strategy' : `there is no wave ${wave} in this strategy`, hint);
  }
  if (isObj(target)) checkGroup(ctx, path, target, departments);
}

function checkDepartments(ctx: LoadContext, path: Path, list: unknown[], departments: DepartmentInfo): void {
  list.forEach((d, j) => {
    if (typeof d === 'string') {
      if (departments.hrFile) {
        ctx.at([...path, j], `departments of an HR file are named only when a command reads the file (uptake run, validate, test, explore, forecast)`, "run it with one of those commands, or refer to them by number from 0, in alphabetical order of the file's department names (uptake org lists them)");
      } else if (!departments.names) {
        ctx.at([...path, j], `department ${JSON.stringify(d)} is not defined`, 'name departments in organisation.departments: [{name: ..., share: ...}], or refer to them by number from 0');
      } else if (!departments.names.includes(d)) {
        const s = closest(d, departments.names);
        ctx.at([...path, j], `unknown department ${JSON.stringify(d)}`, s ? `did you mean ${s}?` : `departments: ${listWords(departments.names)}`);
      }
    } else if (typeof d === 'number' && departments.count && d >= departments.count[0]) {
      ctx.at([...path, j], `department number ${d} does not exist`, `departments are numbered 0 to ${departments.count[0] - 1}${departments.names ? `: ${departments.names.map((name, k) => `${k} ${name}`).join(', ')}` : ''}`);
    }
  });
}
