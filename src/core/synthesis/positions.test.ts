import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../world/random';
import { BalancedPositions, bucketOf, chiSquareUniform, slotsOfBucket } from './positions';

const spread = (h: readonly number[]): number => Math.max(...h) - Math.min(...h);

describe('BalancedPositions', () => {
  it('keeps every bucket within 1 of the others after every draw (1,000 draws, 8 slots)', () => {
    const positions = new BalancedPositions(mulberry32(7), 8);
    for (let i = 0; i < 1000; i++) {
      const p = positions.next();
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(8);
      expect(spread(positions.histogram)).toBeLessThanOrEqual(1);
    }
    expect(positions.histogram.reduce((a, b) => a + b)).toBe(1000);
    expect(chiSquareUniform(positions.histogram).p).toBeGreaterThan(0.99);
  });

  it('counts the slots it returns, and uses every slot of a coarser bucket', () => {
    const positions = new BalancedPositions(mulberry32(3), 10, 4);
    const slots = new Array<number>(10).fill(0);
    for (let i = 0; i < 4000; i++) slots[positions.next()]! += 1;
    const byBucket = [0, 0, 0, 0];
    slots.forEach((n, s) => (byBucket[bucketOf(s, 10, 4)]! += n));
    expect(byBucket).toEqual(positions.histogram);
    expect(spread(positions.histogram)).toBeLessThanOrEqual(1);
    expect(slots.every((n) => n > 0)).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const p = new BalancedPositions(mulberry32(seed), 16);
      return Array.from({ length: 64 }, () => p.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('maps buckets to slot ranges that tile the slots', () => {
    for (const [slots, buckets] of [[8, 8], [10, 4], [7, 3], [16, 1]] as const) {
      let next = 0;
      for (let b = 0; b < buckets; b++) {
        const { first, end } = slotsOfBucket(b, slots, buckets);
        expect(first).toBe(next);
        for (let s = first; s < end; s++) expect(bucketOf(s, slots, buckets)).toBe(b);
        next = end;
      }
      expect(next).toBe(slots);
    }
  });

  it('rejects more buckets than slots', () => {
    expect(() => new BalancedPositions(mulberry32(1), 4, 5)).toThrow(RangeError);
  });
});

describe('chiSquareUniform', () => {
  it('gives a high p for a flat histogram and a tiny p for a skewed one', () => {
    expect(chiSquareUniform([125, 125, 125, 125, 125, 125, 125, 125]).p).toBe(1);
    // "Lost in the middle" the other way round: anchors piled at the ends.
    const skewed = chiSquareUniform([250, 100, 100, 50, 50, 100, 100, 250]);
    expect(skewed.df).toBe(7);
    expect(skewed.statistic).toBeCloseTo(360, 6);
    expect(skewed.p).toBeLessThan(1e-50);
  });

  it('gives p = 0.05 at the 5% critical value', () => {
    // Two buckets (df 1): statistic = 2d²/100 for [100 + d, 100 − d]; 3.841459 is the 95th percentile.
    const d = Math.sqrt(3.841459 * 50);
    const r = chiSquareUniform([100 + d, 100 - d]);
    expect(r.statistic).toBeCloseTo(3.841459, 9);
    expect(r.p).toBeCloseTo(0.05, 6);
  });

  it('says nothing to test for one bucket or no samples', () => {
    expect(chiSquareUniform([42])).toEqual({ statistic: 0, df: 0, p: 1 });
    expect(chiSquareUniform([0, 0, 0]).p).toBe(1);
  });
});
