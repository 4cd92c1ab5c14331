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
