/**
 * Piscina worker (draw.ts): one chart's SVG → PNG with resvg, parsing,
 * drawing and PNG encoding all on this thread, so the main thread goes on
 * building the next charts' SVGs. The same library and options as svgToPng:
 * the same bytes.
 */
import { move } from 'piscina';
import { svgToPng, type FontSetup } from './png.ts';

export interface PngTask {
  svg: string;
  fonts: FontSetup;
}

export default function drawPng(task: PngTask): Uint8Array {
  const png = svgToPng(task.svg, { fonts: task.fonts });
  const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  return move(bytes) as unknown as Uint8Array;
}
