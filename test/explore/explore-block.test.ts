/** The explore: block: inputs resolved to parameters and strategy options, every problem at its line with a hint. */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { exploreSettings } from '../../src/explore/design.ts';
import { BASE, problems } from '../scenarios/helpers.ts';

const withExplore = (block: string): string => `${BASE}explore:\n${block}`;

describe('explore: block', () => {
  it('expands parameters and strategy options with their ranges; flags override samples and rollouts', () => {
    const experiment = loadScenarioText(withExplore('  inputs:\n    adoption.imitation: [0.1, 0.4]\n    strategies.pilot.options.pilot_share: [0.05, 0.3]\n  samples: 64\n  rollouts: 3\n'), 'x.yaml');
    expect(experiment.explore?.inputs.map((i) => i.name)).toEqual(['adoption.imitation', 'strategies.pilot.options.pilot_share']);
    expect(experiment.explore?.inputs[0]!.target).toEqual({ kind: 'parameter', path: 'adoption.imitation' });
    expect(experiment.explore?.inputs[1]!.target).toMatchObject({ kind: 'option', strategy: 1, type: 'phased_pilot', option: 'pilotShare' });
    expect(experiment.explore?.inputs[1]!.distribution).toEqual({ kind: 'uniform', min: 0.05, max: 0.3 });
    expect(exploreSettings(experiment)).toMatchObject({ samples: 64, rollouts: 3, from: 'explore' });
    expect(exploreSettings(experiment, { samples: 16, rollouts: 2 })).toMatchObject({ samples: 16, rollouts: 2 });
  });

  it('without inputs, explores the uncertainties over their own distributions', () => {
    const text = BASE.replace('silo_strength: 0.6', 'silo_strength: {triangular: [0.4, 0.5, 0.8]}');
    const settings = exploreSettings(loadScenarioText(text, 'x.yaml'));
    expect(settings.from).toBe('uncertainties');
    expect(settings.inputs.map((i) => i.name)).toEqual(['organisation.silo_strength']);
    expect(settings.inputs[0]!.distribution).toEqual({ kind: 'triangular', min: 0.4, mode: 0.5, max: 0.8 });
    expect(() => exploreSettings(loadScenarioText(BASE, 'x.yaml'))).toThrow(/nothing to explore/);
    expect(() => exploreSettings(loadScenarioText(text, 'x.yaml'), { samples: 12 })).toThrow(/power of two/);
  });

  it('reports every problem at once, each at its line with a hint', () => {
    const lines = problems(withExplore([
      '  inputs:',
      '    adoption.imitaton: [0.1, 0.4]',
      '    adoption.retrial: [0.5, 1.5]',
      '    strategies.pilot.options.waves: [1, 3]',
      '    strategies.nope.options.pilot_share: [0.1, 0.2]',
      '    horizon: [20, 30]',
      '    adoption.base_lapse: [0.3, 0.1]',
      '  samples: 100',
      '',
    ].join('\n')), 'bad.yaml');
    const base = BASE.split('\n').length; // the line of `explore:`
    expect(lines).toHaveLength(7);
    const at = (line: number): string => lines.find((l) => l.startsWith(`bad.yaml:${line}:`)) ?? `no problem at line ${line}: ${lines.join('\n')}`;
    expect(at(base + 2)).toMatch(/adoption\.imitaton is not a parameter.*did you mean adoption\.imitation/);
    expect(at(base + 3)).toMatch(/leaves what adoption\.retrial allows \(from 0 to 1\)/);
    expect(at(base + 4)).toMatch(/number of waves cannot be an input/);
    expect(at(base + 5)).toMatch(/no strategy "nope"/);
    expect(at(base + 6)).toMatch(/horizon cannot be an input/);
    expect(at(base + 7)).toMatch(/range \[0\.3, 0\.1\] is empty/);
    expect(at(base + 8)).toMatch(/samples must be a power of two.*use 64 or 128/);
  });

  it('refuses options of a custom strategy and unknown fields', () => {
    const custom = `${BASE}  plan:\n    type: custom\n    interventions:\n      - {type: announcement, at: 0}\nexplore:\n  inputs:\n    strategies.plan.options.pilot_share: [0.1, 0.2]\n  sample: 64\n`;
    const lines = problems(custom);
    expect(lines, lines.join('\n')).toHaveLength(2);
    expect(lines.some((l) => /custom strategy: it has no options to vary/.test(l))).toBe(true);
    expect(lines.some((l) => /sample/.test(l))).toBe(true);
  });
});

describe('design points of a strategy option', () => {
  it('rebuild the strategy with the option set, keeping its label and its own interventions, and leave the others alone', async () => {
    const { buildDesign, pointPlans, pointOverride } = await import('../../src/explore/design.ts');
    const text = BASE.replace('  pilot:\n    type: phased_pilot\n', '  pilot:\n    type: phased_pilot\n    label: Our pilot\n    interventions:\n      - {type: announcement, at: 3}\n')
      + 'explore:\n  inputs:\n    strategies.pilot.options.pilot_share: [0.05, 0.3]\n    strategies.pilot.options.gate_min_weeks: [2, 10]\n    adoption.imitation: [0.1, 0.4]\n  samples: 4\n';
    const experiment = loadScenarioText(text, 'x.yaml');
    const design = buildDesign(exploreSettings(experiment));
    for (let p = 0; p < design.points; p++) {
      const plans = pointPlans(experiment, design, p)!;
      expect(plans[0]).toBe(experiment.strategies[0]); // top_down: untouched
      const pilot = plans[1]!;
      expect(pilot.label).toBe('Our pilot');
      expect(pilot.waves?.pilotShare).toBe(design.values[p * 3]);
      expect(Number.isInteger(design.values[p * 3 + 1])).toBe(true); // gate_min_weeks is whole weeks
      expect(pilot.interventions.at(-1)).toEqual(experiment.strategies[1]!.interventions.at(-1));
      expect(pilot.interventions).toHaveLength(experiment.strategies[1]!.interventions.length);
      expect(pointOverride(experiment, design, p, 1, plans)).toEqual({ rollout: 1, params: { 'adoption.imitation': design.values[p * 3 + 2] }, strategies: plans });
    }
  });
});
