import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MECHANISM_NAMES, PARAMETER_SPECS } from '../../src/model/params.ts';
import { INTERVENTION_TYPES } from '../../src/model/plan.ts';
import { BOTTOM_UP_DEFAULTS, PHASED_PILOT_DEFAULTS, TOP_DOWN_DEFAULTS } from '../../src/model/strategies.ts';
import { referenceMarkdown, withReference } from '../../src/scenarios/docs.ts';
import { fileParamPath, toSnake } from '../../src/scenarios/names.ts';
import { UNCERTAIN_PATHS, scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenarios/schema.ts';
import { STRATEGY_OPTION_SPECS } from '../../src/model/strategy-options.ts';

const builtinDefaults = { top_down: TOP_DOWN_DEFAULTS, bottom_up: BOTTOM_UP_DEFAULTS, phased_pilot: PHASED_PILOT_DEFAULTS };
const editorValidator = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(new URL('../../schema/scenario.schema.json', import.meta.url), 'utf8')));
const validateScenarioObject = (value: unknown): boolean => editorValidator(value) as boolean;

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the JSON Schema', () => {
  it('committed in schema/scenario.schema.json is up to date with the zod schema', () => {
    const committed = read('schema/scenario.schema.json');
    expect(committed === scenarioJsonSchemaText(), 'schema/scenario.schema.json is stale: run `npm run schema` and commit the result').toBe(true);
  });

  it('offers every model parameter in its section and under uncertainties, with its range', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, { properties?: Record<string, { anyOf?: { minimum?: number; maximum?: number }[] }> }> };
    for (const spec of PARAMETER_SPECS) {
      if (spec.path === 'weeks') continue;
      const [section, field] = fileParamPath(spec.path).split('.') as [string, string];
      const entry = schema.properties[section]?.properties?.[field];
      expect(entry, spec.path).toBeDefined();
      const number = entry!.anyOf!.find((a) => a.minimum !== undefined)!;
      expect([number.minimum, number.maximum], spec.path).toEqual([spec.min, spec.max]);
      expect(schema.properties.uncertainties!.properties![fileParamPath(spec.path)], spec.path).toBeDefined();
    }
    expect(UNCERTAIN_PATHS).not.toContain('horizon');
  });

  it('lists every intervention type and mechanism', () => {
    const text = scenarioJsonSchemaText();
    for (const t of INTERVENTION_TYPES) expect(text).toContain(`"const": "${t}"`);
    for (const m of MECHANISM_NAMES) expect(text).toContain(`"${toSnake(m)}"`);
  });

  it('accepts every bundled scenario and the starter in an editor\'s validator (draft-07, ajv)', async () => {
    const { starterScenario } = await import('../../src/scenarios/template.ts');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(read('schema/scenario.schema.json')));
    const files = readdirSync(new URL('../../scenarios/', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    for (const text of [...files.map((f) => read(`scenarios/${f}`)), starterScenario()]) {
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ name: 'x', strategies: { a: { type: 'top-down' } } })).toBe(false);
    expect(validate({ name: 'x', organisation: { silo_strength: 2 }, strategies: { a: { type: 'top_down' } } })).toBe(false);
  });

  it('takes every built-in strategy option, with its range and meaning, from the one table', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    for (const [type, options] of Object.entries(STRATEGY_OPTION_SPECS)) {
      const defaults = builtinDefaults[type as keyof typeof builtinDefaults];
      expect(Object.keys(defaults).sort(), type).toEqual(options.map((o) => o.name).sort());
      for (const o of options) {
        expect(o.meaning, o.name).toBeTruthy();
        expect(o.source, o.name).toMatch(/docs\/sources\.md/);
        expect((defaults as Record<string, unknown>)[o.name], o.name).toEqual(o.default);
        expect(text, o.name).toContain(JSON.stringify(`${o.meaning} Default ${JSON.stringify(o.default)}.`).slice(1, -1));
      }
    }
    // Ranges come from the table: a pilot share of 0 and a fractional wave count are refused.
    expect(validateScenarioObject({ name: 'x', strategies: { a: { type: 'phased_pilot', options: { pilot_share: 0 } } } })).toBe(false);
    expect(validateScenarioObject({ name: 'x', strategies: { a: { type: 'phased_pilot', options: { waves: 1.5 } } } })).toBe(false);
    expect(validateScenarioObject({ name: 'x', strategies: { a: { type: 'phased_pilot', options: { pilot_share: 0.2, waves: 2 } } } })).toBe(true);
  });
});

describe('docs/scenarios.md', () => {
  const docs = read('docs/scenarios.md');

  it('has the generated reference tables up to date', () => {
    expect(withReference(docs) === docs, 'the reference tables in docs/scenarios.md are stale: run `npm run schema` and commit the result').toBe(true);
  });

  it('has a complete example that loads, and an error example whose output is the loader\'s', async () => {
    const { loadScenarioText } = await import('../../src/scenarios/load.ts');
    const { ScenarioError } = await import('../../src/scenarios/errors.ts');
    const example = /## A complete example\n\n```yaml\n([\s\S]*?)```/.exec(docs)![1]!;
    const e = loadScenarioText(example, 'acme.yaml');
    expect(e.strategies.map((s) => s.name)).toEqual(['top_down', 'phased_pilot', 'my_plan']);
    const [, bad, shown] = /## Errors[\s\S]*?```yaml\n([\s\S]*?)```\n\n```\n\$ uptake validate acme\.yaml\n([\s\S]*?)```/.exec(docs)!;
    let lines: string[] = [];
    try {
      loadScenarioText(bad!, 'acme.yaml');
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      lines = [...err.lines(), `${err.diagnostics.length} problems found.`];
    }
    expect(`${lines.join('\n')}\n`, 'update the example output in docs/scenarios.md (## Errors)').toBe(shown);
  });

  it('describes every top-level field in the layout table', () => {
    const fields = Object.keys((scenarioJsonSchema() as { properties: object }).properties);
    for (const field of fields) expect(docs, `add ${field} to the Layout table of docs/scenarios.md`).toMatch(new RegExp(`^\\|[^\\n]*\`${field}\``, 'm'));
  });

  it('mentions every parameter by its scenario-file name with its default', () => {
    for (const spec of PARAMETER_SPECS) {
      const field = fileParamPath(spec.path).split('.').pop()!;
      expect(docs, spec.path).toContain(`| \`${field}\` |`);
    }
    expect(referenceMarkdown()).toContain('| `silo_strength` | 0.6 | 0..1 |');
  });

  it('mentions every mechanism, intervention type and distribution', () => {
    for (const m of MECHANISM_NAMES) expect(docs).toContain(`\`${toSnake(m)}\``);
    for (const t of INTERVENTION_TYPES) expect(docs).toContain(`\`${t}\``);
    for (const d of ['fixed', 'uniform', 'normal', 'truncated_normal', 'triangular', 'beta', 'lognormal', 'choice']) expect(docs).toContain(`| ${d} |`);
  });
});
