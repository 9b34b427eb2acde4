/** `uptake merge <dirs...> --out DIR`: combine shards' partial results into one output folder (docs/distributed.md). */
import type { Command } from 'commander';
import { mergeShards } from '../../runner/merge.ts';
import { afterOutputs, comparisonJson, comparisonText } from './run.ts';
import { UsageError } from '../errors.ts';
import { formatDuration, plural, useColour } from '../format.ts';

interface MergeFlags {
  out?: string;
  quiet?: boolean;
  json?: boolean;
  force?: boolean;
  report: boolean;
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine the partial results of `uptake run --shard K/N` into one output folder, identical to an unsharded run')
    .argument('<dirs...>', 'the shards\' output folders (every shard of one run, any order)')
    .option('-o, --out <dir>', 'output folder for the merged result (required)')
    .option('-q, --quiet', 'print errors only')
    .option('--json', 'print the comparison as JSON on stdout instead of a table')
    .option('--force', 'replace an output folder that holds another scenario\'s results')
    .option('--no-report', 'do not render the report after merging')
    .addHelpText('after', '\nExample: uptake merge out/default-shard-* --out out/default\nSee docs/distributed.md.')
    .action(async (dirs: string[], flags: MergeFlags) => {
      if (!flags.out) throw new UsageError('merge needs --out DIR', 'e.g. uptake merge out/default-shard-* --out out/default');
      const result = await mergeShards({ dirs, out: flags.out, force: flags.force, command: ['uptake', 'merge', ...process.argv.slice(3)].join(' ') });
      const summary = result.summary!;
      if (!flags.quiet) process.stderr.write(`Merged ${plural(dirs.length, 'shard')} into ${flags.out} in ${formatDuration(result.manifest.seconds)}.\n`);
      if (flags.json) process.stdout.write(JSON.stringify(comparisonJson(summary, result.out), null, 2) + '\n');
      else if (!flags.quiet) process.stdout.write(comparisonText(summary, useColour(process.stdout)));
      if (flags.report) await afterOutputs(result.out, { quiet: flags.quiet === true });
    });
}
