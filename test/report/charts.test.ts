import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { OBSERVABLES } from '../../src/model/index.ts';
import { type Chart, KEY_OBSERVABLES, buildCharts, weekBinWidth, wrap } from '../../src/report/charts.ts';
import { fullSpec } from '../../src/report/index.ts';
import { loadReportData } from '../../src/report/load.ts';
import type { ReportData } from '../../src/report/model.ts';
import { STRATEGY_PALETTE } from '../../src/report/palette.ts';
import { CompileLog, compileToVega } from '../../src/report/render.ts';
import { tempDir } from './fixture.ts';
import { writeSyntheticOutputs } from './synthetic.ts';

let dir: string;
let data: ReportData;
let charts: Chart[];

beforeAll(async () => {
  dir = writeSyntheticOutputs(tempDir('charts'));
  data = await loadReportData(dir);
  charts = buildCharts(data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every value under `key` anywhere in a spec. */
function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const x of node) collect(x, key, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      if (k !== 'values') collect(v, key, out);
    }
  }
  return out;
}

describe('report charts', () => {
  it('draws a fan chart for every observable, the five key ones first', () => {
    const fans = charts.filter((c) => c.name.startsWith('fan-')).map((c) => c.name);
    expect(fans.slice(0, 5)).toEqual(KEY_OBSERVABLES.map((n) => `fan-${n.replace(/_/g, '-')}`));
    expect(fans).toHaveLength(OBSERVABLES.length);
  });

  it('titles the y axis by whose share it is, and shows a 0-to-1 score as a number, not a percentage', () => {
    type Layer = { encoding: { y: unknown }; layer: Layer[] };
    const yOf = (name: string): { title: string; axis: { format: string } } => (charts.find((c) => c.name === name)!.spec.layer as Layer[])[0]!.layer[0]!.encoding.y as { title: string; axis: { format: string } };
    expect(yOf('fan-active-share')).toMatchObject({ title: 'Share of employees', axis: { format: '.0%' } });
    expect(yOf('fan-catalyst-share')).toMatchObject({ title: 'Share of managers', axis: { format: '.0%' } });
    expect(yOf('fan-manager-style')).toMatchObject({ title: 'Mean manager style (0 gatekeeper, 1 catalyst)', axis: { format: '.2f' } });
    expect(yOf('fan-communities-alive').title).toBe('Communities alive');
  });

  it('marks critical mass and the target share where active use is on an axis, and only there', () => {
    const levels = (name: string): number[] => (collect(charts.find((c) => c.name === name)!.spec, 'data') as { values: { level?: number }[] }[])
      .flatMap((d) => d.values.map((v) => v.level).filter((v): v is number => v !== undefined));
    expect(levels('fan-active-share')).toEqual([data.summary.outcomes.criticalMassShare, data.summary.outcomes.targetShare]);
    expect(levels('cost-vs-adoption')).toEqual([data.summary.outcomes.criticalMassShare, data.summary.outcomes.targetShare]);
    expect(levels('fan-producers-share')).toEqual([]);
  });

  it('draws the weeks-to distributions, the paired comparison, cost against adoption and the wave timeline', () => {
    const names = charts.map((c) => c.name);
    for (const n of ['weeks-to-critical-mass', 'weeks-to-target', 'paired-comparisons', 'cost-vs-adoption', 'wave-timeline']) expect(names).toContain(n);
  });

  it('writes every spec valid against the Vega-Lite JSON schema', () => {
    // vega-lite's `exports` hide build/: go from the resolved entry file.
    const schema = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.resolve('vega-lite'))), 'vega-lite-schema.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, validateFormats: false, logger: false });
    const validate = ajv.compile(schema);
    // The validator does reject a broken spec.
    expect(validate({ ...fullSpec(charts[0]!), mark: 'banana', layer: undefined })).toBe(false);
    for (const chart of charts) {
      const ok = validate(fullSpec(chart));
      expect(ok, `${chart.name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('compiles every spec without a Vega-Lite warning', () => {
    for (const chart of charts) {
      const log = new CompileLog();
      compileToVega(fullSpec(chart), log);
      expect(log.warnings, chart.name).toEqual([]);
    }
  });

  it('gives each strategy the same colour in every chart, keyed by strategy order', () => {
    const labels = data.strategies.map((s) => s.label);
    for (const chart of charts) {
      const scales = (collect(chart.spec, 'color') as { field?: string; scale?: { domain: string[]; range: string[] } }[]).filter((c) => c.field === 'strategy');
      // The paired comparison shows pairs, not single strategies: it alone has no strategy colours.
      if (chart.name !== 'paired-comparisons') expect(scales.length, chart.name).toBeGreaterThan(0);
      // The wave timeline lists only the strategies with waves, each in its colour from the whole run.
      const shown = chart.name === 'wave-timeline' ? data.strategies.filter((s) => s.waves > 0).map((s) => s.label) : labels;
      for (const colour of scales) {
        expect(colour.scale?.domain, chart.name).toEqual(shown);
        expect(colour.scale?.range, chart.name).toEqual(shown.map((label) => STRATEGY_PALETTE[labels.indexOf(label)]));
      }
    }
  });

  it('lists in the wave timeline\'s legend only the strategies that have waves', () => {
    const timeline = charts.find((c) => c.name === 'wave-timeline')!;
    const withWaves = data.strategies.filter((s) => s.waves > 0).map((s) => s.label);
    expect(withWaves.length).toBeLessThan(data.strategies.length);
    const scales = (collect(timeline.spec, 'color') as { field?: string; scale?: { domain: string[] } }[]).filter((c) => c.field === 'strategy');
    for (const colour of scales) expect(colour.scale?.domain).toEqual(withWaves);
  });

  it('titles charts, axes and tooltips in plain words, never with variable names', () => {
    for (const chart of charts) {
      const texts = [chart.title, chart.caption, ...collect(chart.spec, 'title'), ...collect(chart.spec, 'subtitle')].flat(2);
      for (const t of texts) {
        if (typeof t === 'string') expect(t, chart.name).not.toMatch(/[a-z]_[a-z]/);
        else if (t && typeof t === 'object' && 'text' in t) expect(String((t as { text: string }).text), chart.name).not.toMatch(/[a-z]_[a-z]/);
      }
      expect(chart.title.length).toBeGreaterThan(10);
    }
    const active = charts.find((c) => c.name === 'fan-active-share')!;
    expect(active.title).toBe('Share of employees actively using the platform');
  });

  it('shows "never" as its own category in the weeks-to distribution, with the share of rollouts that never got there', () => {
    const chart = charts.find((c) => c.name === 'weeks-to-target')!;
    const rows = (chart.spec.data as { values: { strategy: string; bin: string; share: number; never: boolean }[] }).values;
    for (const s of data.strategies) {
      const never = rows.find((r) => r.strategy === s.label && r.never)!;
      expect(never.bin).toBe('Never');
      const expected = data.summary.distributions[s.name]!.weeks_to_target!.neverShare;
      expect(never.share).toBeCloseTo(expected, 4); // chart data keep five significant digits
      const total = rows.filter((r) => r.strategy === s.label).reduce((a, r) => a + r.share, 0);
      expect(total).toBeCloseTo(1, 3);
    }
    // The synthetic bottom-up strategy never reaches the target: its bar is all "never".
    expect(rows.find((r) => r.strategy === 'Bottom-up' && r.never)!.share).toBeGreaterThan(0.9);
  });

  it('marks each strategy\'s median on the cost chart and keeps one point per rollout', () => {
    const chart = charts.find((c) => c.name === 'cost-vs-adoption')!;
    const layers = chart.spec.layer as { data: { values: Record<string, number | string>[] } }[];
    expect(layers[0]!.data.values).toHaveLength(data.rollouts.get('top_down')!.n * data.strategies.length);
    expect(layers[1]!.data.values.map((m) => m.strategy)).toEqual(data.strategies.map((s) => s.label));
  });

  it('lays the wave timeline out per wave, from the pilot on, with the shares of rollouts where a wave was forced open or never opened', () => {
    const chart = charts.find((c) => c.name === 'wave-timeline')!;
    const rows = (chart.spec.data as { values: { wave: string; never: number; forced: number; note: string }[] }).values;
    expect(rows.map((r) => r.wave)).toEqual(['Pilot', 'Wave 1', 'Wave 2', 'Wave 3']);
    expect(rows[0]!.never).toBe(0);
    expect(rows[0]!.forced).toBe(0);
    expect(rows.some((r) => r.never > 0 && /never opened in \d+%$/.test(r.note))).toBe(true);
    const forced = rows.find((r) => r.forced > 0)!;
    expect(forced.note).toMatch(new RegExp(`^forced open in ${Math.round(100 * forced.forced)}%`));
  });

  it('chooses 12 to 26 week bins over common horizons and wraps long captions', () => {
    for (const h of [26, 52, 104, 156, 260]) {
      const bins = Math.floor(h / weekBinWidth(h)) + 1;
      expect(bins, `horizon ${h}`).toBeLessThanOrEqual(27);
      expect(bins, `horizon ${h}`).toBeGreaterThanOrEqual(12);
    }
    const lines = wrap('one two three four five six seven eight nine ten', 14);
    expect(lines.every((l) => l.length <= 14)).toBe(true);
    expect(lines.join(' ')).toBe('one two three four five six seven eight nine ten');
  });
});
