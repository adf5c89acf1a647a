/** "Did you mean" for unknown keys, enum values, zones and task names (STYLE.md practice 9). */

// commander's rule: a candidate must be at least this similar, so "b" never suggests "a".
const MIN_SIMILARITY = 0.4;

/** ` (did you mean "x")` after a message when a candidate is close to `word`, else `otherwise`. */
export function didYouMean(word: string, candidates: readonly string[], otherwise = ''): string {
  const suggestion = suggestSimilar(word, candidates);
  return suggestion === undefined ? otherwise : ` (did you mean "${suggestion}")`;
}

/**
 * The candidate closest to `word` by Damerau-Levenshtein distance, if it is within
 * max(1, floor(len/3)) edits; on a tie the earlier candidate wins.
 */
export function suggestSimilar(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // The length difference is a lower bound of the distance: skip most of a long list cheaply.
    if (Math.abs(candidate.length - word.length) >= bestDistance) continue;
    const distance = measureEditDistance(word, candidate);
    const longest = Math.max(word.length, candidate.length);
    if (distance < bestDistance && (longest - distance) / longest > MIN_SIMILARITY) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function measureEditDistance(a: string, b: string): number {
  // Three rolling rows instead of a full matrix: task-name lists can hold 10,000 entries.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current[j] = value;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}
