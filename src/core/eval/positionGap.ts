// The gap between the best and the worst anchor position at one composite length (issue #13's
// acceptance: Stage 1 "shrinks the gap between the best and the worst anchor position at 16
// clips"), with what noise alone gives and, for two runs on the same items, an interval for the
// change. Pure and seeded.
//
// The best − worst gap is a range: with four positions of 180 items each it is several points
// even when the position carries no information at all, so a gap (and a change in it) means
// little without the gap noise gives. The probe asks every question at every position of a
// length, so the question is the unit of resampling:
// - noise: each question's position labels shuffled among its own items (no position effect,
//   the questions' difficulty kept); `noise95` is the 95th percentile of that gap, `p` the share
//   of shuffles with a gap at least the one observed;
// - change: questions resampled with replacement (a cluster bootstrap), the same draw for both
//   runs, the two gaps recomputed on each draw (the best and the worst position chosen anew, as
//   the statistic does); the interval is the 2.5th and 97.5th percentiles of second − first.
import { signedInterval, type PerItem } from './compare';
import { mulberry32, seedFrom, type Rng } from '../world/random';

export interface PositionGap {
  length: number;
  /** Accuracy and item count per position bucket, first … last. */
  accuracy: number[];
  n: number[];
  /** Best − worst accuracy. */
  gap: number;
  /** 95th percentile of the gap with each question's positions shuffled: what noise alone reaches. */
  noise95: number;
  /** Share of those shuffles with a gap ≥ `gap` (add-one): small means the positions differ. */
  p: number;
  /** 95% cluster-bootstrap interval of the gap (questions resampled). */
  ci95: [number, number];
}

export interface PositionGapChange {
  length: number;
  first: PositionGap;
  second: PositionGap;
  /** second.gap − first.gap: negative when the second run's gap is smaller. */
  change: number;
  /** 95% paired cluster-bootstrap interval of the change. */
  ci95: [number, number];
}

export interface GapOptions {
  /** Shuffles and bootstrap draws (default 2000). */
  draws?: number;
  seed?: number;
}

/** One length's items of a run, grouped by question: per question, its items' (bucket, right). */
interface Cells {
  buckets: number;
  /** questions[q] = indices into the per-item arrays. */
  questions: number[][];
  bucket: number[];
}

function cellsOf(p: PerItem, length: number): Cells | undefined {
  if (!p.bucket || !p.question || p.bucket.length !== p.correct.length || p.question.length !== p.correct.length) return undefined;
  const byQuestion = new Map<number, number[]>();
  let buckets = 0;
  p.group.forEach((g, i) => {
    if (String(g) !== String(length)) return;
    const q = p.question?.[i] as number;
    byQuestion.set(q, [...(byQuestion.get(q) ?? []), i]);
    buckets = Math.max(buckets, (p.bucket?.[i] as number) + 1);
  });
  if (buckets < 2) return undefined;
  return { buckets, questions: [...byQuestion.values()], bucket: p.bucket };
}

/** Best − worst of per-bucket accuracies from counts (buckets with no items are skipped). */
function rangeOf(right: readonly number[], n: readonly number[]): number {
  let hi = -Infinity;
  let lo = Infinity;
  for (let b = 0; b < n.length; b++) {
    if ((n[b] as number) === 0) continue;
    const a = (right[b] as number) / (n[b] as number);
    hi = Math.max(hi, a);
    lo = Math.min(lo, a);
  }
  return hi === -Infinity ? Number.NaN : hi - lo;
}

function tally(cells: Cells, correct: string, questions: readonly (readonly number[])[], bucketOf: (i: number) => number): { right: number[]; n: number[] } {
  const right = new Array<number>(cells.buckets).fill(0);
  const n = new Array<number>(cells.buckets).fill(0);
  for (const items of questions)
    for (const i of items) {
      const b = bucketOf(i);
      n[b] = (n[b] as number) + 1;
      if (correct[i] === '1') right[b] = (right[b] as number) + 1;
    }
  return { right, n };
}

const quantile = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.ceil(x);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (x - lo);
};

/** Per-question shuffles of the position labels: the gap's noise floor and the observed gap's p. */
function noise(cells: Cells, correct: string, observed: number, draws: number, rng: Rng): { noise95: number; p: number } {
  const shuffled = new Array<number>(cells.bucket.length);
  const gaps: number[] = [];
  let atLeast = 0;
  for (let d = 0; d < draws; d++) {
    for (const items of cells.questions) {
      const labels = rng.shuffle(items.map((i) => cells.bucket[i] as number));
      items.forEach((i, k) => (shuffled[i] = labels[k] as number));
    }
    const { right, n } = tally(cells, correct, cells.questions, (i) => shuffled[i] as number);
    const g = rangeOf(right, n);
    gaps.push(g);
    if (g >= observed - 1e-12) atLeast++;
  }
  gaps.sort((a, b) => a - b);
  return { noise95: quantile(gaps, 0.95), p: (1 + atLeast) / (1 + draws) };
}

function resample(questions: readonly (readonly number[])[], rng: Rng): (readonly number[])[] {
  return questions.map(() => questions[rng.int(0, questions.length - 1)] as readonly number[]);
}

/** The gap of `p` on each bootstrap draw (questions resampled), in draw order. */
function bootstrapGaps(p: PerItem, cells: Cells, bootstrap: readonly (readonly (readonly number[])[])[]): number[] {
  return bootstrap.map((qs) => {
    const t = tally(cells, p.correct, qs, (i) => cells.bucket[i] as number);
    return rangeOf(t.right, t.n);
  });
}

function gapOf(p: PerItem, length: number, cells: Cells, draws: number, seed: number, boots: readonly number[]): PositionGap {
  const { right, n } = tally(cells, p.correct, cells.questions, (i) => cells.bucket[i] as number);
  const gap = rangeOf(right, n);
  const sorted = [...boots].sort((a, b) => a - b);
  return {
    length,
    accuracy: right.map((r, b) => ((n[b] as number) === 0 ? Number.NaN : r / (n[b] as number))),
    n,
    gap,
    ...noise(cells, p.correct, gap, draws, mulberry32(seedFrom('position-gap-noise', seed))),
    ci95: [quantile(sorted, 0.025), quantile(sorted, 0.975)],
  };
}

/** The length the acceptance's gap is read at: 16 clips when evaluated, else the longest (1 when only single clips were). */
export function gapLength(lengths: readonly (number | string)[]): number {
  const asked = lengths.map(Number).filter((l) => Number.isFinite(l));
  return asked.includes(16) ? 16 : Math.max(1, ...asked);
}

/** One run's best − worst position gap at `length`, or undefined when its results lack positions (stored before they were kept) or the length has one position. */
export function positionGap(p: PerItem | undefined, length: number, o: GapOptions = {}): PositionGap | undefined {
  const cells = p && cellsOf(p, length);
  if (!p || !cells) return undefined;
  const draws = o.draws ?? 2000;
  const seed = o.seed ?? 1;
  const rng = mulberry32(seedFrom('position-gap-bootstrap', seed));
  const bootstrap = Array.from({ length: draws }, () => resample(cells.questions, rng));
  return gapOf(p, length, cells, draws, seed, bootstrapGaps(p, cells, bootstrap));
}

/** The change and its bootstrap draws (second − first on each draw, in draw order). */
function changeWithDraws(first: PerItem | undefined, second: PerItem | undefined, length: number, o: GapOptions): { change: PositionGapChange; draws: number[] } | undefined {
  if (!first || !second || first.fingerprint !== second.fingerprint || first.correct.length !== second.correct.length) return undefined;
  const cells = cellsOf(first, length);
  if (!cells || !cellsOf(second, length)) return undefined;
  const draws = o.draws ?? 2000;
  const seed = o.seed ?? 1;
  const rng = mulberry32(seedFrom('position-gap-bootstrap', seed));
  const bootstrap = Array.from({ length: draws }, () => resample(cells.questions, rng));
  const bootsA = bootstrapGaps(first, cells, bootstrap);
  const bootsB = bootstrapGaps(second, cells, bootstrap);
  const a = gapOf(first, length, cells, draws, seed, bootsA);
  const b = gapOf(second, length, cells, draws, seed, bootsB);
  const changes = bootsB.map((g, d) => g - (bootsA[d] as number));
  const sorted = [...changes].sort((x, y) => x - y);
  return { change: { length, first: a, second: b, change: b.gap - a.gap, ci95: [quantile(sorted, 0.025), quantile(sorted, 0.975)] }, draws: changes };
}

/**
 * second's gap − first's, paired on the same items (a cluster bootstrap over questions), or
 * undefined when the two were not scored on the same probe or lack positions.
 */
export function positionGapChange(first: PerItem | undefined, second: PerItem | undefined, length: number, o: GapOptions = {}): PositionGapChange | undefined {
  return changeWithDraws(first, second, length, o)?.change;
}

export interface PooledGapChange {
  length: number;
  /** Each pair's own change (its own probe, its own bootstrap). */
  changes: PositionGapChange[];
  /** The mean of the pairs' changes: negative when the second runs' gaps are smaller on average. */
  change: number;
  /** 95% interval of that mean: each pair's questions resampled on their own (a stratified bootstrap), the draws' changes averaged. */
  ci95: [number, number];
}

/**
 * The mean gap change over independent replicates — e.g. the same study on two seeds, each pair
 * (SFT, Stage 1) scored on its own held-out world. Each replicate keeps its own statistic (its
 * best and worst position chosen on its own items); the interval resamples every replicate's
 * questions independently and averages the draws. Undefined when any pair cannot be compared.
 */
export function pooledGapChange(pairs: readonly (readonly [PerItem | undefined, PerItem | undefined])[], length: number, o: GapOptions = {}): PooledGapChange | undefined {
  if (pairs.length === 0) return undefined;
  const seed = o.seed ?? 1;
  // A seed per replicate: their resamples are independent.
  const each = pairs.map(([a, b], k) => changeWithDraws(a, b, length, { ...o, seed: seed + 7919 * k }));
  if (each.some((e) => !e)) return undefined;
  const ok = each as { change: PositionGapChange; draws: number[] }[];
  const draws = ok[0]?.draws.length ?? 0;
  const means = Array.from({ length: draws }, (_, d) => ok.reduce((s, e) => s + (e.draws[d] as number), 0) / ok.length).sort((x, y) => x - y);
  return {
    length,
    changes: ok.map((e) => e.change),
    change: ok.reduce((s, e) => s + e.change.change, 0) / ok.length,
    ci95: [quantile(means, 0.025), quantile(means, 0.975)],
  };
}

/** "4.5 (noise alone to 9.1, p = 0.41)" in points. */
export function formatGap(g: PositionGap | undefined): string {
  if (!g || !Number.isFinite(g.gap)) return '—';
  return `${(100 * g.gap).toFixed(1)} (noise alone reaches ${(100 * g.noise95).toFixed(1)}; p = ${g.p.toFixed(2)})`;
}

/** "mean change −3.4 [−5.1, −0.1] over 2 replicates" in points. */
export function formatPooledGapChange(c: PooledGapChange | undefined): string {
  if (!c || !Number.isFinite(c.change)) return '—';
  return `mean change ${signedInterval(c.change, c.ci95)} over ${c.changes.length} replicates`;
}

/** "4.5 → 4.4, change −0.1 [−7.8, +7.5]" in points. */
export function formatGapChange(c: PositionGapChange | undefined): string {
  if (!c || !Number.isFinite(c.change)) return '—';
  return `${(100 * c.first.gap).toFixed(1)} → ${(100 * c.second.gap).toFixed(1)}, change ${signedInterval(c.change, c.ci95)}`;
}
