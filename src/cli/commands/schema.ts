/** `uptake schema`: the JSON Schema of scenario files, for editor completion and checks. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (generated from the same definition the loader uses)')
    .option('-o, --out <file>', 'write it to a file instead of stdout')
    .addHelpText(
      'after',
      '\nEditors: add `# yaml-language-server: $schema=../schema/scenario.schema.json` at the top of a scenario.\nRegenerate the committed copy with `npm run schema`.',
    )
    .action(async (options: { out?: string }) => {
      const { scenarioJsonSchemaText } = await import('../../scenarios/schema.ts');
      const text = scenarioJsonSchemaText();
      if (options.out) {
        await writeFile(options.out, text);
        process.stderr.write(`wrote ${options.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
