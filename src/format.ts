/** Numbers for people, shared by every layer (the terminal, claims, messages). */

/** Compact human number: 3 significant digits, thousands separated, NaN as "never". */
export function formatNumber(value: number, digits = 3): string {
  if (Number.isNaN(value)) return 'never';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-GB');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-GB');
  return Number(value.toPrecision(digits)).toString();
}

/** A share 0..1 as a percentage, e.g. 0.4123 -> "41.2%". */
export function formatPercent(share: number, decimals = 1): string {
  if (Number.isNaN(share)) return 'never';
  return `${(share * 100).toFixed(decimals)}%`;
}
