/**
 * One colour per strategy, the same in every chart: the i-th strategy of the
 * run always gets the i-th colour. Okabe–Ito based, readable for the common
 * colour-vision deficiencies and on a projector.
 */
export const STRATEGY_PALETTE = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#7A5C3C', // brown
  '#666666', // grey
] as const;

export function strategyColour(index: number): string {
  return STRATEGY_PALETTE[index % STRATEGY_PALETTE.length]!;
}

/** Vega-Lite colour scale mapping strategy labels (in run order) to their fixed colours. */
export function strategyScale(labels: string[]): { domain: string[]; range: string[] } {
  return { domain: [...labels], range: labels.map((_, i) => strategyColour(i)) };
}
