/** The CSV files of `<out>/forecast/` that are the forecast's own (docs/outputs.md): posterior, parameters, observed, backtest. */
import { createRandom, deriveSeed } from '../model/index.ts';
import { sampleDistribution, type Experiment, type ForecastPlan } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { weightedQuantile, type Generation } from './abc.ts';
import type { Backtest } from './backtest.ts';
import type { Telemetry } from './telemetry.ts';

export interface ParameterSummary {
  parameter: string;
  prior: { p05: number; p50: number; p95: number };
  posterior: { p05: number; p50: number; p95: number };
}

function q3(values: number[], weights?: number[]): { p05: number; p50: number; p95: number } {
  const w = weights ?? values.map(() => 1);
  return { p05: weightedQuantile(values, w, 0.05), p50: weightedQuantile(values, w, 0.5), p95: weightedQuantile(values, w, 0.95) };
}

export function parameterSummaries(experiment: Experiment, plan: ForecastPlan, last: Generation): ParameterSummary[] {
  const P = plan.parameters.length;
  return plan.parameters.map((u, k) => {
    const random = createRandom(deriveSeed(experiment.seed, 'forecast-prior', k));
    const prior = Array.from({ length: 4000 }, () => sampleDistribution(random, u.distribution));
    const values = Array.from({ length: last.weights.length }, (_, i) => last.particles[i * P + k]!);
    return { parameter: fileParamPath(u.path), prior: q3(prior), posterior: q3(values, Array.from(last.weights)) };
  });
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : '');

export function posteriorCsv(names: string[], last: Generation): string {
  const P = names.length;
  const lines = [['particle', 'weight', 'distance', 'seed', ...names].join(',')];
  for (let i = 0; i < last.weights.length; i++) {
    const values = Array.from({ length: P }, (_, k) => num(last.particles[i * P + k]!));
    lines.push([i, num(last.weights[i]!), num(last.distances[i]!), last.seeds[i]!, ...values].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function parametersCsv(rows: ParameterSummary[]): string {
  const lines = ['parameter,prior_p05,prior_p50,prior_p95,posterior_p05,posterior_p50,posterior_p95'];
  for (const r of rows) lines.push([r.parameter, num(r.prior.p05), num(r.prior.p50), num(r.prior.p95), num(r.posterior.p05), num(r.posterior.p50), num(r.posterior.p95)].join(','));
  return `${lines.join('\n')}\n`;
}

export function observedCsv(telemetry: Telemetry): string {
  const lines = [`group,week,with_access,active,posters${telemetry.hasPosts ? ',posts' : ''}`];
  for (const r of telemetry.rows) lines.push([r.group ?? '', r.week, r.withAccess, r.active, r.posters, ...(telemetry.hasPosts ? [r.posts ?? ''] : [])].join(','));
  return `${lines.join('\n')}\n`;
}

export function backtestCsv(b: Backtest): string {
  const lines = ['group,metric,week,observed,p05,p25,p50,p75,p95'];
  for (const r of b.rows) lines.push([r.group, r.metric, r.week, r.observed, num(r.p05), num(r.p25), num(r.p50), num(r.p75), num(r.p95)].join(','));
  return `${lines.join('\n')}\n`;
}

