/**
 * Vega-Lite spec → Vega spec → SVG (vega View, no DOM) → PNG (resvg).
 * resvg draws no text at all without fonts and machine-dependent text with
 * system fonts, so the PNG loads known font files explicitly (Debian's
 * fonts-dejavu-core) and maps the generic families onto them.
 */
import { existsSync } from 'node:fs';
import * as vl from 'vega-lite';
import * as vega from 'vega';
import { setByUs as purgeDelaySetByUs } from './resvg-memory.ts';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { useFontMetrics } from './fontmetrics.ts';

if (purgeDelaySetByUs) delete process.env.MIMALLOC_PURGE_DELAY;

export const FONT_FAMILY = 'DejaVu Sans';

/** Candidate locations of DejaVu Sans regular and bold (Debian/Ubuntu first). */
const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/local/share/fonts/dejavu',
  '/opt/homebrew/share/fonts',
];

export interface FontSetup {
  files: string[];
  /** False when no DejaVu font was found and system fonts are used instead. */
  explicit: boolean;
}

export function findFonts(env: NodeJS.ProcessEnv = process.env): FontSetup {
  const dirs = env.UPTAKE_FONT_DIR ? [env.UPTAKE_FONT_DIR, ...FONT_DIRS] : FONT_DIRS;
  for (const dir of dirs) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (existsSync(regular)) return { files: existsSync(bold) ? [regular, bold] : [regular], explicit: true };
  }
  return { files: [], explicit: false };
}

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

export interface PngOptions {
  /** Scale factor: 2 gives crisp slides. */
  scale?: number;
  /** Font files; default: findFonts(). An empty list renders with no text (used by tests). */
  fonts?: FontSetup;
}

function pngOptions(options: PngOptions): ResvgRenderOptions {
  const fonts = options.fonts ?? findFonts();
  return {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      fontFiles: fonts.files,
      // System fonts only as a last resort, when no DejaVu file exists on this machine.
      loadSystemFonts: !fonts.explicit && options.fonts === undefined,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  };
}

export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  return new Resvg(svg, pngOptions(options)).render().asPng();
}

/** As svgToPng, on libuv's thread pool: PNGs render while the next chart's SVG is built. */
export async function svgToPngAsync(svg: string, options: PngOptions = {}): Promise<Buffer> {
  return (await renderAsync(svg, pngOptions(options))).asPng();
}

/** Raw RGBA pixels of an SVG rendering (tests count dark pixels with and without fonts). */
export function svgToPixels(svg: string, options: PngOptions = {}): { width: number; height: number; pixels: Buffer } {
  const fonts = options.fonts ?? findFonts();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 1 },
    font: { fontFiles: fonts.files, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, pixels: image.pixels };
}
