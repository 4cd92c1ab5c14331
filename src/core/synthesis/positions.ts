// Balanced anchor positions for Stage 1 composites (DESIGN.md §1 Stage 1 step 2, issue #5). The
// paper randomises where the anchor sits to fight positional bias ("lost in the middle"); a plain
// uniform draw leaves chance imbalance, so positions are dealt from shuffled blocks holding every
// bucket once. Must: after any number of draws, bucket counts differ by at most 1 — positions are
// drawn only for kept samples, so discards cannot skew the histogram. Pure and seeded.

import type { Rng } from '../world/random';
import { chiSquareSf } from './stats';

/** Bucket of slot `position` when `slots` positions are grouped into `buckets` equal ranges. */
export function bucketOf(position: number, slots: number, buckets: number): number {
  return Math.floor((position * buckets) / slots);
}

/** Slots [first, end) that fall into `bucket` (inverse of bucketOf). */
export function slotsOfBucket(bucket: number, slots: number, buckets: number): { first: number; end: number } {
  return { first: Math.ceil((bucket * slots) / buckets), end: Math.ceil(((bucket + 1) * slots) / buckets) };
}

/**
 * Deals anchor positions in [0, slots): each block of `buckets` draws visits every bucket once in
 * a shuffled order, and a slot inside the bucket is drawn uniformly.
 */
export class BalancedPositions {
  private block: number[] = [];
  readonly histogram: number[];

  constructor(
    private readonly rng: Rng,
    readonly slots: number,
    readonly buckets: number = slots,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be a positive integer (got ${slots})`);
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > slots) throw new RangeError(`position buckets must be an integer in [1, ${slots}] (got ${buckets})`);
    this.histogram = new Array<number>(buckets).fill(0);
  }

  next(): number {
    if (this.block.length === 0) this.block = this.rng.shuffle(Array.from({ length: this.buckets }, (_, b) => b));
    const bucket = this.block.pop() as number;
    this.histogram[bucket]! += 1;
    const { first, end } = slotsOfBucket(bucket, this.slots, this.buckets);
    return end - first === 1 ? first : this.rng.int(first, end - 1);
  }
}

export interface ChiSquareResult {
  statistic: number;
  /** Degrees of freedom: buckets − 1. */
  df: number;
  /** P(X ≥ statistic) under uniform placement; 1 when there is nothing to test. */
  p: number;
}

/** Pearson's chi-square goodness of fit of `histogram` against the uniform distribution. */
export function chiSquareUniform(histogram: readonly number[]): ChiSquareResult {
  const total = histogram.reduce((s, n) => s + n, 0);
  const df = histogram.length - 1;
  if (df < 1 || total === 0) return { statistic: 0, df: Math.max(0, df), p: 1 };
  const expected = total / histogram.length;
  const statistic = histogram.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
  return { statistic, df, p: chiSquareSf(statistic, df) };
}
