import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTERVENTION_SPECS, INTERVENTION_TYPES, withInterventionDefaults } from '../../src/model/index.ts';
import { interventionSchema } from '../../src/scenarios/schema.ts';
import { toSnake } from '../../src/scenarios/names.ts';
import type { InterventionOf } from '../../src/model/plan.ts';

describe('the table of intervention types', () => {
  it('has one entry per type, in the order of INTERVENTION_TYPES', () => {
    expect(INTERVENTION_SPECS.map((s) => s.type)).toEqual([...INTERVENTION_TYPES]);
  });

  it('is what the scenario schema accepts: the same fields for every type', () => {
    const json = JSON.stringify(interventionSchema.toJSONSchema?.() ?? {});
    for (const spec of INTERVENTION_SPECS) {
      for (const field of spec.fields) expect(json, `${spec.type}.${field.name}`).toContain(`"${toSnake(field.name)}"`);
    }
  });

  it('fills in the defaults a type has and leaves given values and default-less fields alone', () => {
    expect(withInterventionDefaults({ type: 'announcement' })).toMatchObject({ type: 'announcement', strength: 0.8 });
    expect(withInterventionDefaults({ type: 'announcement', strength: 0.3 }).strength).toBe(0.3);
    expect(withInterventionDefaults<InterventionOf<'governance'>>({ type: 'governance' }).decision).toBe('pay');
    expect(withInterventionDefaults<InterventionOf<'training'>>({ type: 'training' }).capacity).toBeUndefined();
    expect(withInterventionDefaults<InterventionOf<'training'>>({ type: 'training' }).share).toBeUndefined();
  });

  it('is the only place defaults are written: the simulation has no fallback for an intervention field', () => {
    const code = readFileSync(new URL('../../src/model/simulation.ts', import.meta.url), 'utf8');
    expect(code.match(/spec\.\w+ \?\?/g) ?? []).toEqual([]);
  });
});
