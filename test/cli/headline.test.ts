/**
 * One set of numbers everywhere: the terminal's comparison table, summary.json
 * and report.html quote the same median and the same 5th–95th percentile for
 * every strategy (weeks counting "never" as later than any week), from one run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../src/runner/summary.ts';
import { formatValue } from '../../src/report/format.ts';
import { recommendation } from '../../src/report/recommend.ts';
import { REPO, type Outcome, uptake } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));

let root: string;
let run: Outcome;
let summary: RunSummary;
let html: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'uptake-headline-'));
  // The small fixture with a currency, so every cost shows it.
  const scenario = join(root, 'small.yaml');
  writeFileSync(scenario, `${readFileSync(join(REPO, FIXTURE), 'utf8')}\ncurrency: EUR\n`);
  run = await uptake(['run', scenario, '--rollouts', '40', '--out', join(root, 'out')]);
  summary = JSON.parse(readFileSync(join(root, 'out', 'summary.json'), 'utf8')) as RunSummary;
  html = readFileSync(join(root, 'out', 'report.html'), 'utf8');
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RESULTS = [['sustained_share', 'share'], ['weeks_to_target', 'weeks'], ['weeks_to_critical_mass', 'weeks'], ['churn', 'share']] as const;
const shown = (q: number | null | 'never', unit: 'share' | 'weeks'): string => (q === 'never' ? 'never' : formatValue(q!, unit));

describe('the headline numbers of one run', () => {
  it('finishes and renders its report', () => {
    expect(run.code).toBe(0);
  });

  it('are the same median and 5th–95th percentile on the terminal as in summary.json', () => {
    expect(run.stdout).toContain('Median (5th–95th percentile)');
    for (const s of summary.strategies) {
      const row = run.stdout.split('\n').find((line) => line.startsWith(`${s.name} `))!;
      for (const [result, unit] of RESULTS) {
        const d = summary.distributions[s.name]![result]!;
        if (d.p50 === 'never') {
          expect(row).toContain(d.neverShare >= 1 ? 'never' : `never (${Math.round((1 - d.neverShare) * 100)}% reach it)`);
        } else {
          expect(row, `${s.name} ${result}`).toContain(`${shown(d.p50, unit)} (${shown(d.p05, unit)}–${shown(d.p95, unit)})`);
          if (d.never > 0) expect(row).toContain(`${Math.round(d.neverShare * 100)}% never`);
        }
      }
    }
  });

  it('are the same median and 5th–95th percentile in report.html\'s results table as in summary.json', () => {
    expect(html).toContain('the middle 90% of rollouts (5th to 95th percentile), as on the terminal and in summary.json');
    for (const s of summary.strategies) {
      for (const [result, unit] of RESULTS) {
        const d = summary.distributions[s.name]![result]!;
        const from = shown(d.p05, unit);
        const to = shown(d.p95, unit);
        const range = from === 'never' && to === 'never' ? 'never' : `${from} – ${to}`;
        expect(html, `${s.name} ${result}`).toContain(`<strong>${shown(d.p50, unit)}</strong><span class="range">${range}</span>`);
      }
    }
  });

  it('count "never" as later than any week, so a strategy that mostly never gets there has a median of never everywhere', () => {
    const never = summary.strategies.filter((s) => summary.distributions[s.name]!.weeks_to_target!.p50 === 'never');
    expect(never.length).toBeGreaterThan(0);
    const reaching = summary.strategies.filter((s) => typeof summary.distributions[s.name]!.weeks_to_target!.p50 === 'number');
    expect(reaching.length).toBeGreaterThan(0);
  });

  it('say "neither reaches 40%" where neither strategy of a pair gets there in any rollout, never a coin flip of 0.50', () => {
    const target = `${Math.round(summary.outcomes.targetShare * 100)}%`;
    const neither = summary.comparisons.filter((c) => c.result === 'weeks_to_target' && c.neitherReaches);
    expect(neither.length).toBeGreaterThan(0);
    for (const c of neither) {
      expect(summary.distributions[c.a]!.weeks_to_target!.neverShare).toBe(1);
      expect(summary.distributions[c.b]!.weeks_to_target!.neverShare).toBe(1);
      const row = run.stdout.split('\n').find((line) => line.startsWith(`${c.a} vs ${c.b} `))!;
      expect(row).toContain(`neither reaches ${target}`);
      expect(row).not.toMatch(/0\.50 \[/);
    }
    expect(html).toContain(`neither reaches ${target} in any rollout`);
    // A pair where one of them gets there is still compared.
    expect(summary.comparisons.some((c) => c.result === 'weeks_to_target' && c.neitherReaches === false)).toBe(true);
  });

  it('give the same one-line recommendation on the terminal and in the report', () => {
    const advice = recommendation(summary).text;
    expect(advice.length).toBeGreaterThan(20);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(advice);
    const shown = /<p class="recommendation">(.*?)<\/p>/.exec(html)![1]!.replace(/<[^>]+>/g, '');
    expect(shown).toBe(advice);
  });

  it('label every cost with the scenario\'s currency: terminal, summary.json, report tables and chart titles', () => {
    expect(summary.experiment.currency).toBe('EUR');
    for (const s of summary.strategies) {
      const row = run.stdout.split('\n').find((line) => line.startsWith(`${s.name} `))!;
      expect(row).toMatch(/\d(k|M)? EUR \(/);
    }
    expect(html).toMatch(/<dt>Total cost<\/dt><dd><strong>[^<]* EUR<\/strong>/);
    const spec = JSON.parse(readFileSync(join(root, 'out', 'charts', 'cost-vs-adoption.vl.json'), 'utf8'));
    expect(JSON.stringify(spec)).toContain('Total cost of the rollout (EUR)');
  });
});
