/**
 * Vega-Lite spec → Vega spec → SVG (vega View, no DOM) → PNG (resvg, png.ts).
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { useFontMetrics } from './fontmetrics.ts';
import { findFonts, type FontSetup } from './png.ts';

export { FONT_FAMILY, findFonts, svgToPng, svgToPngAsync, svgToPixels, type FontSetup, type PngOptions } from './png.ts';

/** Vega-Lite's warnings for a spec (a warning means a chart is not drawn as intended). */
export class CompileLog {
  readonly warnings: string[] = [];
  #level = 2;
  level(): number;
  level(_: number): this;
  level(_?: number): number | this {
    if (_ === undefined) return this.#level;
    this.#level = _;
    return this;
  }
  error(...args: readonly unknown[]): this {
    throw new Error(`Vega-Lite: ${args.join(' ')}`);
  }
  warn(...args: readonly unknown[]): this {
    this.warnings.push(args.join(' '));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

export function compileToVega(spec: TopLevelSpec, log: CompileLog = new CompileLog()): vega.Spec {
  return vl.compile(spec, { logger: log }).spec as vega.Spec;
}

export async function vegaToSvg(spec: vega.Spec, fonts: FontSetup = findFonts()): Promise<string> {
  useFontMetrics(fonts.files);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
