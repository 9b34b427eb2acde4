import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { renderReport } from '../../src/report/index.ts';
import { findFonts, svgToPixels } from '../../src/report/render.ts';
import { TINY_SCENARIO, tempDir, tinyRun } from './fixture.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { mergeShards } from '../../src/runner/merge.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import { writeSyntheticOutputs } from './synthetic.ts';

let dir: string;
let charts: string[];

beforeAll(async () => {
  // A real tiny run of the simulation, then the report drawn from its saved outputs.
  dir = await tinyRun(join(tempDir('render'), 'out'));
  charts = (await renderReport(dir, { quiet: true })).charts;
});
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

/** Dark pixels (any channel under 100) in the top `rows` rows of an RGBA image. */
function darkPixels(image: { width: number; pixels: Buffer | Uint8Array }, rows: number): number {
  let dark = 0;
  const end = Math.min(image.pixels.length, rows * image.width * 4);
  for (let i = 0; i < end; i += 4) if (image.pixels[i]! < 100 && image.pixels[i + 1]! < 100 && image.pixels[i + 2]! < 100) dark++;
  return dark;
}

describe('rendering the report from a real run', () => {
  it('writes a spec, an SVG and a PNG for every chart, and report.html, leaving no temporary file', () => {
    expect(charts.length).toBeGreaterThanOrEqual(17);
    const files = readdirSync(join(dir, 'charts')).sort();
    expect(files).toEqual(charts.flatMap((c) => [`${c}.png`, `${c}.svg`, `${c}.vl.json`]).sort());
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('draws the wave timeline for the phased pilot', () => {
    expect(charts).toContain('wave-timeline');
    const svg = readFileSync(join(dir, 'charts', 'wave-timeline.svg'), 'utf8');
    expect(svg).toContain('>Pilot</text>');
    expect(svg).toContain('>Wave 3</text>');
  });

  it('puts titles, axis titles and legends in the SVG as text', () => {
    const svg = readFileSync(join(dir, 'charts', 'fan-active-share.svg'), 'utf8');
    for (const text of ['Share of employees actively using the platform', 'Weeks after launch', 'Top-down launch', 'Bottom-up free network', 'Phased pilot']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    const weeks = readFileSync(join(dir, 'charts', 'weeks-to-target.svg'), 'utf8');
    expect(weeks).toContain('>Never</text>');
  });

  it('shows the text in the PNG: the title area has dark pixels that vanish without fonts', () => {
    const svg = readFileSync(join(dir, 'charts', 'fan-active-share.svg'), 'utf8');
    const fonts = findFonts();
    expect(fonts.explicit).toBe(true); // Debian's fonts-dejavu-core (npm test installs it: scripts/ensure-test-deps.mjs)
    const withFonts = svgToPixels(svg, { fonts });
    const withoutFonts = svgToPixels(svg, { fonts: { files: [], explicit: true } });
    // The top 40 rows hold only the title and subtitle.
    expect(darkPixels(withFonts, 40)).toBeGreaterThan(500);
    expect(darkPixels(withoutFonts, 40)).toBe(0);
    // The saved PNG (drawn at twice the size) is the version with text.
    const png = PNG.sync.read(readFileSync(join(dir, 'charts', 'fan-active-share.png')));
    expect(png.width).toBe(withFonts.width * 2);
    expect(darkPixels({ width: png.width, pixels: png.data }, 80)).toBeGreaterThan(1000);
  });

  it('makes report.html self-contained: inline scripts only, nothing to fetch, and inlined JSON that cannot close its script element', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // The page's own markup and style, scripts emptied (the bundles mention <img src=…> in their code).
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
    expect(markup.length).toBeLessThan(html.length / 4);
    expect(/\b(src|href)\s*=\s*(?!["']?#)/i.test(markup), 'an src or href other than a #fragment').toBe(false);
    expect(/https?:|@import|url\(/i.test(markup), 'a URL in markup or style').toBe(false);
    expect(html.includes('sourceMappingURL'), 'a source-map reference').toBe(false);
    expect((html.match(/<script>/g) ?? []).length).toBe(3); // vega, vega-embed, the page's own
    const json = html.match(/<script type="application\/json" id="uptake-specs">([\s\S]*?)<\/script>/)![1]!;
    expect(json).not.toContain('<');
    expect(Object.keys(JSON.parse(json))).toEqual(charts);
  });

  it('says what the report is about in plain words: summary, tables, assumptions, methods and the command to reproduce', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const heading of ['Summary', 'Results by strategy', 'Paired comparisons', 'Assumptions and uncertainties', 'How these numbers were made', 'Reproduce this report']) {
      expect(html).toContain(`>${heading}</h2>`);
    }
    expect(html).toContain('sustains the most use');
    expect(html.match(/<div class="card" /g)).toHaveLength(3); // each strategy at a glance
    expect(html).toContain('<code>organisation.silo_strength</code>'); // the scenario file's name, not the model's siloStrength
    expect(html).not.toContain('siloStrength');
    expect(html).toContain('anywhere between 0.3 and 0.7, all equally likely');
    expect(html).toMatch(/<pre class="command"><code>uptake run [^<]*tiny\.yaml/);
  });

  it('lists the scenario\'s fixed settings, from the run\'s experiment.json', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('>Set by the scenario</h3>');
    expect(html).toMatch(/<code>organisation\.employees<\/code><\/th><td>[^<]+<\/td><td class="num">250 <span class="unit">people<\/span><\/td><td class="num">2,000<\/td>/);
  });

  it('re-renders in place: charts are replaced whole and the report is rewritten', async () => {
    const before = readFileSync(join(dir, 'report.html'), 'utf8');
    const pngs = readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png'));
    writeFileSync(join(dir, 'charts', 'stale.svg'), '<svg/>');
    await renderReport(dir, { quiet: true, png: false });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(before);
    const files = readdirSync(join(dir, 'charts'));
    expect(files).not.toContain('stale.svg'); // the old charts/ was swapped out whole...
    expect(files.filter((f) => f.endsWith('.png'))).toEqual(pngs); // ...but --no-png keeps the PNGs drawn before
    expect(readdirSync(dir).filter((f) => f.startsWith('.charts'))).toEqual([]);
  });
});

describe('rendering a run of a single strategy', () => {
  it('draws no paired comparison or wave timeline and says there is nothing to compare', async () => {
    const single = writeSyntheticOutputs(join(tempDir('single'), 'out'), { rollouts: 12, weeks: 20, strategies: ['top_down'] });
    try {
      const files = await renderReport(single, { quiet: true, png: false });
      expect(files.charts).not.toContain('paired-comparisons');
      expect(files.charts).not.toContain('wave-timeline');
      expect(files.charts).toContain('cost-vs-adoption');
      const html = readFileSync(join(single, 'report.html'), 'utf8');
      expect(html).toContain('Only one strategy was run, so there is nothing to compare pair by pair.');
      expect(html).toMatch(/<strong class="strategy">Top-down<\/strong> sustains a median of \d+% of employees active/);
    } finally {
      rmSync(join(single, '..'), { recursive: true, force: true });
    }
  });
});

describe('a scenario file edited after its run', () => {
  it('does not change the report: the fixed settings come from the run\'s experiment.json, not from the file', async () => {
    const root = tempDir('edited');
    try {
      const scenario = join(root, 'tiny.yaml');
      writeFileSync(scenario, readFileSync(TINY_SCENARIO, 'utf8'));
      const out = join(root, 'out');
      await runExperiment({ experiment: await loadScenario(scenario), out, workers: 1, runner: 'sequential' });
      expect(existsSync(join(out, 'experiment.json'))).toBe(true);
      writeFileSync(scenario, readFileSync(TINY_SCENARIO, 'utf8').replace('employees: 250', 'employees: 260'));
      rmSync(scenario);
      await renderReport(out, { quiet: true, png: false });
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('as this run used them (from experiment.json in this folder)');
      expect(html).toMatch(/<code>organisation\.employees<\/code><\/th><td>[^<]*<\/td><td class="num">250 /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('labels that look like markup', () => {
  it('are shown as text: they cannot open or close an element in report.html', async () => {
    const out = writeSyntheticOutputs(join(tempDir('markup'), 'out'), { rollouts: 8, weeks: 20 });
    try {
      const summaryFile = join(out, 'summary.json');
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      summary.strategies[0].label = 'Top-down </script><script>alert(1)</script> & <b>co</b>';
      writeFileSync(summaryFile, JSON.stringify(summary));
      await renderReport(out, { quiet: true, png: false });
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect((html.match(/<script>/g) ?? []).length).toBe(3);
      expect(html).not.toContain('<b>co</b>');
      expect(html).toContain('Top-down &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;');
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});

describe('a run merged from shards', () => {
  it('is reported like any run, and gives the unsharded command that reproduces it', async () => {
    const root = tempDir('merged');
    try {
      const experiment = { ...(await loadScenario(TINY_SCENARIO)), rollouts: 6 };
      const shards = [join(root, 's1'), join(root, 's2')];
      for (const [i, out] of shards.entries()) await runExperiment({ experiment, out, workers: 1, runner: 'sequential', shard: { index: i + 1, count: 2 } });
      const merged = join(root, 'merged');
      await mergeShards({ dirs: shards, out: merged });
      await renderReport(merged, { quiet: true, png: false });
      const html = readFileSync(join(merged, 'report.html'), 'utf8');
      expect(html).toContain('This folder was merged from 2 shards; one unsharded run gives the same numbers:');
      // The scenario by its file name only: no folder of the consultant's machine reaches the report.
      expect(html).toContain(`<code>uptake run ${basename(TINY_SCENARIO)} --seed 11 --rollouts 6</code>`);
      expect(html).not.toContain(dirname(TINY_SCENARIO));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('rendering an output folder written before parameters took the scenario file\'s names', () => {
  it('shows the camelCase paths of its summary.json in the scenario file\'s words, with their meaning', async () => {
    const old = writeSyntheticOutputs(join(tempDir('camel'), 'out'), { rollouts: 8, weeks: 20 });
    try {
      const file = join(old, 'summary.json');
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('organisation.silo_strength', 'organisation.siloStrength'));
      await renderReport(old, { quiet: true, png: false });
      const html = readFileSync(join(old, 'report.html'), 'utf8');
      expect(html).toMatch(/<code>organisation\.silo_strength<\/code><\/th><td>[^<]+<\/td>/);
      expect(html).not.toContain('<code>organisation.siloStrength</code>');
    } finally {
      rmSync(join(old, '..'), { recursive: true, force: true });
    }
  });
});
