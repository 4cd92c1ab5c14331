// Proportions with confidence intervals for the evaluation (issue #13). Pure.

export interface Proportion {
  n: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson score interval (Wilson 1927): well-behaved at 0, 1 and small n. */
  ci95: [number, number];
}

/** Wilson score interval for `correct` of `n` at z (1.96 for 95%). */
export function wilson(correct: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function proportion(correct: number, n: number): Proportion {
  return { n, correct, accuracy: n === 0 ? Number.NaN : correct / n, ci95: wilson(correct, n) };
}

/** Two runs scored on the same items: the change in accuracy, with an interval made for paired data. */
export interface PairedDifference {
  n: number;
  /** Items only the first run gets right (b) and only the second (c). */
  onlyFirst: number;
  onlySecond: number;
  /** Accuracy of the second minus the first. */
  difference: number;
  /** 95% interval of the difference: Newcombe's (1998) method 10, from the two Wilson intervals and the runs' correlation. */
  ci95: [number, number];
  /** Exact two-sided McNemar test: P(a split of b + c items at least this uneven | no change). */
  p: number;
}

/** log C(n, k) by summing logs (n is at most a few thousand items). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** Two-sided exact binomial test of k of n at 1/2 (McNemar on the discordant items). */
export function mcnemarExact(onlyFirst: number, onlySecond: number): number {
  const n = onlyFirst + onlySecond;
  if (n === 0) return 1;
  const k = Math.min(onlyFirst, onlySecond);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/**
 * second − first on the same items (`first[i]`, `second[i]`: item i right). The two accuracies
 * are correlated (same questions), so the unpaired intervals overstate the uncertainty of a gain;
 * Newcombe's method 10 accounts for it and, like Wilson, behaves near 0 and 1.
 */
export function pairedDifference(first: readonly boolean[], second: readonly boolean[]): PairedDifference {
  if (first.length !== second.length) throw new RangeError(`paired runs need the same items: ${first.length} vs ${second.length}`);
  const n = first.length;
  let a = 0; // both right
  let b = 0; // only first
  let c = 0; // only second
  for (let i = 0; i < n; i++) {
    if (first[i] && second[i]) a++;
    else if (first[i]) b++;
    else if (second[i]) c++;
  }
  const d = n - a - b - c;
  if (n === 0) return { n, onlyFirst: 0, onlySecond: 0, difference: Number.NaN, ci95: [-1, 1], p: 1 };
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const [l1, u1] = wilson(a + b, n);
  const [l2, u2] = wilson(a + c, n);
  const denominator = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  const phi = denominator === 0 ? 0 : (a * d - b * c) / denominator;
  const diff = p2 - p1;
  const lower = Math.sqrt(Math.max(0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2));
  const upper = Math.sqrt(Math.max(0, (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2));
  return { n, onlyFirst: b, onlySecond: c, difference: diff, ci95: [Math.max(-1, diff - lower), Math.min(1, diff + upper)], p: mcnemarExact(b, c) };
}

/** A mean change over paired items with its 95% interval (accuracy fractions). */
export interface MeanDifference {
  n: number;
  difference: number;
  ci95: [number, number];
}

/**
 * The part of a change that a baseline does not share, item by item: (second − first) −
 * (secondBase − firstBase), where the bases are the same two runs scored on the same items with
 * something hidden (every clip, for the answer prior). Each item's difference is −2 … 2; the
 * interval is the normal one of their mean (the items are the unit, as in the paired tables).
 * A change of the answer prior is there with the clips hidden too, and leaves this near zero.
 */
export function differenceInDifferences(first: readonly boolean[], second: readonly boolean[], firstBase: readonly boolean[], secondBase: readonly boolean[]): MeanDifference {
  const n = first.length;
  if (second.length !== n || firstBase.length !== n || secondBase.length !== n) throw new RangeError(`paired runs need the same items: ${n}, ${second.length}, ${firstBase.length}, ${secondBase.length}`);
  if (n === 0) return { n, difference: Number.NaN, ci95: [-2, 2] };
  const d = Array.from({ length: n }, (_, i) => Number(second[i]) - Number(first[i]) - (Number(secondBase[i]) - Number(firstBase[i])));
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const half = 1.959963984540054 * Math.sqrt(variance / n);
  return { n, difference: mean, ci95: [Math.max(-2, mean - half), Math.min(2, mean + half)] };
}
