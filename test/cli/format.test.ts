import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatPercent, paint, plural, renderTable, useColour, visibleWidth } from '../../src/cli/format.ts';
import { comparisonText, wavesText } from '../../src/cli/commands/run.ts';
import { syntheticRun } from '../report/synthetic.ts';

describe('renderTable', () => {
  it('aligns text left and numbers right under a rule', () => {
    expect(renderTable(['strategy', 'active', 'weeks'], [['top_down', 0.412, 12], ['phased_pilot', 0.5, 120]])).toBe(
      'strategy      active  weeks\n' +
      '────────────  ──────  ─────\n' +
      'top_down       0.412     12\n' +
      'phased_pilot     0.5    120\n',
    );
  });

  it('ignores colour codes when measuring widths', () => {
    const table = renderTable(['a', 'b'], [[paint('x', 'green', true), 'yy']], { rule: false });
    expect(table.split('\n')[1]).toBe(`${paint('x', 'green', true)}  yy`);
    expect(visibleWidth(paint('abc', 'red', true))).toBe(3);
  });
});

describe('number formatting', () => {
  it('writes NaN weeks as never, large numbers with separators and others with 3 significant digits', () => {
    expect(formatNumber(NaN)).toBe('never');
    expect(formatNumber(20000)).toBe('20,000');
    expect(formatNumber(1234.56)).toBe('1,235');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatPercent(0.4123)).toBe('41.2%');
  });

  it('writes durations and plurals for people', () => {
    expect(formatDuration(4.24)).toBe('4.2 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(plural(1, 'rollout')).toBe('1 rollout');
    expect(plural(1000, 'strategy', 'strategies')).toBe('1,000 strategies');
  });
});

describe('colour', () => {
  const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('is used on a terminal only, and never with NO_COLOR', () => {
    delete process.env.FORCE_COLOR;
    delete process.env.NO_COLOR;
    expect(useColour({ isTTY: true, write: () => true })).toBe(true);
    expect(useColour({ isTTY: false, write: () => true })).toBe(false);
    process.env.NO_COLOR = '1';
    expect(useColour({ isTTY: true, write: () => true })).toBe(false);
    expect(paint('x', 'red', false)).toBe('x');
  });
});

describe('the terminal summary of waves', () => {
  it('gives each phased strategy\'s opening week per wave, and how often a wave was forced open or never opened', () => {
    const { summary } = syntheticRun({ rollouts: 80 });
    const lines = wavesText(summary).trim().split('\n');
    expect(lines[0]).toMatch(/^Week each wave opened, median \(5th–95th percentile; a wave that never opened counts as later than any week\); forced:/);
    expect(lines.filter((l) => /^(top_down|bottom_up) /.test(l))).toEqual([]);
    const row = lines.find((l) => l.startsWith('phased_pilot '))!;
    const waves = summary.waveOpenWeeks.phased_pilot!;
    const week = (q: number | null | 'never') => (q === 'never' ? 'never' : String(Math.round(q!)));
    for (const w of waves) {
      if (w.neverShare >= 1) expect(row).toContain('never opened');
      else if (w.p50 === 'never') expect(row).toContain(`never (${formatPercent(1 - w.neverShare, 0)} reach it)`);
      else expect(row).toContain(`${week(w.p50)} (${week(w.p05)}–${week(w.p95)})`);
      if (w.forcedShare > 0 && w.neverShare < 1) expect(row).toContain(`forced ${formatPercent(w.forcedShare, 0)}`);
      if (w.neverShare > 0 && w.p50 !== 'never') expect(row).toContain(`${formatPercent(w.neverShare, 0)} never`);
    }
    // "never never 100%" read badly: a wave that never opened says so once.
    expect(row).not.toMatch(/never never/);
    // The synthetic run has waves forced open and waves never opened: both notes are exercised.
    expect(waves.some((w) => w.forcedShare > 0) && waves.some((w) => w.neverShare > 0)).toBe(true);
    expect(wavesText(syntheticRun({ strategies: ['top_down', 'bottom_up'] }).summary)).toBe('');
  });
});

describe('the terminal table of pairs with many strategies', () => {
  it('shows the best strategy against each other one instead of every pair, and says where the rest are', () => {
    const { summary } = syntheticRun({ rollouts: 40 });
    const base = summary.strategies[0]!;
    const many = Array.from({ length: 60 }, (_, i) => ({ ...base, name: `plan_${i}`, label: `Plan ${i}` }));
    const distributions = Object.fromEntries(many.map((s, i) => [s.name, {
      ...summary.distributions[base.name]!,
      sustained_share: { ...summary.distributions[base.name]!.sustained_share!, p50: 0.1 + i / 1000 },
    }]));
    const template = summary.comparisons.filter((c) => c.a === summary.comparisons[0]!.a && c.b === summary.comparisons[0]!.b);
    const comparisons = many.flatMap((a, i) => many.slice(i + 1).flatMap((b) => template.map((c) => ({ ...c, a: a.name, b: b.name }))));
    const text = comparisonText({ ...summary, strategies: many, distributions, comparisons, waveOpenWeeks: {} }, false);
    const pairRows = text.split('\n').filter((l) => / vs /.test(l) && !l.startsWith('A vs B'));
    // 60 strategies make 1,770 pairs; plan_59 sustains most, so it is shown against the 59 others.
    expect(pairRows).toHaveLength(59);
    expect(pairRows.every((l) => l.includes('plan_59'))).toBe(true);
    expect(text).toContain('(plan_59 against each other strategy; all 1770 pairs are in summary.json and report.html)');
  });

  it('still shows every pair when there are few', () => {
    const { summary } = syntheticRun({ rollouts: 40 });
    const pairRows = comparisonText(summary, false).split('\n').filter((l) => / vs /.test(l) && !l.startsWith('A vs B'));
    expect(pairRows).toHaveLength(3);
  });
});
