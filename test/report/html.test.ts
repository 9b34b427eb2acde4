import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { bundlePaths, emphasiseStrategies, escapeHtml, inlineJson, inlineScript } from '../../src/report/html.ts';
import type { ReportData } from '../../src/report/model.ts';

describe('inlining into report.html', () => {
  it('escapes < in JSON so a string cannot close the script element, and the JSON still parses', () => {
    const value = { label: '</script><script>alert(1)</script>', line: 'a\u2028b' };
    const text = inlineJson(value);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('drops the source-map reference and breaks any closing script tag inside a bundle', () => {
    expect(inlineScript('var a = "</script>";\n//# sourceMappingURL=x.js.map\n')).toBe('var a = "<\\/script>";\n');
  });

  it('finds the minified vega and vega-embed bundles next to the packages\' entry files', () => {
    const paths = bundlePaths();
    expect(paths.vega).toMatch(/vega\/build\/vega\.min\.js$/);
    expect(paths.vegaEmbed).toMatch(/vega-embed\/build\/vega-embed\.min\.js$/);
    expect(existsSync(paths.vega) && existsSync(paths.vegaEmbed)).toBe(true);
  });
});

describe('text in report.html', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it('emphasises strategy names, the longest first so one name inside another is not split', () => {
    const data = { strategies: [{ name: 'p', label: 'Pilot', waves: 0 }, { name: 'pp', label: 'Pilot & waves', waves: 0 }] } as unknown as ReportData;
    expect(emphasiseStrategies('Pilot & waves beats Pilot', data)).toBe(
      '<strong class="strategy">Pilot &amp; waves</strong> beats <strong class="strategy">Pilot</strong>',
    );
  });
});
