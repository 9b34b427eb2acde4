/**
 * "What drives the result": the run's drivers (summary.json `drivers`, src/runner/drivers.ts) as a
 * tornado chart of the main outcome and one plain sentence per main outcome.
 */
import type { Driver } from '../runner/drivers.ts';
import { inputPanels, type Chart } from './charts.ts';
import type { ReportData } from './model.ts';

/** The outcomes a steering committee asks about first, with the words a sentence uses. */
const MAIN_OUTCOMES: { name: string; words: string; higher: string; lower: string }[] = [
  { name: 'sustained_share', words: 'Sustained use', higher: 'the more sustained use', lower: 'the less sustained use' },
  { name: 'weeks_to_critical_mass', words: 'The time to critical mass', higher: 'the longer critical mass takes', lower: 'the sooner critical mass comes' },
  { name: 'cost', words: 'The cost', higher: 'the higher the cost', lower: 'the lower the cost' },
];

/** An interval that excludes 0: the input clearly pushes the outcome one way. */
const clear = (d: Driver): boolean => d.low > 0 || d.high < 0;

function labelOf(data: ReportData): (name: string) => string {
  const labels = new Map(data.strategies.map((s) => [s.name, s.label]));
  return (name) => {
    const pair = name.split('-');
    return pair.length === 2 && labels.has(pair[0]!) && labels.has(pair[1]!) ? `${labels.get(pair[0]!)} minus ${labels.get(pair[1]!)}` : (labels.get(name) ?? name);
  };
}

/** One sentence per main outcome: the uncertainty that matters most, its direction, and what decides the first pair's gap. */
export function driverSentences(data: ReportData): string[] {
  const drivers = data.summary.drivers ?? [];
  if (drivers.length === 0) return [];
  const strategies = data.summary.strategies.map((s) => s.name);
  const pair = strategies.length >= 2 ? `${strategies[0]}-${strategies[1]}` : undefined;
  const label = labelOf(data);
  const out: string[] = [];
  for (const o of MAIN_OUTCOMES) {
    const own = drivers.filter((d) => d.outcome === o.name && strategies.includes(d.strategy));
    if (own.length === 0) continue;
    // The input with the largest mean |rho| over the strategies.
    const byInput = new Map<string, Driver[]>();
    for (const d of own) byInput.set(d.input, [...(byInput.get(d.input) ?? []), d]);
    const strength = (list: Driver[]) => list.reduce((s, d) => s + Math.abs(d.rho), 0) / list.length;
    const [input, list] = [...byInput].sort((a, b) => strength(b[1]) - strength(a[1]))[0]!;
    if (!list.some(clear)) {
      out.push(`${o.words}: no uncertainty has a clear influence at ${data.summary.experiment.rollouts.toLocaleString('en-GB')} rollouts (every interval covers 0).`);
      continue;
    }
    const rhos = list.map((d) => d.rho);
    const lo = Math.min(...rhos);
    const hi = Math.max(...rhos);
    const sign = lo > 0 ? 'higher' : hi < 0 ? 'lower' : undefined;
    const where = list.length === 1 ? `${fmt(lo)} under ${label(list[0]!.strategy)}` : `${fmt(lo)} to ${fmt(hi)} across strategies`;
    let sentence = `${o.words} depends most on ${input} (rank correlation ${where}${sign ? `: the higher it is, ${sign === 'higher' ? o.higher : o.lower}` : ''})`;
    const gap = pair ? drivers.filter((d) => d.outcome === o.name && d.strategy === pair && clear(d)).sort((a, b) => Math.abs(b.rho) - Math.abs(a.rho))[0] : undefined;
    if (gap) sentence += `; the gap of ${label(pair!)} depends most on ${gap.input} (${fmt(gap.rho)})`;
    out.push(`${sentence}.`);
  }
  return out;
}

function fmt(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(2)}`;
}

/** Tornado chart: each uncertainty's rank correlation with sustained use, per strategy and for the first pair, with its 95% interval. */
export function driversChart(data: ReportData): Chart | undefined {
  const drivers = (data.summary.drivers ?? []).filter((d) => d.outcome === 'sustained_share');
  if (drivers.length === 0) return undefined;
  const strategies = data.summary.strategies.map((s) => s.name);
  const pair = strategies.length >= 2 ? `${strategies[0]}-${strategies[1]}` : undefined;
  const shown = drivers.filter((d) => strategies.includes(d.strategy) || d.strategy === pair);
  const label = labelOf(data);
  const strength = new Map<string, number>();
  for (const d of shown) strength.set(d.input, Math.max(strength.get(d.input) ?? 0, Math.abs(d.rho)));
  const order = [...strength].sort((a, b) => b[1] - a[1]).map(([input]) => input);
  const groups = [...strategies, ...(pair ? [pair] : [])].map(label);
  const rows = shown.map((d) => ({ input: d.input, group: label(d.strategy), rho: d.rho, low: d.low, high: d.high, clear: clear(d) ? 'clear' : 'about zero', n: d.n }));
  const title = 'What drives sustained use';
  const caption = 'Each uncertainty\'s rank correlation with sustained use across the rollouts, with its 95% interval: right of the line, the higher the assumption the more sustained use; a hollow dot\'s interval covers 0 (about zero). The last panel is the gap between the first two strategies, rollout by rollout.';
  const spec = inputPanels({
    description: 'Rank correlation of each uncertainty with sustained use.', title, caption, values: rows, panel: 'group', panels: groups, order,
    layer: (y) => [
      { mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
      { mark: { type: 'bar', height: 12, color: '#9ecae1' }, encoding: { y, x: { field: 'rho', type: 'quantitative', scale: { domain: [-1, 1] }, title: 'Rank correlation with sustained use' } } },
      { mark: { type: 'rule', strokeWidth: 2, color: '#4d4d4d' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      {
        mark: { type: 'point', size: 60, color: '#1a1a1a', opacity: 1 },
        encoding: {
          y,
          x: { field: 'rho', type: 'quantitative' },
          fill: { field: 'clear', type: 'nominal', scale: { domain: ['clear', 'about zero'], range: ['#1a1a1a', '#ffffff'] }, legend: null },
          tooltip: [
            { field: 'input', title: 'Uncertainty' },
            { field: 'group', title: 'Strategy' },
            { field: 'rho', title: 'Rank correlation', format: '.2f' },
            { field: 'low', title: 'Interval from', format: '.2f' },
            { field: 'high', title: 'Interval to', format: '.2f' },
            { field: 'n', title: 'Rollouts' },
          ],
        },
      },
    ],
  });
  return { name: 'drivers', section: 'drivers', title, caption, spec };
}
