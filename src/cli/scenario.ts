/**
 * Loading a scenario for a command that runs or checks it: the scenario loader, then the organisation of its HR
 * file when it names one (`organisation: {from: hr.csv}`). The loader only records the file (src/scenarios may not
 * read HR exports, src/org does); here it is read, checked and turned into the model's teams, which settle
 * employees and departments (docs/org.md).
 */
import type { Diagnostic } from '../scenarios/errors.ts';
import { ScenarioError } from '../scenarios/errors.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { loadScenario, loadScenarioWithWarnings } from '../scenarios/load.ts';

/** `uptake run`, `validate`, `explore`, `forecast`: the experiment on its organisation, and the plan warnings. */
export async function loadScenarioForCommand(path: string): Promise<{ experiment: Experiment; warnings: Diagnostic[] }> {
  const loaded = await loadScenarioWithWarnings(path);
  return { experiment: await withHrOrganisation(loaded.experiment, path), warnings: loaded.warnings };
}

/** `uptake test`: the experiment on its organisation. */
export async function loadScenarioOrganised(path: string): Promise<Experiment> {
  return withHrOrganisation(await loadScenario(path), path);
}

/**
 * The experiment with its HR file's teams in params.organisation.structure, hash updated; unchanged without an HR
 * file. Every problem of the file is thrown at once as a ScenarioError (exit 2), as `uptake org` prints them.
 */
export async function withHrOrganisation(experiment: Experiment, scenarioPath: string): Promise<Experiment> {
  const source = experiment.organisationSource;
  if (!source) return experiment;
  // Loaded only for scenarios with an HR file, so other commands stay fast.
  const [{ readHrExport }, { structureOf, experimentWithStructure }] = await Promise.all([import('../org/hr.ts'), import('../org/structure.ts')]);
  let hr: Awaited<ReturnType<typeof readHrExport>>;
  try {
    hr = await readHrExport(source.file, { columns: source.columns ?? {} });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected an HR export (CSV)' : 'permission denied';
      throw new ScenarioError([{ file: source.file, line: 0, col: 0, path: '', message: what, hint: `organisation.from in ${scenarioPath} names it, relative to the scenario file` }]);
    }
    throw err;
  }
  const structure = structureOf(hr);
  departmentNumberProblems(experiment, structure.departmentNames, scenarioPath);
  return experimentWithStructure(experiment, structure);
}

/** Targets name the file's departments by number; the loader could not check them against a file it had not read. */
function departmentNumberProblems(experiment: Experiment, names: readonly string[], scenarioPath: string): void {
  const problems: Diagnostic[] = [];
  const known = names.map((name, k) => `${k} ${name}`).join(', ');
  for (const strategy of experiment.strategies) {
    strategy.interventions.forEach((intervention, i) => {
      const target = intervention.target;
      if (target?.kind !== 'departments') return;
      for (const d of target.departments) {
        if (d >= names.length) {
          problems.push({ file: scenarioPath, line: 0, col: 0, path: `strategies.${strategy.name}.interventions.${i}.target.departments`, message: `department number ${d} does not exist in the HR file`, hint: `its departments are ${known}` });
        }
      }
    });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
}
