/**
 * Text widths for Vega in Node. Without a canvas Vega guesses 0.8 em per
 * character, which leaves charts padded far wider than their text and legends
 * spaced apart. We read glyph advance widths from the very font files the PNG
 * is drawn with (TrueType cmap format 4 + hmtx), so layout matches the pixels.
 * Kerning is ignored: DejaVu Sans barely kerns.
 */
import { readFileSync } from 'node:fs';
import * as vega from 'vega';

export interface AdvanceTable {
  unitsPerEm: number;
  /** Advance of each code point below 0x2100 (0 = unknown, use `fallback`). */
  advances: Uint16Array;
  fallback: number;
}

const COVERED = 0x2100;

/** Parse the advance widths of a TrueType font for the code points it maps below U+2100. */
export function readAdvanceTable(file: string): AdvanceTable {
  const buf = readFileSync(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), view.getUint32(rec + 8));
  }
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) throw new Error(`${file}: not a TrueType font with cmap and hmtx tables`);
  const unitsPerEm = view.getUint16(head + 18);
  const numberOfHMetrics = view.getUint16(hhea + 34);
  const advanceOf = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  // Find the Unicode BMP subtable (platform 3 encoding 1, or platform 0) in format 4.
  let sub = -1;
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const offset = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (view.getUint16(offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
      sub = offset;
      if (platform === 3) break;
    }
  }
  if (sub < 0) throw new Error(`${file}: no Unicode cmap subtable in format 4`);
  const segCount = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  const advances = new Uint16Array(COVERED);
  for (let s = 0; s < segCount; s++) {
    const end = view.getUint16(ends + 2 * s);
    const start = view.getUint16(starts + 2 * s);
    const delta = view.getInt16(deltas + 2 * s);
    const rangeOffsetAt = rangeOffsets + 2 * s;
    const rangeOffset = view.getUint16(rangeOffsetAt);
    for (let c = start; c <= Math.min(end, COVERED - 1); c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const g = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (c - start));
        glyph = g === 0 ? 0 : (g + delta) & 0xffff;
      }
      if (glyph !== 0) advances[c] = advanceOf(glyph);
    }
  }
  return { unitsPerEm, advances, fallback: advances[0x6e] || Math.round(unitsPerEm * 0.6) };
}

export function textWidth(table: AdvanceTable, text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += (c < COVERED && table.advances[c]) || table.fallback;
  }
  return (units * fontSize) / table.unitsPerEm;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

let installed: string | undefined;

/**
 * Make Vega measure text with these fonts (regular, bold) from now on in this
 * process. Vega supports a user-defined `textMetrics.width` for exactly this.
 */
export function useFontMetrics(files: string[]): void {
  const key = files.join('|');
  if (files.length === 0 || installed === key) return;
  const regular = readAdvanceTable(files[0]!);
  const bold = files[1] ? readAdvanceTable(files[1]) : regular;
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item: TextItem, text: unknown): number => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const value = text == null ? '' : String(text).trim();
    const weight = item.fontWeight;
    const isBold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);
    const width = textWidth(isBold ? bold : regular, value, size);
    // Vega truncates text longer than `limit` with an ellipsis.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  installed = key;
}
