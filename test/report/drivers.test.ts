/** "What drives the result": the sentences and the tornado chart from summary.json's drivers. */
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { driverSentences, driversChart } from '../../src/report/drivers.ts';
import type { ReportData } from '../../src/report/model.ts';
import type { Driver } from '../../src/runner/drivers.ts';

function dataWith(drivers: Driver[]): ReportData {
  const strategies = [{ name: 'waves', label: 'Waves', waves: 2 }, { name: 'wide', label: 'Go wide', waves: 0 }];
  return { strategies, summary: { drivers, strategies, experiment: { rollouts: 200 } } } as unknown as ReportData;
}

const d = (outcome: string, strategy: string, input: string, rho: number, half = 0.1): Driver => ({ outcome, strategy, input, rho, low: rho - half, high: rho + half, n: 200 });

describe('what drives the result', () => {
  it('names, per main outcome, the uncertainty with the strongest rank correlation, which way it pushes, and what decides the first pair', () => {
    const data = dataWith([
      d('sustained_share', 'waves', 'adoption.imitation', 0.2), d('sustained_share', 'wide', 'adoption.imitation', 0.3),
      d('sustained_share', 'waves', 'adoption.empty_room_lapse', -0.7), d('sustained_share', 'wide', 'adoption.empty_room_lapse', -0.6),
      d('sustained_share', 'waves-wide', 'adoption.imitation', 0.05), d('sustained_share', 'waves-wide', 'adoption.empty_room_lapse', 0.5),
    ]);
    expect(driverSentences(data)).toEqual([
      'Sustained use depends most on adoption.empty_room_lapse (rank correlation −0.70 to −0.60 across strategies: the higher it is, the less sustained use); the gap of Waves minus Go wide depends most on adoption.empty_room_lapse (+0.50).',
    ]);
  });

  it('says plainly when no interval excludes 0, and says nothing without drivers', () => {
    expect(driverSentences(dataWith([d('cost', 'waves', 'costs.training_per_person', 0.05), d('cost', 'wide', 'costs.training_per_person', -0.04)]))).toEqual([
      'The cost: no uncertainty has a clear influence at 200 rollouts (every interval covers 0).',
    ]);
    expect(driverSentences(dataWith([]))).toEqual([]);
    expect(driversChart(dataWith([]))).toBeUndefined();
  });

  it('draws a tornado of sustained use per strategy and for the first pair that compiles, strongest input first', () => {
    const chart = driversChart(dataWith([
      d('sustained_share', 'waves', 'a', 0.1), d('sustained_share', 'waves', 'b', -0.8), d('sustained_share', 'wide', 'a', 0.2),
      d('sustained_share', 'wide', 'b', -0.7), d('sustained_share', 'waves-wide', 'b', 0.4), d('cost', 'waves', 'a', 0.9),
    ]))!;
    expect(chart.name).toBe('drivers');
    const spec = chart.spec as { data: { values: { input: string; group: string; clear: string }[] }; spec: { layer: { encoding: { y?: { sort?: string[] } } }[] } };
    expect(spec.data.values).toHaveLength(5); // sustained use only
    expect(new Set(spec.data.values.map((v) => v.group))).toEqual(new Set(['Waves', 'Go wide', 'Waves minus Go wide']));
    expect(spec.spec.layer[1]!.encoding.y!.sort).toEqual(['b', 'a']);
    expect(spec.data.values.find((v) => v.input === 'a' && v.group === 'Waves')!.clear).toBe('about zero');
    expect(() => compile(chart.spec as unknown as TopLevelSpec)).not.toThrow();
  });
});
