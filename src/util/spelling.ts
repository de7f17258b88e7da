/**
 * What the user meant by a name they typed: for "did you mean" in messages,
 * and for field names written as people write them.
 */

/** Optimal string alignment distance: letters wrong, missing or extra, and two swapped, count one each. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The one of `candidates` that `typed` most likely stands for: a letter or
 * two off (case aside), else the start of only that one. Undefined when
 * none is near, or several are. For messages only: never acted on.
 */
export function likelyMeant(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  const near = candidates.filter((c) => distance(word, c.toLowerCase()) <= Math.min(2, Math.floor(word.length / 3)));
  const starting = candidates.filter((c) => word.length >= 4 && c.toLowerCase().startsWith(word));
  const [only, ...others] = near.length > 0 ? near : starting;
  return others.length === 0 ? only : undefined;
}

/** `; did you mean X?` (X in quotes for a field of a file) when `likelyMeant` finds one; else nothing. */
export function didYouMean(typed: string, candidates: readonly string[], { quoted = false } = {}): string {
  const meant = likelyMeant(typed, candidates);
  return meant === undefined ? "" : `; did you mean ${quoted ? `"${meant}"` : meant}?`;
}

/** A field's name as people vary it, case, `_`, `-` and spaces aside: "powerBIUrl", "power_bi_url". */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}
