/** `uptake init [file]`: write a commented starter scenario to edit. */
import { access, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { starterScenario } from '../../scenarios/template.ts';
import { UsageError } from '../errors.ts';

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter scenario file')
    .argument('[file]', 'where to write it', 'scenario.yaml')
    .option('-f, --force', 'overwrite the file if it exists')
    .option('-n, --name <name>', 'scenario name (an identifier such as acme_rollout)')
    .addHelpText('after', '\nThen: uptake validate scenario.yaml && uptake run scenario.yaml')
    .action(async (file: string, options: { force?: boolean; name?: string }) => {
      if (file === '-') {
        process.stdout.write(starterScenario(options.name));
        return;
      }
      // A scenario file is YAML: --force must never replace a CSV or anything else a typo names.
      if (!/\.ya?ml$/i.test(file)) {
        throw new UsageError(`${file} is not a .yaml file: init writes a scenario`, `name a .yaml file, e.g. uptake init ${file.replace(/\.[^./\\]*$/, '')}.yaml`);
      }
      if (!options.force && (await exists(file))) {
        throw new UsageError(`${file} already exists`, 'pass --force to overwrite it, or name another file');
      }
      if (options.name !== undefined && !/^[a-z][a-z0-9_]*$/.test(options.name)) {
        throw new UsageError(`--name ${JSON.stringify(options.name)} is not an identifier`, 'use lower case letters, digits and _, starting with a letter, e.g. acme_rollout');
      }
      await writeFile(file, starterScenario(options.name));
      process.stderr.write(`wrote ${file}; next: uptake validate ${file} && uptake run ${file}\n`);
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
