/**
 * A run's estimate in words (src/runner/estimate.ts), for `uptake validate` and `uptake run`, and the
 * refusal of a run whose memory would not fit (exit 2, unless --force).
 */
import type { AvailableMemory, RunEstimate } from '../runner/estimate.ts';
import { formatNumber } from '../format.ts';
import { UsageError } from './errors.ts';
import { plural } from './format.ts';

/** 1,234,567,890 bytes → "1.2 GB" (decimal units, as free(1) -h and the cloud consoles). */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let u = 0;
  while (value >= 1000 && u < units.length - 1) {
    value /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(value)} bytes` : `${value >= 100 ? Math.round(value) : Number(value.toPrecision(2))} ${units[u]}`;
}

/** Big counts in words: 1.2 billion, 340 million, 12,000. */
export function countText(n: number): string {
  if (n >= 1e12) return `${Number((n / 1e12).toPrecision(2))} trillion`;
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(2))} billion`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(2))} million`;
  return formatNumber(Math.round(n));
}

/** "3 strategies × 1,000 rollouts: 650 million agent-steps, 1,000 organisations built, 4,170 summaries kept (3 pairs); peak memory about 420 MB on 2 workers" */
export function estimateText(e: RunEstimate): string {
  const where = e.workers > 0 ? `on ${plural(e.workers, 'worker')}` : 'on the main thread';
  return `${plural(e.strategies, 'strategy', 'strategies')} × ${plural(e.rollouts, 'rollout')}: ${countText(e.agentSteps)} agent-steps, `
    + `${plural(e.organisations, 'organisation')} built, ${formatNumber(e.sketches)} summaries kept (${formatNumber(e.series)} of them weekly series`
    + `${e.pairs > 0 ? `; ${plural(e.pairs, 'pair')} of strategies` : ''}); peak memory about ${bytesText(e.peakBytes)} ${where}`;
}

/** Exit 2 before anything runs or is written when the estimate's peak exceeds what is available, unless forced. */
export function refuseIfTooBig(e: RunEstimate, available: AvailableMemory, force: boolean): void {
  if (force || e.peakBytes <= available.bytes) return;
  const fixes = [
    e.pairs > 100 ? `fewer strategies (${formatNumber(e.strategies)} make ${formatNumber(e.pairs)} pairs, each summarised for every result)` : 'fewer strategies',
    'a smaller organisation',
    e.workers > 1 ? '--workers 1 (each worker holds its own summaries and organisation)' : '',
    '--force to run anyway',
  ].filter(Boolean);
  throw new UsageError(
    `this run would need about ${bytesText(e.peakBytes)} of memory (${plural(e.strategies, 'strategy', 'strategies')} × ${plural(e.rollouts, 'rollout')}, ${formatNumber(e.maxEmployees)} employees) and ${bytesText(available.bytes)} is available (${available.source})`,
    `try ${fixes.join(', ')}`,
  );
}
