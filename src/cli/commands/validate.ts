/** `uptake validate <files...>`: check scenario files without running them. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ScenarioError, type Diagnostic } from '../../scenarios/errors.ts';
import { EXIT, UsageError, handleError } from '../errors.ts';
import { paint, plural, useColour } from '../format.ts';
import { warningLines } from '../warnings.ts';
import { availableMemory, estimateRun, type RunEstimate } from '../../runner/estimate.ts';
import { defaultWorkers } from '../../runner/pool.ts';
import { bytesText, estimateText } from '../estimate.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario files: every problem in each file, with file:line:col, field and a hint')
    .argument('<files...>', 'scenario files (YAML), or folders of them')
    .option('-q, --quiet', 'print nothing for valid files')
    .option('--json', 'print one JSON object on stdout: per file, ok, name, hash and every diagnostic (for editors and CI)')
    .addHelpText('after', '\nExit code 0 when every file is valid, 2 otherwise.\nExample: uptake validate scenarios/*.yaml')
    .action(async (files: string[], options: { quiet?: boolean; json?: boolean }) => {
      // Loaded here, not at start-up, so `uptake --help` and other commands stay fast.
      const { loadScenarioForCommand } = await import('../scenario.ts');
      const colour = useColour(process.stdout);
      const report: FileReport[] = [];
      files = await expandFolders(files);
      for (const file of files) {
        try {
          const { experiment, warnings } = await loadScenarioForCommand(file);
          // What `uptake run` of it would cost here, on every core (the run refuses what will not fit).
          const estimate = estimateRun(experiment, defaultWorkers());
          const available = availableMemory();
          report.push({ file, ok: true, name: experiment.name, hash: experiment.hash, diagnostics: [], warnings, estimate: { ...estimate, availableBytes: available.bytes } });
          if (!options.quiet && !options.json) {
            const summary = `${plural(experiment.strategies.length, 'strategy', 'strategies')}, ${plural(experiment.uncertainties.length, 'uncertainty', 'uncertainties')}, ${plural(experiment.rollouts, 'rollout')} × ${experiment.params.weeks} weeks`;
            process.stdout.write(`${paint('ok', 'green', colour)}  ${file}  (${experiment.name}: ${summary})\n`);
            const fits = estimate.peakBytes <= available.bytes ? '' : ` — more than the ${bytesText(available.bytes)} available here: \`uptake run\` refuses it without --force`;
            process.stdout.write(`    estimate: ${estimateText(estimate)}${fits}\n`);
          }
          if (!options.json) process.stderr.write(warningLines(warnings, useColour(process.stderr)));
        } catch (err) {
          if (err instanceof ScenarioError) {
            report.push({ file, ok: false, diagnostics: err.diagnostics });
            if (!options.json) handleError(err);
          } else if (isFileError(err)) {
            report.push({ file, ok: false, diagnostics: [{ file, line: 0, col: 0, path: '', message: (err as Error).message }] });
            if (!options.json) handleError(err);
          } else {
            throw err;
          }
        }
      }
      const failed = report.filter((r) => !r.ok).length;
      if (options.json) process.stdout.write(`${JSON.stringify({ ok: failed === 0, files: report }, null, 2)}\n`);
      else if (failed > 0 && files.length > 1) process.stderr.write(`${failed} of ${files.length} files have problems.\n`);
      if (failed > 0) process.exitCode = EXIT.BAD_INPUT;
    });
}

interface FileReport {
  file: string;
  ok: boolean;
  name?: string;
  hash?: string;
  diagnostics: Diagnostic[];
  /** Plans that cannot work as written; the file is still valid. */
  warnings?: Diagnostic[];
  /** What a run on every core here would cost (src/runner/estimate.ts), and the memory available. */
  estimate?: RunEstimate & { availableBytes: number };
}

/** A folder stands for the .yaml/.yml files in it, in name order. */
async function expandFolders(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
    if (names.length === 0) throw new UsageError(`${path} holds no .yaml files`, 'name scenario files, or a folder that holds some');
    out.push(...names.map((n) => join(path, n)));
  }
  return out;
}

function isFileError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof UsageError || (err instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code));
}
