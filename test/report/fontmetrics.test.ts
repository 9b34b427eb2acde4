import { describe, expect, it } from 'vitest';
import { readAdvanceTable, textWidth } from '../../src/report/fontmetrics.ts';
import { compileToVega, findFonts, vegaToSvg } from '../../src/report/render.ts';

describe('text widths from the font files', () => {
  it('reads DejaVu Sans advance widths from its cmap and hmtx tables', () => {
    const fonts = findFonts();
    expect(fonts.explicit).toBe(true);
    const regular = readAdvanceTable(fonts.files[0]!);
    const bold = readAdvanceTable(fonts.files[1]!);
    expect(regular.unitsPerEm).toBe(2048);
    expect(regular.advances[' '.charCodeAt(0)]).toBe(651); // DejaVu Sans space
    expect(regular.advances['i'.charCodeAt(0)]).toBeLessThan(regular.advances['m'.charCodeAt(0)]!);
    expect(textWidth(bold, 'Weeks', 12)).toBeGreaterThan(textWidth(regular, 'Weeks', 12));
    // Characters outside the table fall back to the width of "n" rather than zero.
    expect(textWidth(regular, '\u{1F600}', 10)).toBeCloseTo(textWidth(regular, 'n', 10));
  });

  it('lays a chart out to the width of its text, not to Vega\'s 0.8 em per character guess', async () => {
    const title = 'A title long enough that a guess of 0.8 em per character would widen the chart';
    const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, width: 200, height: 100, data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } };
    const svg = await vegaToSvg(compileToVega(spec as never));
    const width = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    const measured = textWidth(readAdvanceTable(findFonts().files[1]!), title, 13); // Vega's default title: 13px bold
    expect(width).toBeLessThan(measured + 40);
    expect(width).toBeLessThan(0.8 * title.length * 13);
  });
});
