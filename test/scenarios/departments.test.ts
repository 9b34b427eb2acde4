/** Named departments with shares or sizes reach the model as department sizes. */
import { describe, expect, it } from 'vitest';
import { buildOrganisation } from '../../src/model/index.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';

describe('departments given by name', () => {
  it('size the model\'s departments in proportion to their shares', () => {
    const experiment = loadScenarioText(
      [
        'name: shares',
        'organisation:',
        '  employees: 1000',
        '  departments:',
        '    - {name: Sales, share: 0.6}',
        '    - {name: Legal, share: 0.1}',
        '    - {name: Operations, share: 0.3}',
        'strategies:',
        '  launch: {type: top_down}',
      ].join('\n'),
      'shares.yaml',
    );
    expect(experiment.params.organisation.departmentShares).toEqual([0.6, 0.1, 0.3]);
    const org = buildOrganisation(experiment.params, 1);
    const sizes = Array.from(org.departmentSize);
    // Executives sit in the departments they lead, so sizes are the shares give or take a few heads.
    expect(Math.abs(sizes[0]! - 600)).toBeLessThan(10);
    expect(Math.abs(sizes[1]! - 100)).toBeLessThan(10);
    expect(Math.abs(sizes[2]! - 300)).toBeLessThan(10);
  });
});
