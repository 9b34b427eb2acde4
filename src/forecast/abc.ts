/**
 * Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC: Toni
 * et al. 2009; Beaumont et al. 2009, "Adaptive approximate Bayesian
 * computation"; the population algorithm of pyABC), generic over the simulator.
 *
 * The target of generation t is the ABC posterior
 *   π_t(θ) ∝ π(θ) · P(d(s, o) ≤ ε_t | θ),   s the simulated summaries, o the observed ones,
 * with ε_0 = ∞ (the prior) and ε_t a weighted quantile of generation t−1's distances.
 * Generation t ≥ 1 proposes from the previous population smoothed by a Gaussian kernel,
 *   q_t(θ) = Σ_j w_j K(θ | θ_j),   K = N(θ_j, 2Σ), Σ the weighted covariance of the population
 * (twice Σ: Beaumont et al.), restricted to the prior's support by redrawing parent and
 * perturbation together, which multiplies q_t by a constant. Accepting when d ≤ ε_t
 * leaves θ with density ∝ q_t(θ) · P(d ≤ ε_t | θ), so the importance weight
 *   w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j)
 * makes the population a sample of π_t. Constants (the support's share of q_t,
 * K's normaliser) cancel when the weights are normalised.
 *
 * The distance is d = √(Σ_k v_k ((s_k − o_k)/scale_k)² / Σ_k v_k), v the statistics' weights,
 * scale_k the median absolute deviation of statistic k over generation 0 (the prior predictive),
 * at least settings.scaleFloor.
 *
 * Reproducibility: every random choice of attempt a of generation t comes from its own stream
 * (deriveSeed(seed, 'abc', t, a)) and its simulation seed is deriveSeed(seed, 'abc-sim', t, a);
 * results are examined in index order and every stopping rule counts attempts one by one, so
 * the simulator's internal parallelism and the batch size change nothing in the generations.
 * The batch size changes only `simulations` (a completed generation's last batch may hold
 * attempts past its N-th acceptance, simulated and discarded) and hence, when the budget runs
 * out, how many generations it allows: the generations both runs complete are the same bytes.
 */
import { fingerprint } from '../fingerprint.ts';
import { createRandom, deriveSeed, normal } from '../model/rng.ts';
import { quantileOfSorted } from '../quantile.ts';
import { distributionProblems, support } from '../scenarios/distributions.ts';
import { sampleDistribution, type Distribution } from '../scenarios/experiment.ts';
import { logPriorDensity } from './prior.ts';

export interface AbcParameter {
  name: string;
  prior: Distribution;
}

export interface AbcSettings {
  /** N, particles accepted per generation. */
  particles: number;
  /** Most simulations in all (every attempt simulated counts, discarded ones too). */
  budget: number;
  maxGenerations: number;
  /** The next tolerance is this weighted quantile of the last population's distances. */
  quantile: number;
  /** A generation whose running acceptance rate falls below this (after 2N attempts) is abandoned. */
  minAcceptance: number;
  /** Stop once the tolerance is at or below this; 0: no target. */
  targetTolerance: number;
  /** Stop when ε_t / ε_{t−1} > 1 − minShrink (t ≥ 2): the tolerance has stopped shrinking. */
  minShrink: number;
  /** Attempts per simulate() call: the unit of parallel work. */
  batch: number;
  /**
   * No distance scale below this (0: none). For counts 1 is the resolution: a statistic that is
   * 0 in most prior simulations (posters in a pilot's first weeks) has a median absolute deviation
   * of 0, and without a floor one person more would weigh like a whole spread of another statistic.
   */
  scaleFloor?: number;
  seed: number;
}

export interface Attempt {
  generation: number;
  index: number;
  theta: Float64Array;
  seed: number;
}

/** The simulator: one summary-statistics vector per attempt, in the attempts' order, always the observed length. */
export type Simulate = (attempts: Attempt[]) => Promise<Float64Array[]>;

export interface Generation {
  generation: number;
  /** ε_t (Infinity for generation 0). */
  tolerance: number;
  /** Attempts up to and including the N-th acceptance (generation 0: N). */
  attempts: number;
  accepted: number;
  acceptanceRate: number;
  /** Effective sample size of the weights, (Σw)² / Σw². */
  ess: number;
  /** N × P, row-major, parameters in the order given. */
  particles: Float64Array;
  /** Normalised. */
  weights: Float64Array;
  distances: Float64Array;
  /** Each particle's simulation seed. */
  seeds: Float64Array;
}

export type StopReason = 'target_tolerance' | 'acceptance_floor' | 'budget' | 'tolerance_stalled' | 'max_generations';

export interface AbcResult {
  /** Every complete generation, 0 first. */
  generations: Generation[];
  last: Generation;
  stopReason: StopReason;
  simulations: number;
  scales: Float64Array;
  warnings: string[];
}

/** A generation as plain JSON (generation 0's tolerance ∞ is written null). */
export interface CheckpointGeneration {
  generation: number;
  tolerance: number | null;
  attempts: number;
  accepted: number;
  acceptanceRate: number;
  ess: number;
  particles: number[];
  weights: number[];
  distances: number[];
  seeds: number[];
}

/** Everything needed to resume a run after its last complete generation; JSON-serialisable. */
export interface AbcCheckpoint {
  version: 1;
  /** Fingerprint of the parameters, observed statistics, their weights and the settings. */
  settingsHash: string;
  observed: number[];
  scales: number[];
  simulations: number;
  generations: CheckpointGeneration[];
  warnings: string[];
}

export interface AbcOptions {
  resume?: AbcCheckpoint;
  onGeneration?: (g: Generation, checkpoint: AbcCheckpoint) => void | Promise<void>;
  signal?: AbortSignal;
  /** Weight of each statistic in the distance; default 1 each. */
  weights?: Float64Array;
}

/** A simulation rejected or gave a non-finite statistic: names the attempt's parameters and seed. */
export class AbcSimulationFailed extends Error {
  readonly attempt: Attempt;
  readonly parameters: Record<string, number>;

  constructor(attempt: Attempt, parameters: Record<string, number>, reason: string, cause?: unknown) {
    const values = Object.entries(parameters).map(([name, value]) => `${name} = ${value}`).join(', ');
    super(`simulation failed at generation ${attempt.generation}, attempt ${attempt.index} (seed ${attempt.seed}; ${values}): ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'AbcSimulationFailed';
    this.attempt = attempt;
    this.parameters = parameters;
  }
}

/** The signal aborted; the complete generations were handed to onGeneration with their checkpoint. */
export class AbcInterrupted extends Error {
  readonly completed: number;

  constructor(completed: number) {
    super(`calibration interrupted after ${completed} complete generation${completed === 1 ? '' : 's'}`);
    this.name = 'AbcInterrupted';
    this.completed = completed;
  }
}

/** Proposals outside the prior's support are redrawn at most this many times, then the parent is kept. */
const MAX_REDRAWS = 1000;

export async function runAbcSmc(parameters: AbcParameter[], observed: Float64Array, simulate: Simulate, settings: AbcSettings, options: AbcOptions = {}): Promise<AbcResult> {
  const P = parameters.length;
  const K = observed.length;
  const N = settings.particles;
  const statWeights = options.weights ?? new Float64Array(K).fill(1);
  checkInputs(parameters, observed, statWeights, settings);
  const weightTotal = statWeights.reduce((s, v) => s + v, 0);
  const names = parameters.map((p) => p.name);
  const priors = parameters.map((p) => p.prior);
  const settingsHash = fingerprint({
    parameters: parameters.map((p) => ({ name: p.name, prior: p.prior })),
    observed: Array.from(observed),
    weights: Array.from(statWeights),
    settings: pick(settings),
  });

  let generations: Generation[] = [];
  let scales: Float64Array = new Float64Array(0);
  let simulations = 0;
  let warnings: string[] = [];
  if (options.resume) {
    const c = options.resume;
    if (c.version !== 1 || c.settingsHash !== settingsHash) {
      throw new Error('the checkpoint was made for other parameters, observations or settings: it cannot be resumed with these (start afresh)');
    }
    generations = c.generations.map(fromJson);
    scales = Float64Array.from(c.scales);
    simulations = c.simulations;
    warnings = [...c.warnings];
  }

  const checkpoint = (): AbcCheckpoint => ({
    version: 1,
    settingsHash,
    observed: Array.from(observed),
    scales: Array.from(scales),
    simulations,
    generations: generations.map(toJson),
    warnings: [...warnings],
  });

  const byName = (theta: ArrayLike<number>): Record<string, number> => Object.fromEntries(names.map((n, p) => [n, theta[p]!]));

  const distance = (s: Float64Array): number => {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      if (statWeights[k] === 0) continue;
      const r = (s[k]! - observed[k]!) / scales[k]!;
      sum += statWeights[k]! * r * r;
    }
    return Math.sqrt(sum / weightTotal);
  };

  const logPrior = (theta: ArrayLike<number>): number => {
    let sum = 0;
    for (let p = 0; p < P; p++) sum += logPriorDensity(priors[p]!, theta[p]!);
    return sum;
  };

  /** One simulate() call, checked: a rejection or a bad vector becomes AbcSimulationFailed. */
  const simulateBatch = async (attempts: Attempt[]): Promise<Float64Array[]> => {
    if (options.signal?.aborted) throw new AbcInterrupted(generations.length);
    // The simulator gets copies: whatever it does with them, the particles stay as drawn.
    const handed = attempts.map((a) => ({ ...a, theta: a.theta.slice() }));
    let out: Float64Array[];
    try {
      out = await simulate(handed);
    } catch (error) {
      const marker = (error as { attempt?: unknown } | null)?.attempt;
      const index = typeof marker === 'number' ? marker : typeof (marker as Attempt | undefined)?.index === 'number' ? (marker as Attempt).index : undefined;
      const named = attempts.find((a) => a.index === index);
      const message = error instanceof Error ? error.message : String(error);
      if (named) throw new AbcSimulationFailed(named, byName(named.theta), message, error);
      const first = attempts[0]!;
      throw new AbcSimulationFailed(first, byName(first.theta), `the batch of ${attempts.length} attempts from ${first.index} failed, the simulator did not say which one (the first is named here): ${message}`, error);
    }
    simulations += attempts.length;
    if (!Array.isArray(out) || out.length !== attempts.length) {
      throw new AbcSimulationFailed(attempts[0]!, byName(attempts[0]!.theta), `the simulator returned ${Array.isArray(out) ? out.length : 'no'} results for a batch of ${attempts.length} attempts`);
    }
    out.forEach((s, i) => {
      const a = attempts[i]!;
      if (!s || s.length !== K) throw new AbcSimulationFailed(a, byName(a.theta), `the simulator returned ${s?.length ?? 'no'} statistics, expected ${K}`);
      for (let k = 0; k < K; k++) {
        if (!Number.isFinite(s[k]!)) throw new AbcSimulationFailed(a, byName(a.theta), `statistic ${k} is ${s[k]}`);
      }
    });
    return out;
  };

  /** Generation 0: N draws from the prior, all accepted; it also fixes the distance scales. */
  const priorGeneration = async (): Promise<Generation> => {
    const particles = new Float64Array(N * P);
    const seeds = new Float64Array(N);
    const stats: Float64Array[] = [];
    for (let start = 0; start < N; start += settings.batch) {
      const attempts: Attempt[] = [];
      for (let a = start; a < Math.min(N, start + settings.batch); a++) {
        const random = createRandom(deriveSeed(settings.seed, 'abc', 0, a));
        const theta = Float64Array.from(priors, (d) => sampleDistribution(random, d));
        attempts.push({ generation: 0, index: a, theta, seed: deriveSeed(settings.seed, 'abc-sim', 0, a) });
        particles.set(theta, a * P);
        seeds[a] = attempts[attempts.length - 1]!.seed;
      }
      stats.push(...(await simulateBatch(attempts)));
    }
    scales = distanceScales(stats, K, settings.scaleFloor ?? 0);
    return {
      generation: 0, tolerance: Infinity, attempts: N, accepted: N, acceptanceRate: 1, ess: N,
      particles, weights: new Float64Array(N).fill(1 / N), distances: Float64Array.from(stats, distance), seeds,
    };
  };

  /** Generation t ≥ 1, or why it could not be completed. */
  const nextGeneration = async (prev: Generation, t: number): Promise<Generation | StopReason> => {
    const tolerance = weightedQuantile(prev.distances, prev.weights, settings.quantile);
    const kernel = makeKernel(prev, P);
    const particles = new Float64Array(N * P);
    const distances = new Float64Array(N);
    const seeds = new Float64Array(N);
    let accepted = 0;
    let keptParent = 0;
    for (let start = 0; ; start += settings.batch) {
      const room = settings.budget - simulations;
      if (room <= 0) return 'budget';
      const attempts: Attempt[] = [];
      const fellBack: boolean[] = [];
      for (let a = start; a < start + Math.min(settings.batch, room); a++) {
        const proposal = propose(kernel, logPrior, createRandom(deriveSeed(settings.seed, 'abc', t, a)));
        attempts.push({ generation: t, index: a, theta: proposal.theta, seed: deriveSeed(settings.seed, 'abc-sim', t, a) });
        fellBack.push(proposal.keptParent);
      }
      const stats = await simulateBatch(attempts);
      for (let i = 0; i < attempts.length; i++) {
        const tried = start + i + 1;
        const d = distance(stats[i]!);
        if (d <= tolerance) {
          particles.set(attempts[i]!.theta, accepted * P);
          distances[accepted] = d;
          seeds[accepted] = attempts[i]!.seed;
          if (fellBack[i]) keptParent++;
          if (++accepted === N) {
            if (keptParent > 0) warnings.push(`generation ${t}: ${keptParent} of ${N} particles are copies of their parent, because the perturbation kept landing outside the prior (${MAX_REDRAWS} tries); their weights are approximate`);
            const weights = importanceWeights(particles, kernel, prev.weights, logPrior, P);
            return { generation: t, tolerance, attempts: tried, accepted, acceptanceRate: accepted / tried, ess: effectiveSampleSize(weights), particles, weights, distances, seeds };
          }
        }
        if (tried >= 2 * N && accepted < settings.minAcceptance * tried) return 'acceptance_floor';
      }
    }
  };

  /** The rule that stops the run after its last complete generation, if any (in this order). */
  const stopAfter = (): StopReason | undefined => {
    const g = generations[generations.length - 1]!;
    if (settings.targetTolerance > 0 && g.tolerance <= settings.targetTolerance) return 'target_tolerance';
    if (g.generation + 1 >= settings.maxGenerations) return 'max_generations';
    if (g.generation >= 2) {
      const before = generations[generations.length - 2]!.tolerance;
      if (before === 0 || g.tolerance / before > 1 - settings.minShrink) return 'tolerance_stalled';
    }
    return undefined;
  };

  const complete = async (g: Generation): Promise<void> => {
    generations.push(g);
    await options.onGeneration?.(g, checkpoint());
  };

  if (generations.length === 0) await complete(await priorGeneration());
  let stopReason = stopAfter();
  while (stopReason === undefined) {
    const next = await nextGeneration(generations[generations.length - 1]!, generations.length);
    if (typeof next === 'string') stopReason = next;
    else {
      await complete(next);
      stopReason = stopAfter();
    }
  }

  const last = generations[generations.length - 1]!;
  const out = [...warnings];
  if (last.ess < N / 2) {
    const ess = Math.round(last.ess);
    out.push(`only ${ess} of ${N} particles carry most of the weight (effective sample size ${ess}): the posterior is rough; raise particles or loosen the tolerance`);
  }
  return { generations, last, stopReason, simulations, scales, warnings: out };
}

/**
 * The weighted q-quantile as pyABC computes it: values sorted, each placed at the middle of
 * its share of the cumulative weight, (W_i − w_i/2)/W, and linear interpolation between
 * those places (clamped at both ends). Equal weights give R's type 5. Zero weights are ignored.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  if (values.length !== weights.length) throw new RangeError(`${values.length} values but ${weights.length} weights`);
  if (Array.from(weights).some((w) => !(w >= 0))) throw new RangeError('weights must be 0 or more');
  const order = Array.from(values, (_, i) => i).filter((i) => weights[i]! > 0);
  if (order.length === 0) return NaN;
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const total = order.reduce((s, i) => s + weights[i]!, 0);
  let cumulative = 0;
  let before = NaN;
  let beforeValue = NaN;
  for (const i of order) {
    const place = (cumulative + weights[i]! / 2) / total;
    cumulative += weights[i]!;
    if (q <= place) return Number.isNaN(before) ? values[i]! : beforeValue + ((q - before) / (place - before)) * (values[i]! - beforeValue);
    before = place;
    beforeValue = values[i]!;
  }
  return beforeValue;
}

/** Kish's effective sample size, (Σw)² / Σw². */
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    s2 += weights[i]! * weights[i]!;
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

function checkInputs(parameters: AbcParameter[], observed: Float64Array, statWeights: Float64Array, s: AbcSettings): void {
  if (parameters.length === 0) throw new Error('nothing to calibrate: give at least one parameter with a prior');
  const seen = new Set<string>();
  for (const { name, prior } of parameters) {
    if (seen.has(name)) throw new Error(`parameter ${name} is listed twice`);
    seen.add(name);
    if (prior.kind === 'fixed' || prior.kind === 'choice') throw new Error(`${name} has a ${prior.kind} prior: only continuous priors can be calibrated`);
    const problem = distributionProblems(prior)[0];
    if (problem) throw new Error(`${name}: ${problem.message}`);
    const [lo, hi] = support(prior);
    if (!(lo < hi)) throw new Error(`${name}'s prior allows a single value (${lo}): there is nothing to calibrate`);
  }
  if (observed.length === 0 || !observed.every(Number.isFinite)) throw new Error('the observed statistics must be at least one finite number');
  if (statWeights.length !== observed.length) throw new Error(`${observed.length} observed statistics but ${statWeights.length} weights`);
  if (!statWeights.every((w) => w >= 0 && Number.isFinite(w)) || !statWeights.some((w) => w > 0)) throw new Error('statistic weights must be finite, 0 or more, and not all 0');
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(s.particles, 2)) throw new Error(`particles must be a whole number of at least 2, got ${s.particles}`);
  if (!whole(s.batch, 1)) throw new Error(`batch must be a whole number of at least 1, got ${s.batch}`);
  if (!whole(s.maxGenerations, 1)) throw new Error(`maxGenerations must be a whole number of at least 1, got ${s.maxGenerations}`);
  if (!(s.budget >= s.particles)) {
    throw new Error(`a budget of ${s.budget} simulations cannot complete even the first generation, which needs one per particle (${s.particles}): raise the budget or lower the particles`);
  }
  if (!(s.quantile > 0 && s.quantile < 1)) throw new Error(`quantile must lie strictly between 0 and 1, got ${s.quantile}`);
  if (!(s.minAcceptance >= 0 && s.minAcceptance < 1)) throw new Error(`minAcceptance must lie in [0, 1), got ${s.minAcceptance}`);
  if (!(s.minShrink >= 0 && s.minShrink < 1)) throw new Error(`minShrink must lie in [0, 1), got ${s.minShrink}`);
  if (!(s.targetTolerance >= 0)) throw new Error(`targetTolerance must be 0 or more, got ${s.targetTolerance}`);
  if (!Number.isFinite(s.seed)) throw new Error(`seed must be a number, got ${s.seed}`);
}

function pick(s: AbcSettings): AbcSettings {
  const { particles, budget, maxGenerations, quantile, minAcceptance, targetTolerance, minShrink, batch, seed } = s;
  return { particles, budget, maxGenerations, quantile, minAcceptance, targetTolerance, minShrink, batch, seed, ...(s.scaleFloor ? { scaleFloor: s.scaleFloor } : {}) };
}

/**
 * Each statistic's median absolute deviation over the prior simulations; a statistic
 * that is mostly constant falls back to its mean absolute deviation, then to 1; never below `floor`.
 */
function distanceScales(stats: Float64Array[], K: number, floor: number): Float64Array {
  const scales = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const column = stats.map((s) => s[k]!).sort((a, b) => a - b);
    const median = quantileOfSorted(column, 0.5);
    const mad = quantileOfSorted(column.map((v) => Math.abs(v - median)).sort((a, b) => a - b), 0.5);
    const mean = column.reduce((s, v) => s + v, 0) / column.length;
    const meanAbs = column.reduce((s, v) => s + Math.abs(v - mean), 0) / column.length;
    scales[k] = Math.max(floor, mad > 0 ? mad : meanAbs > 0 ? meanAbs : 1);
  }
  return scales;
}

interface Kernel {
  parents: Float64Array;
  /** Cumulative weights, to pick a parent by binary search. */
  cumulative: Float64Array;
  /** Lower Cholesky factor of 2Σ, P × P row-major. */
  chol: Float64Array;
  /** Each parent in the kernel's whitened coordinates, L⁻¹θ_j. */
  whitened: Float64Array;
  P: number;
}

function makeKernel(prev: Generation, P: number): Kernel {
  const { particles, weights } = prev;
  const N = weights.length;
  const mean = new Float64Array(P);
  let sumSq = 0;
  for (let j = 0; j < N; j++) {
    sumSq += weights[j]! * weights[j]!;
    for (let p = 0; p < P; p++) mean[p] += weights[j]! * particles[j * P + p]!;
  }
  // Weighted covariance with the reliability-weights correction 1/(1 − Σw²) (numpy's cov with aweights).
  const cov = new Float64Array(P * P);
  for (let j = 0; j < N; j++) {
    for (let p = 0; p < P; p++) {
      const dp = particles[j * P + p]! - mean[p]!;
      for (let q = 0; q <= p; q++) cov[p * P + q] += weights[j]! * dp * (particles[j * P + q]! - mean[q]!);
    }
  }
  const correction = sumSq < 1 ? 1 / (1 - sumSq) : 1;
  for (let p = 0; p < P; p++) for (let q = 0; q <= p; q++) cov[q * P + p] = cov[p * P + q] = 2 * cov[p * P + q]! * correction;
  const chol = choleskyWithJitter(cov, P, mean);
  const cumulative = new Float64Array(N);
  let total = 0;
  for (let j = 0; j < N; j++) cumulative[j] = total += weights[j]!;
  const whitened = new Float64Array(N * P);
  for (let j = 0; j < N; j++) whitened.set(forwardSolve(chol, particles.subarray(j * P, (j + 1) * P), P), j * P);
  return { parents: particles, cumulative, chol, whitened, P };
}

/** Cholesky factor of a covariance, with a growing diagonal jitter when it is not positive definite (e.g. a collapsed parameter). */
function choleskyWithJitter(cov: Float64Array, P: number, mean: Float64Array): Float64Array {
  const trace = Array.from({ length: P }, (_, p) => cov[p * P + p]!).reduce((s, v) => s + v, 0);
  const fallback = trace > 0 ? trace / P : Math.max(1e-12, mean.reduce((s, v) => s + v * v, 0) / P);
  for (let jitter = 0, tries = 0; tries < 30; tries++, jitter = jitter === 0 ? 1e-10 : jitter * 10) {
    const a = cov.slice();
    for (let p = 0; p < P; p++) a[p * P + p] += jitter * (cov[p * P + p]! > 0 ? cov[p * P + p]! : fallback);
    const l = cholesky(a, P);
    if (l) return l;
  }
  throw new Error('the particles\' covariance could not be factored (it holds non-finite values)');
}

function cholesky(a: Float64Array, P: number): Float64Array | undefined {
  const l = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * P + j]!;
      for (let k = 0; k < j; k++) s -= l[i * P + k]! * l[j * P + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * P + i] = Math.sqrt(s);
      } else {
        l[i * P + j] = s / l[j * P + j]!;
      }
    }
  }
  return l;
}

/** L⁻¹x for lower-triangular L. */
function forwardSolve(l: Float64Array, x: ArrayLike<number>, P: number): Float64Array {
  const y = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= l[i * P + k]! * y[k]!;
    y[i] = s / l[i * P + i]!;
  }
  return y;
}

/**
 * A proposal: a parent picked by weight, perturbed by N(0, 2Σ); outside the prior's
 * support both are drawn again (so the proposal density stays the mixture, restricted).
 */
function propose(kernel: Kernel, logPrior: (theta: ArrayLike<number>) => number, random: () => number): { theta: Float64Array; keptParent: boolean } {
  const { parents, cumulative, chol, P } = kernel;
  const theta = new Float64Array(P);
  const z = new Float64Array(P);
  let parent = 0;
  for (let tries = 0; tries < MAX_REDRAWS; tries++) {
    parent = pickParent(cumulative, random());
    for (let p = 0; p < P; p++) z[p] = normal(random);
    for (let p = 0; p < P; p++) {
      let v = parents[parent * P + p]!;
      for (let q = 0; q <= p; q++) v += chol[p * P + q]! * z[q]!;
      theta[p] = v;
    }
    if (logPrior(theta) > -Infinity) return { theta, keptParent: false };
  }
  return { theta: parents.slice(parent * P, (parent + 1) * P), keptParent: true };
}

/** The first index whose cumulative weight exceeds u·total (zero-weight particles are never picked). */
function pickParent(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j), in logs (K's normaliser cancels), normalised. */
function importanceWeights(particles: Float64Array, kernel: Kernel, previous: Float64Array, logPrior: (theta: ArrayLike<number>) => number, P: number): Float64Array {
  const N = particles.length / P;
  const M = previous.length;
  const logPrev = Float64Array.from(previous, Math.log);
  const { whitened } = kernel;
  const logW = new Float64Array(N);
  const terms = new Float64Array(M);
  for (let i = 0; i < N; i++) {
    const theta = particles.subarray(i * P, (i + 1) * P);
    const y = forwardSolve(kernel.chol, theta, P);
    let max = -Infinity;
    for (let j = 0; j < M; j++) {
      let sq = 0;
      for (let p = 0; p < P; p++) {
        const d = y[p]! - whitened[j * P + p]!;
        sq += d * d;
      }
      const term = (terms[j] = logPrev[j]! - 0.5 * sq);
      if (term > max) max = term;
    }
    let sum = 0;
    for (let j = 0; j < M; j++) sum += Math.exp(terms[j]! - max);
    logW[i] = logPrior(theta) - (max + Math.log(sum));
  }
  let max = -Infinity;
  for (let i = 0; i < N; i++) if (logW[i]! > max) max = logW[i]!;
  const weights = Float64Array.from(logW, (l) => Math.exp(l - max));
  const total = weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < N; i++) weights[i] /= total;
  return weights;
}

function toJson(g: Generation): CheckpointGeneration {
  return {
    generation: g.generation,
    tolerance: Number.isFinite(g.tolerance) ? g.tolerance : null,
    attempts: g.attempts,
    accepted: g.accepted,
    acceptanceRate: g.acceptanceRate,
    ess: g.ess,
    particles: Array.from(g.particles),
    weights: Array.from(g.weights),
    distances: Array.from(g.distances),
    seeds: Array.from(g.seeds),
  };
}

function fromJson(g: CheckpointGeneration): Generation {
  return {
    generation: g.generation,
    tolerance: g.tolerance ?? Infinity,
    attempts: g.attempts,
    accepted: g.accepted,
    acceptanceRate: g.acceptanceRate,
    ess: g.ess,
    particles: Float64Array.from(g.particles),
    weights: Float64Array.from(g.weights),
    distances: Float64Array.from(g.distances),
    seeds: Float64Array.from(g.seeds),
  };
}
