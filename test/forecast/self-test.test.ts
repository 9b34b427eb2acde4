/**
 * The forecast's self-test (simulation-based calibration, Talts et al. 2018) in small: a 300-person
 * firm going top-down, 12 observed weeks of weekly active users, two calibrated parameters. Every
 * tolerance below comes from the Monte Carlo error of the number of pilots, not from a past run.
 */
import { describe, expect, it } from 'vitest';
import { calibrationSetup } from '../../src/forecast/calibrate.ts';
import {
  COVERAGE_SIGMAS, SELF_TEST_DRAWS, calibratePilot, chiSquareSurvival, coverage, coverageTolerance, priorWidth90, rankBins, rankHistogram,
  runSelfTest, uniformChiSquare, type SelfTestResult,
} from '../../src/forecast/self-test.ts';
import { syntheticTelemetry, thetaOf } from '../../src/forecast/synthetic.ts';
import { ForecastThreads } from '../../src/forecast/threads.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { selfTestText } from '../../src/cli/commands/forecast-self-test.ts';

// Weekly active users only: the zero-heavy early posters and posts counts have tiny prior spreads and
// would dominate the distance. (Every metric is listed: the schema wants all four keys.)
const SCENARIO = `name: self_test_firm
label: Self-test firm
horizon: 40
rollouts: 5
seed: 11
organisation:
  employees: 300
  departments: 4
  silo_strength: 0.6
population:
  producer_share: 0.1
uncertainties:
  adoption.external_influence: {uniform: [0.001, 0.05]}
  adoption.empty_room_lapse: {uniform: [0.05, 0.6]}
strategies:
  top_down:
    type: top_down
  pilot:
    type: phased_pilot
forecast:
  in_progress: top_down
  alternatives: [continue]
  metrics: {with_access: 0, active: 1, posters: 0, posts: 0}
`;
const experiment = loadScenarioText(SCENARIO, 'self-test.yaml');
const WEEKS = 12;
const PILOTS = 50;

describe('forecast self-test: simulation-based calibration', () => {
  let sbc: SelfTestResult;

  it(`${PILOTS} synthetic pilots: every 50% and 90% coverage is within ${COVERAGE_SIGMAS} binomial standard errors of nominal`, async () => {
    sbc = await runSelfTest(experiment, { pilots: PILOTS, weeks: WEEKS, particles: 60, budget: 1500, workers: 1, seed: 2026 });
    expect(sbc.parameters.map((p) => p.parameter)).toEqual(['adoption.external_influence', 'adoption.empty_room_lapse']);
    expect(sbc.pilotResults).toHaveLength(PILOTS);
    for (const p of sbc.parameters) {
      for (const [c, nominal] of [[p.coverage50, 0.5], [p.coverage90, 0.9]] as const) {
        const tolerance = COVERAGE_SIGMAS * Math.sqrt((nominal * (1 - nominal)) / PILOTS);
        expect(c.n).toBe(PILOTS);
        expect(c.hits).toBe(sbc.pilotResults.filter((r) => (nominal === 0.5 ? r.inside50 : r.inside90)[sbc.parameters.indexOf(p)]).length);
        expect(Math.abs(c.observed - nominal), `${p.parameter} ${nominal * 100}% coverage ${c.observed}`).toBeLessThanOrEqual(tolerance);
        expect(c.withinTolerance).toBe(true);
      }
    }
    expect(sbc.passed).toBe(true);
  });

  it('the ranks of the truths are uniform: the rank histogram\'s chi-square p-value is not tiny', () => {
    for (const p of sbc.parameters) {
      expect(p.histogram.reduce((s, c) => s + c, 0)).toBe(PILOTS);
      expect(p.ranks.every((r) => Number.isInteger(r) && r >= 0 && r <= SELF_TEST_DRAWS)).toBe(true);
      expect(p.histogram).toEqual(rankHistogram(p.ranks, SELF_TEST_DRAWS, sbc.bins));
      expect(p.pValue, `${p.parameter}: histogram ${p.histogram.join(' ')}`).toBeGreaterThan(0.001);
    }
  });

  it('a known pilot is recovered within its 90% interval, and the data narrow the empty-room lapse well below its prior', async () => {
    // A low lapse: the pilots above show the lapse is identified best there (most users who try stay,
    // so the active curve says how fast the others leave); above about 0.3 the 90% width nears 0.7 of the prior's.
    const truth = { 'adoption.external_influence': 0.01, 'adoption.empty_room_lapse': 0.15 };
    const theta = thetaOf(experiment, truth);
    const telemetry = syntheticTelemetry(experiment, theta, { weeks: WEEKS, seed: 77 });
    // 200 particles: the 5% and 95% quantiles of fewer particles are rough enough to move the width by a tenth.
    const setup = calibrationSetup(experiment, telemetry, WEEKS, { particles: 200, budget: 8000, seed: 78 });
    const threads = new ForecastThreads(experiment, setup.layout, 1);
    const pilot = await calibratePilot(setup, theta, threads, 79, Object.keys(truth)).finally(() => threads.close());
    expect(pilot.inside90).toEqual([true, true]);
    const [lo, hi] = pilot.interval90[1]!;
    const ratio = (hi - lo) / priorWidth90(experiment.forecast!.parameters[1]!.distribution, 1);
    expect(ratio).toBeLessThan(0.7);
    // Over all the pilots too: the lapse is learnt, not just this once.
    expect(sbc.parameters[1]!.widthRatio90).toBeLessThan(0.7);
  });

  it('gives the same result on 1 and 2 workers', async () => {
    const options = { pilots: 3, weeks: 8, particles: 30, budget: 300, seed: 5 };
    const one = await runSelfTest(experiment, { ...options, workers: 1 });
    const two = await runSelfTest(experiment, { ...options, workers: 2 });
    expect(two).toEqual(one);
    const other = await runSelfTest(experiment, { ...options, seed: 6, workers: 1 });
    expect(other.pilotResults[0]!.truth).not.toEqual(one.pilotResults[0]!.truth);
  });
});

describe('forecast self-test: its statistics', () => {
  it('chi-square survival matches closed forms (df 2: e^(−x/2); df 1: 2(1 − Φ(√x)))', () => {
    for (const x of [0.1, 1, 3.84, 10, 40]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 10);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(16.918977604620448, 9)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(0, 4)).toBe(1);
  });

  it('uniform counts have chi-square 0; the histogram bins ranks 0..L evenly', () => {
    expect(uniformChiSquare([5, 5, 5, 5])).toBe(0);
    expect(uniformChiSquare([10, 0])).toBe(10);
    expect(rankHistogram([0, 9, 10, 99], 99, 10)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(rankBins(50)).toBe(10);
    expect(rankBins(40)).toBe(5);
    expect(rankBins(16)).toBe(2);
  });

  it('judges a coverage by the binomial tolerance at the nominal rate', () => {
    const t = coverageTolerance(100, 0.9);
    expect(t).toBeCloseTo(COVERAGE_SIGMAS * 0.03, 12);
    expect(coverage(81, 100, 0.9).withinTolerance).toBe(true);
    expect(coverage(80, 100, 0.9).withinTolerance).toBe(false);
    expect(coverage(99, 100, 0.9).withinTolerance).toBe(true);
    expect(coverage(100, 100, 0.9).withinTolerance).toBe(false);
  });
});

describe('forecast self-test: the report', () => {
  it('calls intervals that cover too rarely overconfident, and says so in the conclusion', () => {
    const n = 40;
    const parameter = {
      parameter: 'adoption.imitation', prior: { kind: 'uniform', min: 0.1, max: 0.45 } as const,
      coverage50: coverage(10, n, 0.5), coverage90: coverage(25, n, 0.9), ranks: [], histogram: [20, 0, 0, 0, 20],
      chiSquare: uniformChiSquare([20, 0, 0, 0, 20]), degreesOfFreedom: 4, pValue: chiSquareSurvival(uniformChiSquare([20, 0, 0, 0, 20]), 4), widthRatio90: 0.3,
    };
    const text = selfTestText({
      pilots: n, weeks: 12, weeksFrom: 'option', particles: 100, budget: 3000, draws: SELF_TEST_DRAWS, bins: 5, seed: 1,
      parameters: [parameter], pilotResults: [], stopReasons: { budget: n }, passed: false,
    }, false);
    expect(text).toMatch(/adoption\.imitation +25% ± 7% +63% ± 8% +0\.30 +overconfident/);
    expect(text).toContain('p < 0.001');
    expect(text).toContain('do not hold their stated coverage for adoption.imitation (its intervals are too narrow)');
  });
});
