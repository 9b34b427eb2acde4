import { describe, expect, it } from 'vitest';
import {
  AbcInterrupted, AbcSimulationFailed, effectiveSampleSize, runAbcSmc, weightedQuantile,
  type AbcCheckpoint, type AbcParameter, type AbcResult, type AbcSettings, type Attempt, type Generation, type Simulate,
} from '../../src/forecast/abc.ts';
import { createRandom, deriveSeed, normal, shuffle, indices } from '../../src/model/rng.ts';
import type { Distribution } from '../../src/scenarios/experiment.ts';

const BASE: AbcSettings = {
  particles: 200, budget: 1_000_000, maxGenerations: 5, quantile: 0.5, minAcceptance: 0.01,
  targetTolerance: 0, minShrink: 0.02, batch: 200, seed: 11,
};

/** The mean of 25 draws from N(mu, 1), from the seed alone. */
function sampleMean(seed: number, mu: number): number {
  const random = createRandom(seed);
  let sum = 0;
  for (let i = 0; i < 25; i++) sum += mu + normal(random);
  return sum / 25;
}

const MU: AbcParameter[] = [{ name: 'mu', prior: { kind: 'normal', mean: 0, sd: 1 } }];
const XBAR = sampleMean(12345, 0.8);
const meanOf25: Simulate = async (attempts) => attempts.map((a) => Float64Array.of(sampleMean(a.seed, a.theta[0]!)));
/** A statistic that ignores the parameters: N(0, 1) noise. */
const noise: Simulate = async (attempts) => attempts.map((a) => Float64Array.of(normal(createRandom(a.seed))));

/** Weighted mean and sd of parameter p of a generation. */
function moments(g: Generation, p: number, P: number): { mean: number; sd: number } {
  let mean = 0;
  for (let i = 0; i < g.weights.length; i++) mean += g.weights[i]! * g.particles[i * P + p]!;
  let variance = 0;
  for (let i = 0; i < g.weights.length; i++) variance += g.weights[i]! * (g.particles[i * P + p]! - mean) ** 2;
  return { mean, sd: Math.sqrt(variance) };
}

const hex = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
/** Every number of a generation, bit for bit. */
function bytes(g: Generation): string {
  return JSON.stringify({
    ...g,
    tolerance: hex(Float64Array.of(g.tolerance)), ess: hex(Float64Array.of(g.ess)),
    particles: hex(g.particles), weights: hex(g.weights), distances: hex(g.distances), seeds: hex(g.seeds),
  });
}
const allBytes = (r: AbcResult) => r.generations.map(bytes);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ABC-SMC recovers known posteriors', () => {
  it('conjugate normal: mean within 4 standard errors of the exact posterior N(25·x̄/26, 1/26), sd within 15% (tolerance\'s inflation included)', async () => {
    const result = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...BASE, particles: 1000, batch: 1000, maxGenerations: 7 });
    expect(result.stopReason).toBe('max_generations');
    const g = result.last;
    const { mean, sd } = moments(g, 0, 1);
    // Accepting |s − x̄| ≤ h (h = ε·scale) is conditioning on s uniform in the window: θ | s ~ N(25s/26, 1/26).
    const h = g.tolerance * result.scales[0]!;
    const abcSd = Math.sqrt(1 / 26 + (25 / 26) ** 2 * (h * h) / 3);
    expect(Math.abs(mean - (25 * XBAR) / 26)).toBeLessThan((4 * abcSd) / Math.sqrt(g.ess));
    expect(Math.abs(sd / abcSd - 1)).toBeLessThan(0.15);
    // The tolerance shrank well below the posterior's own spread, and the weights stayed even.
    expect(h).toBeLessThan(0.2 * Math.sqrt(1 / 26));
    expect(result.warnings).toEqual([]);
  });

  it('narrows an identified parameter and leaves one the simulator ignores at its prior', async () => {
    const parameters: AbcParameter[] = [
      { name: 'a', prior: { kind: 'uniform', min: -3, max: 3 } },
      { name: 'b', prior: { kind: 'beta', alpha: 2, beta: 2, min: 0, max: 10 } },
    ];
    const result = await runAbcSmc(parameters, Float64Array.of(sampleMean(99, 1.2)), meanOf25, { ...BASE, particles: 500, batch: 500 });
    const a = moments(result.last, 0, 2);
    const b = moments(result.last, 1, 2);
    expect(a.sd / (6 / Math.sqrt(12))).toBeLessThan(0.5);
    // b's posterior is its prior, sd 10·√(1/20): proposals (wider, and cut at 0 and 10) are weighted back to it.
    // Unweighted, the kernel would smooth it towards the uniform (sd ratio 1.13 to 1.24 here, 1.29 in the limit).
    const priorSd = 10 * Math.sqrt(1 / 20);
    expect(b.sd / priorSd).toBeGreaterThan(0.8);
    expect(b.sd / priorSd).toBeLessThan(1.1);
    expect(Math.abs(b.mean - 5)).toBeLessThan((4 * priorSd) / Math.sqrt(result.last.ess));
  });
});

describe('ABC-SMC is deterministic', () => {
  it('gives the same bytes for the same settings, for any batch size, and whatever order the simulator works in', async () => {
    const observed = Float64Array.of(XBAR);
    const reference = await runAbcSmc(MU, observed, meanOf25, BASE);
    expect((await runAbcSmc(MU, observed, meanOf25, BASE)).generations.map(bytes)).toEqual(allBytes(reference));
    for (const batch of [50, 37, 1000]) {
      const other = await runAbcSmc(MU, observed, meanOf25, { ...BASE, batch });
      expect(allBytes(other), `batch ${batch}`).toEqual(allBytes(reference));
      expect(other.stopReason).toBe(reference.stopReason);
    }
    // Attempts finished in a shuffled order, at different times, returned in order.
    const order = createRandom('the simulator\'s own order');
    const shuffled: Simulate = async (attempts) => {
      const out: Float64Array[] = new Array(attempts.length);
      await Promise.all(Array.from(shuffle(order, indices(attempts.length)), async (i, k) => {
        await new Promise((resolve) => setTimeout(resolve, k % 3));
        out[i] = Float64Array.of(sampleMean(attempts[i]!.seed, attempts[i]!.theta[0]!));
      }));
      return out;
    };
    const parallel = await runAbcSmc(MU, observed, shuffled, BASE);
    expect(allBytes(parallel)).toEqual(allBytes(reference));
    expect(parallel.simulations).toBe(reference.simulations);
    // A different seed gives a different run (the comparison above can fail).
    expect(allBytes(await runAbcSmc(MU, observed, meanOf25, { ...BASE, seed: 12 }))[1]).not.toEqual(allBytes(reference)[1]);
  });

  it('derives each attempt\'s seed from (seed, generation, index) only', async () => {
    const seen: Attempt[] = [];
    const recording: Simulate = async (attempts) => {
      seen.push(...attempts);
      return meanOf25(attempts);
    };
    await runAbcSmc(MU, Float64Array.of(XBAR), recording, { ...BASE, maxGenerations: 2, batch: 64 });
    expect(seen.length).toBeGreaterThan(400);
    for (const a of seen) expect(a.seed).toBe(deriveSeed(11, 'abc-sim', a.generation, a.index));
    expect(seen.filter((a) => a.generation === 1).map((a) => a.index)).toEqual(Array.from({ length: seen.filter((a) => a.generation === 1).length }, (_, i) => i));
  });
});

describe('ABC-SMC stops', () => {
  it('at the target tolerance, after the first generation at or below it', async () => {
    const result = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...BASE, maxGenerations: 20, targetTolerance: 0.3 });
    expect(result.stopReason).toBe('target_tolerance');
    expect(result.last.tolerance).toBeLessThanOrEqual(0.3);
    expect(result.generations.at(-2)!.tolerance).toBeGreaterThan(0.3);
  });

  it('at the most generations', async () => {
    const result = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...BASE, maxGenerations: 3 });
    expect(result.stopReason).toBe('max_generations');
    expect(result.generations.map((g) => g.generation)).toEqual([0, 1, 2]);
    expect(result.last).toBe(result.generations[2]);
  });

  it('when the tolerance stops shrinking: a model that cannot come near the data', async () => {
    // The statistic is 1 ± 0.01 whatever the parameter; the data say 0.
    const far: Simulate = async (attempts) => attempts.map((a) => Float64Array.of(1 + 0.01 * normal(createRandom(a.seed))));
    const result = await runAbcSmc(MU, Float64Array.of(0), far, { ...BASE, maxGenerations: 8 });
    expect(result.stopReason).toBe('tolerance_stalled');
    expect(result.generations).toHaveLength(3);
    expect(result.last.tolerance / result.generations[1]!.tolerance).toBeGreaterThan(0.98);
  });

  it('when a generation\'s acceptance rate falls below the floor, returning the generation before', async () => {
    // Pure noise with the 10% quantile: about 10% accepted in generation 1, 1% in generation 2.
    const result = await runAbcSmc(MU, Float64Array.of(0), noise, { ...BASE, quantile: 0.1, minAcceptance: 0.03, maxGenerations: 8 });
    expect(result.stopReason).toBe('acceptance_floor');
    expect(result.generations).toHaveLength(2);
    expect(result.last.acceptanceRate).toBeGreaterThan(0.03);
    // The abandoned generation's simulations (at least 2N before the rate is judged) are counted.
    expect(result.simulations).toBeGreaterThanOrEqual(200 + result.last.attempts + 400);
  });

  it('when the budget runs out, keeping the complete generations (the same bytes as a longer run\'s first ones)', async () => {
    const settings = { ...BASE, maxGenerations: 20, minAcceptance: 0.001, budget: 6000 };
    const result = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, settings);
    expect(result.stopReason).toBe('budget');
    expect(result.simulations).toBe(6000);
    expect(result.generations.length).toBeGreaterThanOrEqual(3);
    expect(result.generations.reduce((s, g) => s + g.attempts, 0)).toBeLessThanOrEqual(6000);
    const longer = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...settings, budget: 100_000, maxGenerations: result.generations.length + 1 });
    expect(longer.generations).toHaveLength(result.generations.length + 1);
    expect(allBytes(longer).slice(0, result.generations.length)).toEqual(allBytes(result));
    // A smaller batch wastes fewer attempts: never fewer complete generations, the shared ones identical.
    const small = await runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...settings, batch: 50 });
    expect(small.generations.length).toBeGreaterThanOrEqual(result.generations.length);
    expect(allBytes(small).slice(0, result.generations.length)).toEqual(allBytes(result));
  });

  it('refuses a budget that cannot complete generation 0', async () => {
    const error = await rejection(runAbcSmc(MU, Float64Array.of(XBAR), meanOf25, { ...BASE, budget: 150 }));
    expect(String(error)).toMatch(/budget of 150 simulations cannot complete even the first generation.*200/);
  });

  it('refuses priors that cannot be calibrated', async () => {
    const cases: [Distribution, RegExp][] = [
      [{ kind: 'fixed', value: 1 }, /x has a fixed prior: only continuous priors can be calibrated/],
      [{ kind: 'choice', values: [1, 2] }, /x has a choice prior/],
      [{ kind: 'normal', mean: 1, sd: 0 }, /x's prior allows a single value \(1\)/],
      [{ kind: 'uniform', min: 2, max: 1 }, /x: uniform min 2 is above max 1/],
    ];
    for (const [prior, message] of cases) expect(String(await rejection(runAbcSmc([{ name: 'x', prior }], Float64Array.of(0), noise, BASE)))).toMatch(message);
  });
});

describe('ABC-SMC failures', () => {
  it('names the parameters and seed of the attempt the simulator says failed', async () => {
    let seen: Attempt | undefined;
    const failing: Simulate = async (attempts) => {
      const bad = attempts.find((a) => a.generation === 1 && a.index === 7);
      if (bad) {
        seen = bad;
        throw Object.assign(new Error('the organisation could not be built'), { attempt: bad });
      }
      return meanOf25(attempts);
    };
    const error = await rejection(runAbcSmc(MU, Float64Array.of(XBAR), failing, { ...BASE, batch: 50 }));
    expect(error).toBeInstanceOf(AbcSimulationFailed);
    const failed = error as AbcSimulationFailed;
    expect([failed.attempt.generation, failed.attempt.index]).toEqual([1, 7]);
    expect(failed.attempt.seed).toBe(deriveSeed(11, 'abc-sim', 1, 7));
    expect(failed.parameters).toEqual({ mu: seen!.theta[0] });
    expect(failed.message).toContain(`seed ${failed.attempt.seed}`);
    expect(failed.message).toContain(`mu = ${seen!.theta[0]}`);
    expect(failed.message).toContain('the organisation could not be built');
    expect((failed.cause as Error).message).toBe('the organisation could not be built');
  });

  it('names the attempt whose statistic is not finite', async () => {
    const nan: Simulate = async (attempts) => attempts.map((a) => Float64Array.of(a.generation === 0 && a.index === 3 ? NaN : sampleMean(a.seed, a.theta[0]!)));
    const failed = (await rejection(runAbcSmc(MU, Float64Array.of(XBAR), nan, BASE))) as AbcSimulationFailed;
    expect(failed).toBeInstanceOf(AbcSimulationFailed);
    expect([failed.attempt.generation, failed.attempt.index]).toEqual([0, 3]);
    expect(failed.message).toMatch(/statistic 0 is NaN/);
  });

  it('names the batch\'s first attempt when the simulator does not say which one failed', async () => {
    const failing: Simulate = async (attempts) => {
      if (attempts[0]!.generation === 1 && attempts[0]!.index >= 100) throw new Error('worker crashed');
      return meanOf25(attempts);
    };
    const failed = (await rejection(runAbcSmc(MU, Float64Array.of(XBAR), failing, { ...BASE, batch: 100 }))) as AbcSimulationFailed;
    expect(failed).toBeInstanceOf(AbcSimulationFailed);
    expect([failed.attempt.generation, failed.attempt.index]).toEqual([1, 100]);
    expect(failed.message).toMatch(/batch of 100 attempts from 100 failed.*worker crashed/);
  });
});

describe('ABC-SMC resumes', () => {
  it('from a checkpoint (through JSON) after an interruption, to the same bytes as an uninterrupted run', async () => {
    const observed = Float64Array.of(XBAR);
    const settings = { ...BASE, batch: 64 };
    const full = await runAbcSmc(MU, observed, meanOf25, settings);
    expect(full.generations).toHaveLength(5);

    const controller = new AbortController();
    let saved = '';
    const error = await rejection(runAbcSmc(MU, observed, meanOf25, settings, {
      signal: controller.signal,
      onGeneration: (g, checkpoint) => {
        saved = JSON.stringify(checkpoint);
        if (g.generation === 1) controller.abort();
      },
    }));
    expect(error).toBeInstanceOf(AbcInterrupted);
    expect((error as AbcInterrupted).completed).toBe(2);

    const checkpoint = JSON.parse(saved) as AbcCheckpoint;
    expect(checkpoint.generations).toHaveLength(2);
    const resumed: number[] = [];
    const rest = await runAbcSmc(MU, observed, meanOf25, settings, { resume: checkpoint, onGeneration: (g) => void resumed.push(g.generation) });
    expect(resumed).toEqual([2, 3, 4]);
    expect(allBytes(rest)).toEqual(allBytes(full));
    expect(rest.simulations).toBe(full.simulations);
    expect(hex(rest.scales)).toBe(hex(full.scales));
    expect(rest.stopReason).toBe(full.stopReason);

    // A checkpoint only resumes the run it was made for.
    expect(String(await rejection(runAbcSmc(MU, observed, meanOf25, { ...settings, seed: 5 }, { resume: checkpoint })))).toMatch(/checkpoint was made for other/);
  });
});

describe('weightedQuantile and effectiveSampleSize', () => {
  it('place each value at the middle of its weight and interpolate between those places', () => {
    expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.5)).toBe(2.5);
    expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.25)).toBe(1.5);
    expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.1)).toBe(1);
    expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.95)).toBe(4);
    // Places 0.05, 0.2, 0.45, 0.8: the median lies 0.05/0.35 of the way from 3 to 4.
    expect(weightedQuantile([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], 0.5)).toBeCloseTo(3 + 1 / 7, 14);
    // Unsorted, with a zero weight (ignored) and unnormalised weights.
    expect(weightedQuantile([4, 100, 1, 3, 2], [4, 0, 1, 3, 2], 0.5)).toBeCloseTo(3 + 1 / 7, 14);
    expect(weightedQuantile([], [], 0.5)).toBeNaN();
  });

  it('effective sample size is (Σw)²/Σw²', () => {
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(effectiveSampleSize([1, 0, 0, 0])).toBe(1);
    expect(effectiveSampleSize([0.5, 0.25, 0.25])).toBeCloseTo(8 / 3, 14);
    expect(effectiveSampleSize([2, 1, 1])).toBeCloseTo(8 / 3, 14);
  });
});

describe('ABC-SMC warnings', () => {
  it('warn in plain words when few particles carry the weight', async () => {
    // Four parameters the simulator ignores: the posterior is the prior, proposals from N(0, 3) weighted back
    // to N(0, 1) in four dimensions keep about (√5/3)⁴ ≈ 31% effective particles.
    const prior = { kind: 'normal', mean: 0, sd: 1 } as const;
    const result = await runAbcSmc(['a', 'b', 'c', 'd'].map((name) => ({ name, prior })), Float64Array.of(0), noise, { ...BASE, maxGenerations: 3 });
    expect(result.last.ess).toBeLessThan(100);
    const ess = Math.round(result.last.ess);
    expect(result.warnings).toEqual([
      `only ${ess} of 200 particles carry most of the weight (effective sample size ${ess}): the posterior is rough; raise particles or loosen the tolerance`,
    ]);
  });
});
