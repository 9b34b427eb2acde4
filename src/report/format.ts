/** Numbers in plain words for people: shares as percentages, weeks as whole weeks, "never" spelled out. */
import type { Unit } from './model.ts';

const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function percent(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return '–';
  const v = x * 100;
  // Avoid "0%" / "100%" for values that are not exactly that.
  if (digits === 0 && v > 0 && v < 0.5) return '<1%';
  if (digits === 0 && v < 100 && v > 99.5) return '>99%';
  return `${v.toFixed(digits)}%`;
}

export function weeks(x: number): string {
  if (Number.isNaN(x) || x === Infinity) return 'never';
  return `${Math.round(x)}`;
}

/** A cost in plain words with the scenario's currency: "€115k", "115k EUR", "1.2 million kr" ("1.2M kr" compact, for tables on a terminal). */
export function money(x: number, currency = '', compact = false): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const amount = a >= 1e6 ? `${one.format(x / 1e6)}${compact ? 'M' : ' million'}` : a >= 1e4 ? `${int.format(Math.round(x / 1000))}k` : a >= 1e3 ? `${one.format(x / 1000)}k` : int.format(x);
  return withCurrency(amount, currency);
}

/** A symbol goes before the amount (€115k), a code or word after it (115k EUR). */
export function withCurrency(amount: string, currency = ''): string {
  if (!currency) return amount;
  if (/^\p{Sc}+$/u.test(currency)) return amount.startsWith('-') ? `-${currency}${amount.slice(1)}` : `${currency}${amount}`;
  return `${amount} ${currency}`;
}

export function count(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return Math.abs(x) >= 10 ? int.format(x) : one.format(x);
}

export function formatValue(x: number, unit: Unit, currency = ''): string {
  switch (unit) {
    case 'share':
      return percent(x);
    case 'weeks':
      return weeks(x);
    case 'money':
      return money(x, currency);
    case 'code':
      return Number.isFinite(x) ? String(Math.round(x)) : '–';
    default:
      return count(x);
  }
}

/** d3-format string for Vega-Lite axes and tooltips. */
export function d3Format(unit: Unit): string {
  switch (unit) {
    case 'share':
      return '.0%';
    case 'weeks':
    case 'code':
      return 'd';
    case 'money':
      return '~s';
    default:
      return ',.0f';
  }
}

/** "A, B and C". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Capitalise the first letter of a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What a comparison of two strategies says when neither reaches a result in weeks in any rollout ("neither reaches 40%"). */
export function neitherReachesText(result: string, outcomes: { targetShare: number; criticalMassShare: number }): string {
  if (result === 'weeks_to_target') return `neither reaches ${percent(outcomes.targetShare)}`;
  if (result === 'weeks_to_critical_mass') return `neither reaches critical mass (${percent(outcomes.criticalMassShare)})`;
  return 'neither gets there';
}
