/**
 * Loading a scenario for a command that runs or checks it: the scenario loader, then the organisation of its HR
 * file when it names one (`organisation: {from: hr.csv}`). The loader only records the file (src/scenarios may not
 * read HR exports, src/org does); here it is read, checked and turned into the model's teams, which settle
 * employees and departments (docs/org.md).
 */
import type { Diagnostic } from '../scenarios/errors.ts';
import type { HrGroupNames } from '../scenarios/source.ts';
import { ScenarioError } from '../scenarios/errors.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import type { HrExport } from '../org/hr.ts';
import type { OrganisationStructure } from '../model/params.ts';
import type { Target } from '../model/plan.ts';
import { loadScenario, loadScenarioWithWarnings } from '../scenarios/load.ts';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** `uptake run`, `validate`, `explore`, `forecast`: the experiment on its organisation, and the plan warnings. */
export async function loadScenarioForCommand(path: string): Promise<{ experiment: Experiment; warnings: Diagnostic[] }> {
  const hrGroups = await hrGroupsOf(path);
  const loaded = await loadScenarioWithWarnings(path, hrGroups ? { hrGroups } : {});
  return { experiment: await withHrOrganisation(loaded.experiment, path), warnings: loaded.warnings };
}

/** `uptake test`: the experiment on its organisation. */
export async function loadScenarioOrganised(path: string): Promise<Experiment> {
  const hrGroups = await hrGroupsOf(path);
  return withHrOrganisation(await loadScenario(path, hrGroups ? { hrGroups } : {}), path);
}

/**
 * The group names (departments, locations, levels) of the scenario's HR file, so that targets and pilots may name
 * them and the loader checks them like named departments (with the nearest name as a hint). Undefined when the
 * scenario names no HR file, or when the scenario or the file cannot be read: the loader and withHrOrganisation
 * then report why.
 */
async function hrGroupsOf(path: string): Promise<HrGroupNames | undefined> {
  let from: unknown;
  let columns: unknown;
  try {
    const organisation = (parse(await readFile(path, 'utf8')) as { organisation?: { from?: unknown; columns?: unknown } } | null)?.organisation;
    from = organisation?.from;
    columns = organisation?.columns;
  } catch {
    return undefined;
  }
  if (typeof from !== 'string' || from === '') return undefined;
  const file = isAbsolute(from) ? from : resolve(dirname(path), from);
  try {
    const hr = await readExportOnce(file, (columns && typeof columns === 'object' ? columns : {}) as Record<string, string>);
    const structure = await structureOnce(hr);
    return {
      departments: structure.departmentNames,
      ...(structure.locations ? { locations: structure.locations.names } : {}),
      ...(structure.levels ? { levels: structure.levels.names } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The experiment with its HR file's teams in params.organisation.structure, hash updated; unchanged without an HR
 * file. Every problem of the file is thrown at once as a ScenarioError (exit 2), as `uptake org` prints them.
 */
export async function withHrOrganisation(experiment: Experiment, scenarioPath: string): Promise<Experiment> {
  const source = experiment.organisationSource;
  if (!source) return experiment;
  // Loaded only for scenarios with an HR file, so other commands stay fast.
  const [{ readHrExport }, { experimentWithStructure }] = await Promise.all([import('../org/hr.ts'), import('../org/structure.ts')]);
  let hr: Awaited<ReturnType<typeof readHrExport>>;
  try {
    hr = await readExportOnce(source.file, source.columns ?? {}, readHrExport);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected an HR export (CSV)' : 'permission denied';
      throw new ScenarioError([{ file: source.file, line: 0, col: 0, path: '', message: what, hint: `organisation.from in ${scenarioPath} names it, relative to the scenario file` }]);
    }
    throw err;
  }
  const structure = await structureOnce(hr);
  departmentNumberProblems(experiment, structure.departmentNames, scenarioPath);
  const organised = experimentWithStructure(experiment, structure);
  return source.network ? withNetworkFile(organised, hr, source.network, scenarioPath) : organised;
}

/** The experiment on the ties of its network file (read and checked against the HR file), instead of generated weak ties. */
async function withNetworkFile(experiment: Experiment, hr: HrExport, source: NonNullable<NonNullable<Experiment['organisationSource']>['network']>, scenarioPath: string): Promise<Experiment> {
  const [{ readNetworkFile }, { layoutOf }, { experimentWithTies, givenTiesOf, mergeTies }] = await Promise.all([import('../org/network-file.ts'), import('../org/structure.ts'), import('../org/ties.ts')]);
  let network: Awaited<ReturnType<typeof readNetworkFile>>;
  try {
    network = await readNetworkFile(source.file, hr, { columns: source.columns ?? {} });
  } catch (err) {
    throw fileProblem(err, source.file, 'a collaboration network (CSV)', `organisation.network.from in ${scenarioPath} names it, relative to the scenario file`);
  }
  const { employee } = layoutOf(hr);
  return experimentWithTies(experiment, givenTiesOf(mergeTies(hr.people.length, employee, network), source.maxStrength));
}

/** A file that cannot be opened, as a located problem (exit 2); any other error as it is. */
function fileProblem(err: unknown, file: string, what: string, hint: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') return err;
  const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? `is a directory, expected ${what}` : 'permission denied';
  return new ScenarioError([{ file, line: 0, col: 0, path: '', message, hint }]);
}

/** Targets and named waves give the file's departments by number; the loader could not check them against a file it had not read. */
function departmentNumberProblems(experiment: Experiment, names: readonly string[], scenarioPath: string): void {
  const problems: Diagnostic[] = [];
  const known = names.map((name, k) => `${k} ${name}`).join(', ');
  const check = (target: Target | undefined, path: string) => {
    if (target?.kind !== 'departments') return;
    for (const d of target.departments) {
      if (d >= names.length) problems.push({ file: scenarioPath, line: 0, col: 0, path, message: `department number ${d} does not exist in the HR file`, hint: `its departments are ${known}` });
    }
  };
  for (const strategy of experiment.strategies) {
    strategy.interventions.forEach((intervention, i) => check(intervention.target, `strategies.${strategy.name}.interventions.${i}.target.departments`));
    const named = strategy.waves?.named;
    if (named) [named.pilot, ...named.waves].forEach((group, k) => check(group, `strategies.${strategy.name}.${k === 0 ? 'pilot' : `waves.${k - 1}`}`));
  }
  if (problems.length > 0) throw new ScenarioError(problems);
}

/** The teams of an export, worked out once though both the group names and the teams need them. */
const structures = new WeakMap<object, OrganisationStructure>();

async function structureOnce(hr: Awaited<ReturnType<typeof import('../org/hr.ts').readHrExport>>): Promise<OrganisationStructure> {
  let structure = structures.get(hr);
  if (!structure) {
    structure = (await import('../org/structure.ts')).structureOf(hr);
    structures.set(hr, structure);
  }
  return structure;
}

/** Each HR file is read once per command, though both the department names and the teams come from it. */
const exports = new Map<string, Promise<Awaited<ReturnType<typeof import('../org/hr.ts').readHrExport>>>>();

async function readExportOnce(file: string, columns: Record<string, string>, read?: typeof import('../org/hr.ts').readHrExport) {
  const key = JSON.stringify([file, columns]);
  let pending = exports.get(key);
  if (!pending) {
    const readHrExport = read ?? (await import('../org/hr.ts')).readHrExport;
    pending = readHrExport(file, { columns });
    exports.set(key, pending);
    pending.catch(() => exports.delete(key)); // a failed read is reported by the caller, and tried afresh next time
  }
  return pending;
}
