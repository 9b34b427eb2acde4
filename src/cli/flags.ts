/** Flag values shared by the commands: whole numbers with a hint that fits the flag. */
import { availableParallelism } from 'node:os';
import { UsageError } from './errors.ts';

/** A sensible example per flag, so a hint never suggests something odd (such as 100 worker threads). */
function example(flag: string, min: number): number {
  switch (flag) {
    case '--workers':
      return availableParallelism();
    case '--seed':
      return 42;
    case '--rollout':
      return 17;
    default:
      return Math.max(min, 1) * 100;
  }
}

/** `--rollouts 200` and the like: undefined when absent, a UsageError (exit 2) with an example when not a whole number of at least `min`. */
export function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    const hint = flag === '--workers' ? `e.g. --workers ${example(flag, min)} (this machine's cores)` : `e.g. ${flag} ${example(flag, min)}`;
    throw new UsageError(`${flag}: expected a whole number of at least ${min}, got "${text}"`, hint);
  }
  return Number(text);
}
