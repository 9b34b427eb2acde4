/**
 * `npm run schema`: regenerate schema/scenario.schema.json and the reference
 * tables in docs/scenarios.md from the zod schema and PARAMETER_SPECS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { withReference } from './docs.ts';
import { scenarioJsonSchemaText } from './schema.ts';

const root = new URL('../../', import.meta.url);
await writeFile(new URL('schema/scenario.schema.json', root), scenarioJsonSchemaText());
console.error('wrote schema/scenario.schema.json');
const docsUrl = new URL('docs/scenarios.md', root);
const docs = await readFile(docsUrl, 'utf8');
const updated = withReference(docs);
if (updated === undefined) {
  console.error('docs/scenarios.md has no generated-reference markers; left unchanged');
  process.exitCode = 1;
} else {
  await writeFile(docsUrl, updated);
  console.error('updated docs/scenarios.md');
}
