/**
 * Small terminal helpers shared by the commands: aligned plain-text tables,
 * number formatting and colour that respects NO_COLOR and non-terminals.
 */

import { formatNumber, formatPercent } from '../format.ts';

// Numbers are formatted in the neutral base so every layer can use them; the CLI re-exports them.
export { formatNumber, formatPercent };

export interface Stream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: Stream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof CODES;

/** `text` in a style when `enabled`, unchanged otherwise. */
export function paint(text: string, style: Style, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = CODES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** Visible width: ANSI colour codes take no room. */
export function visibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column; numbers read best right-aligned. Defaults: first column left, others right. */
  align?: Align[];
  /** Spaces between columns. */
  gap?: number;
  /** Draw a rule under the header. */
  rule?: boolean;
}

/** A plain aligned table, one string with a trailing newline. */
export function renderTable(headers: string[], rows: (string | number)[][], options: TableOptions = {}): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...cells.map((r) => visibleWidth(r[i] ?? ''))));
  const align = (i: number): Align => options.align?.[i] ?? (i === 0 ? 'left' : 'right');
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - visibleWidth(text));
    return align(i) === 'left' ? text + fill : fill + text;
  };
  const line = (r: string[]): string => r.map((c, i) => pad(c ?? '', i)).join(gap).trimEnd();
  const out = [line(headers)];
  if (options.rule !== false) out.push(widths.map((w) => '─'.repeat(w)).join(gap));
  for (const r of cells) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** A duration in seconds as "1.2 s", "3 min 05 s" or "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "1 rollout", "3 rollouts". */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? word : pluralWord}`;
}

/** Columns to lay the table out in: the terminal's real width; unlimited in a pipe or log (COLUMNS if set). */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isFinite(env) && env > 0 ? env : Infinity;
}

/** Lines of at most `width` characters, broken after a space, a dot or an opening parenthesis; a longer name is cut only when it must be. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const pieces = text.match(/[^ .(]+[ .(]*|[ .(]+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if ((line + piece).trimEnd().length <= width) {
      line += piece;
      continue;
    }
    if (line.trim()) lines.push(line.trimEnd());
    let rest = piece;
    while (rest.trimEnd().length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
