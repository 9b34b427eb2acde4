/** Name helpers: snake_case in files, camelCase in ModelParams, and "did you mean" suggestions. */

/** `siloStrength` -> `silo_strength` */
export function toSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `silo_strength` -> `siloStrength` */
export function toCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A dotted ModelParams path as written in scenario files: `organisation.siloStrength` -> `organisation.silo_strength`; `weeks` -> `horizon`. */
export function fileParamPath(modelPath: string): string {
  if (modelPath === 'weeks') return 'horizon';
  return modelPath.split('.').map(toSnake).join('.');
}

/** Levenshtein distance, with a cheap early exit for very different lengths. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate, if close enough to be a plausible typo (or a camelCase spelling of it). */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '');
  const target = norm(input);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const n = norm(c);
    if (n === target) return c;
    // The last segment of a dotted path alone is a strong hint (`silo_strength` for `organisation.silo_strength`).
    const last = n.split('.').pop()!;
    const score = Math.min(editDistance(target, n), last === n ? Infinity : editDistance(target, last) + 0.5);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(target.length / 3));
  return bestScore <= limit ? best : undefined;
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const match = closest(input, candidates);
  return match === undefined ? undefined : `did you mean ${match}?`;
}

/** `a, b or c` */
export function listWords(words: readonly string[], conjunction = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}
