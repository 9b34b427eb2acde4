/**
 * The forecast pipeline end to end on a small firm whose telemetry the model itself generated:
 * the same bytes for 1 and 2 workers and after an interrupted calibration is resumed, forecasts that
 * continue each particle's own rollout, counts that stay within the population, and a posterior
 * that has learnt from the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenarios/load.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';
import { ForecastInterrupted, runForecast, type ForecastResult } from '../../src/forecast/forecast.ts';
import { telemetryCsv } from '../../src/forecast/synthetic.ts';

const EMPLOYEES = 500;
const WEEKS = 12;
const TRUTH = { 'adoption.trial_conversion': 0.35 };

export const SMALL_PILOT = `name: small_pilot
label: Small pilot
horizon: 30
rollouts: 10
seed: 11
organisation:
  employees: ${EMPLOYEES}
  departments: 3
  communities: 6
uncertainties:
  adoption.trial_conversion: {uniform: [0.1, 0.7]}
strategies:
  pilot:
    type: phased_pilot
    options: {pilot_share: 0.4, waves: 2, gate_min_weeks: 4}
  top_down:
    type: top_down
forecast:
  in_progress: pilot
  telemetry: telemetry.csv
  alternatives: [continue, top_down]
  particles: 60
  budget: 1500
  generations: 6
`;

let root: string;
let experiment: Experiment;

/** The bytes of a forecast's result files (not the manifest and diagnostics, which hold timings). */
function bytes(dir: string): Record<string, string> {
  const files = ['posterior.csv', 'parameters.csv', 'observed.csv', 'rollouts.csv', 'timeseries.csv', 'summary.json', 'bass.json'];
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function rows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

let reference: ForecastResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'uptake-forecast-'));
  writeFileSync(join(root, 'small.yaml'), SMALL_PILOT);
  experiment = await loadScenario(join(root, 'small.yaml'));
  writeFileSync(join(root, 'telemetry.csv'), telemetryCsv(experiment, TRUTH, { weeks: WEEKS, seed: 5, command: 'test' }));
  reference = await runForecast({ experiment, out: join(root, 'one'), workers: 1 });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake forecast, end to end', () => {
  it('writes every documented file, and the same bytes on 2 workers as on 1', async () => {
    for (const f of ['posterior.csv', 'parameters.csv', 'observed.csv', 'rollouts.csv', 'timeseries.csv', 'summary.json', 'bass.json', 'diagnostics.json', 'experiment.json', 'manifest.json']) {
      expect(existsSync(join(reference.dir, f)), f).toBe(true);
    }
    const two = await runForecast({ experiment, out: join(root, 'two'), workers: 2 });
    expect(bytes(two.dir)).toEqual(bytes(reference.dir));
  }, 120_000);

  it('keeps the finished generations on an interrupt, and --resume gives the bytes of an uninterrupted run', async () => {
    const controller = new AbortController();
    const out = join(root, 'resumed');
    const err = await runForecast({
      experiment, out, workers: 1, signal: controller.signal,
      onGeneration: (g) => { if (g.generation === 0) controller.abort(); },
    }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ForecastInterrupted);
    const interrupted = err as ForecastInterrupted;
    expect(interrupted.generations).toBe(1);
    expect(existsSync(join(interrupted.workDir, 'checkpoint.json'))).toBe(true);
    expect(existsSync(join(out, 'forecast'))).toBe(false);
    const resumed = await runForecast({ experiment, out, workers: 2, resume: true });
    expect(bytes(resumed.dir)).toEqual(bytes(reference.dir));
    expect(existsSync(interrupted.workDir)).toBe(false);
  }, 120_000);

  it('says why the calibration stopped and reports every generation', () => {
    const c = reference.calibration;
    expect(c.generations.length).toBeGreaterThanOrEqual(1);
    expect(c.simulations).toBeLessThanOrEqual(1500);
    const diagnostics = JSON.parse(readFileSync(join(reference.dir, 'diagnostics.json'), 'utf8')) as { stopReason: string; generations: unknown[]; calibratedWeeks: number };
    expect(diagnostics.stopReason).toBe(c.stopReason);
    expect(diagnostics.generations).toHaveLength(c.generations.length);
    expect(diagnostics.calibratedWeeks).toBe(WEEKS);
  });

  it('continues each particle from its own state: every alternative has the same weeks up to the last observed one, and they part after', () => {
    const series = rows(join(reference.dir, 'timeseries.csv'));
    const strategies = [...new Set(series.map((r) => r.strategy!))];
    expect(strategies.sort()).toEqual(['continue', 'top_down']);
    const key = (r: Record<string, string>) => `${r.metric}|${r.week}`;
    const of = (s: string) => new Map(series.filter((r) => r.strategy === s).map((r) => [key(r), JSON.stringify({ ...r, strategy: '' })]));
    const a = of('continue');
    const b = of('top_down');
    let before = 0;
    let differentAfter = 0;
    for (const [k, v] of a) {
      const week = Number(k.split('|')[1]);
      if (week <= WEEKS) {
        expect(b.get(k), k).toBe(v);
        before++;
      } else if (b.get(k) !== v) differentAfter++;
    }
    expect(before).toBeGreaterThan(0);
    expect(differentAfter).toBeGreaterThan(0);
  });

  it('never forecasts a negative count or more people than work there, nor a share outside 0..1', () => {
    const series = rows(join(reference.dir, 'timeseries.csv'));
    const quantiles = ['mean', 'p05', 'p25', 'p50', 'p75', 'p95'];
    expect(Object.keys(series[0]!)).toEqual(['strategy', 'week', 'metric', ...quantiles]);
    expect(series.filter((r) => r.metric!.endsWith('_share')).length).toBeGreaterThan(0);
    for (const r of series) {
      for (const q of quantiles) {
        const v = Number(r[q]);
        const what = `${r.strategy} ${r.metric} week ${r.week} ${q}`;
        expect(v, what).toBeGreaterThanOrEqual(0);
        if (r.metric!.endsWith('_share')) expect(v, what).toBeLessThanOrEqual(1);
        if (r.metric === 'communities_alive') expect(v, what).toBeLessThanOrEqual(6);
      }
    }
  });

  it('learns from the data: the posterior of the trial conversion is narrower than its prior and holds the truth', () => {
    const p = reference.parameters.find((x) => x.parameter === 'adoption.trial_conversion')!;
    expect(p.posterior.p95 - p.posterior.p05).toBeLessThan(0.7 * (p.prior.p95 - p.prior.p05));
    expect(TRUTH['adoption.trial_conversion']).toBeGreaterThanOrEqual(p.posterior.p05);
    expect(TRUTH['adoption.trial_conversion']).toBeLessThanOrEqual(p.posterior.p95);
    const posterior = rows(join(reference.dir, 'posterior.csv'));
    expect(posterior).toHaveLength(60);
    const total = posterior.reduce((s, r) => s + Number(r.weight), 0);
    expect(total).toBeCloseTo(1, 5);
  });

  it('scores a holdout backtest for the model, and says when the holdout leaves nothing to calibrate on', async () => {
    const held = await runForecast({ experiment, out: join(root, 'holdout'), workers: 2, holdout: 3 });
    expect(held.lastWeek).toBe(WEEKS - 3);
    const b = held.backtest!;
    expect(b.weeks).toBe(3);
    expect(b.rows.length).toBe(3 * 3); // 3 weeks × active, posters and posts (the file has posts)
    for (const r of b.rows) expect(r.p05).toBeLessThanOrEqual(r.p95);
    expect(b.model.coverage90).toBeGreaterThanOrEqual(b.model.coverage50);
    expect(b.model.crps).toBeGreaterThanOrEqual(0);
    expect(b.model.firstTimeUsersApe).not.toBeNull();
    expect(b.model.firstTimeUsersApe!).toBeGreaterThanOrEqual(0);
    expect(b.bass === null || b.bass.mape === null || b.bass.mape >= 0).toBe(true);
    expect(readFileSync(join(held.dir, 'backtest.csv'), 'utf8').split('\n')[0]).toBe('group,metric,week,observed,p05,p25,p50,p75,p95');
    await expect(runForecast({ experiment, out: join(root, 'nothing'), workers: 1, holdout: WEEKS })).rejects.toThrow(/--holdout 12: the telemetry has 12 weeks/);
    expect(existsSync(join(root, 'nothing'))).toBe(false);
  }, 120_000);
});
