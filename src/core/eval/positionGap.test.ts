// The best − worst position gap: the observed gap against a plain recount and the probe's own
// aggregation, its noise floor (calibrated: a position effect is found, no effect is found about
// 5% of the time), and the paired change's interval (zero for the same run, excluding zero when a
// position effect is removed).
import { describe, expect, it } from 'vitest';
import { summarise } from './aggregate';
import { perItem, type PerItem } from './compare';
import { formatGap, formatGapChange, formatPooledGapChange, gapLength, pooledGapChange, positionGap, positionGapChange } from './positionGap';
import type { ProbeItem } from './probe';
import { mulberry32 } from '../world/random';

/** `questions` questions, each asked at 4 positions of 16 clips and once at 1 clip. */
function probeItems(questions: number): ProbeItem[] {
  const items: ProbeItem[] = [];
  for (let q = 0; q < questions; q++) {
    const base = { anchor: `a${q % 50}`, question: `question ${q}`, answer: 'yes', family: 'f', candidates: ['yes', 'no'] };
    items.push({ ...base, id: `probe-${q}-1-0`, length: 1, position: 0, bucket: 0, clips: [`a${q % 50}`] });
    [0, 5, 10, 15].forEach((position, bucket) => items.push({ ...base, id: `probe-${q}-16-${position}`, length: 16, position, bucket, clips: Array.from({ length: 16 }, (_, k) => (k === position ? `a${q % 50}` : `d${q}-${k}`)) }));
  }
  return items;
}

/** Right with probability `rate(bucket)`, plus a per-question difficulty shared by its positions. */
function answers(items: readonly ProbeItem[], rate: (bucket: number) => number, seed: number): boolean[] {
  const rng = mulberry32(seed);
  const difficulty = new Map<string, number>();
  return items.map((it) => {
    if (!difficulty.has(it.question)) difficulty.set(it.question, rng.next() * 0.4 - 0.2);
    return rng.next() < rate(it.bucket) + (difficulty.get(it.question) as number);
  });
}

const results = (items: readonly ProbeItem[], correct: readonly boolean[]): PerItem => perItem(items, items.map((i) => i.length), correct);

describe('position gap', () => {
  const items = probeItems(180);

  it('keeps positions and questions for the probe, and the gap is the best − worst of the probe summary at that length', () => {
    const correct = answers(items, (b) => [0.3, 0.5, 0.6, 0.45][b] as number, 1);
    const p = results(items, correct);
    expect(p.bucket).toHaveLength(items.length);
    expect(new Set(p.question).size).toBe(180);
    const g = positionGap(p, 16, { draws: 300 });
    const cells = summarise(items, correct, 'sum', 4).byLengthPosition['16']?.map((c) => c.accuracy) ?? [];
    expect(g?.accuracy).toEqual(cells);
    expect(g?.n).toEqual([180, 180, 180, 180]);
    expect(g?.gap).toBeCloseTo(Math.max(...cells) - Math.min(...cells), 12);
    expect(g?.ci95[0]).toBeLessThanOrEqual(g?.gap as number);
    expect(g?.ci95[1]).toBeGreaterThanOrEqual(g?.gap as number);
    // A 30-point position effect on 180 questions is far above noise.
    expect(g?.p).toBeLessThan(0.01);
    expect(g?.gap).toBeGreaterThan(g?.noise95 as number);
    expect(formatGap(g)).toMatch(/^\d+\.\d \(noise alone reaches \d+\.\d; p = 0\.\d\d\)$/);
  });

  it('finds no position effect where there is none about 5% of the time, and its noise floor is several points at 180 per position', () => {
    let found = 0;
    const floors: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const g = positionGap(results(items, answers(items, () => 0.45, 100 + seed)), 16, { draws: 200, seed });
      if ((g?.p as number) < 0.05) found++;
      floors.push(g?.noise95 as number);
    }
    expect(found).toBeLessThanOrEqual(6);
    // Four cells of 180 items: the range of four noisy accuracies reaches 8–12 points.
    for (const f of floors) expect(f).toBeGreaterThan(0.05);
    for (const f of floors) expect(f).toBeLessThan(0.15);
  });

  it('is deterministic for a seed', () => {
    const p = results(items, answers(items, () => 0.5, 3));
    expect(positionGap(p, 16, { draws: 200, seed: 9 })).toEqual(positionGap(p, 16, { draws: 200, seed: 9 }));
  });

  it('gives no change, with a zero interval, for the same results, and a negative change excluding zero when the effect is removed', () => {
    const skewed = results(items, answers(items, (b) => (b === 0 ? 0.25 : 0.6), 5));
    const same = positionGapChange(skewed, skewed, 16, { draws: 300 });
    expect(same?.change).toBe(0);
    expect(same?.ci95).toEqual([0, 0]);
    const flat = results(items, answers(items, () => 0.6, 6));
    const c = positionGapChange(skewed, flat, 16, { draws: 500 });
    expect(c?.change).toBeLessThan(-0.15);
    expect(c?.ci95[1]).toBeLessThan(0);
    expect(c?.ci95[0]).toBeLessThan(c?.change as number);
    expect(formatGapChange(c)).toMatch(/^\d+\.\d → \d+\.\d, change −\d+\.\d \[−\d+\.\d, −\d+\.\d\]$/);
  });

  it('is undefined for other probes, results without positions, and a length with one position', () => {
    const p = results(items, answers(items, () => 0.5, 7));
    const other = { ...p, fingerprint: 'ffffffff' };
    expect(positionGapChange(p, other, 16)).toBeUndefined();
    const stored: PerItem = { fingerprint: p.fingerprint, group: p.group, correct: p.correct };
    expect(positionGap(stored, 16)).toBeUndefined();
    expect(positionGapChange(stored, p, 16)).toBeUndefined();
    expect(positionGap(p, 1)).toBeUndefined();
    expect(positionGap(p, 32)).toBeUndefined();
  });

  it('keeps no positions when some items lack them (the Stage 2 probe)', () => {
    const p = perItem([{ id: 'x', clips: [], answer: 'a', candidates: ['a', 'b'], question: 'q' }], ['full'], [true]);
    expect(p.bucket).toBeUndefined();
    expect(p.question).toBeUndefined();
  });
});

describe('pooled gap change over replicates', () => {
  const items = probeItems(180);
  const skewed = (seed: number): PerItem => results(items, answers(items, (b) => (b === 0 ? 0.4 : 0.55), seed));
  const flat = (seed: number): PerItem => results(items, answers(items, () => 0.55, seed));

  it("is the one pair's change and interval for one replicate, and the mean of the changes for several", () => {
    const a = skewed(21);
    const b = flat(22);
    const one = pooledGapChange([[a, b]], 16, { draws: 300, seed: 4 });
    const alone = positionGapChange(a, b, 16, { draws: 300, seed: 4 });
    expect(one?.change).toBeCloseTo(alone?.change as number, 12);
    expect(one?.ci95[0]).toBeCloseTo(alone?.ci95[0] as number, 12);
    expect(one?.ci95[1]).toBeCloseTo(alone?.ci95[1] as number, 12);
    const c = skewed(23);
    const d = flat(24);
    const two = pooledGapChange([[a, b], [c, d]], 16, { draws: 300, seed: 4 });
    const second = positionGapChange(c, d, 16, { draws: 300, seed: 4 + 7919 });
    expect(two?.changes).toHaveLength(2);
    expect(two?.change).toBeCloseTo(((alone?.change as number) + (second?.change as number)) / 2, 12);
    expect(formatPooledGapChange(two)).toMatch(/^mean change [−+]\d+\.\d \[[−+]\d+\.\d, [−+]\d+\.\d\] over 2 replicates$/);
  });

  it('narrows the interval as replicates are added: four replicates of a 15-point effect are read where one may not be', () => {
    const pairs = [0, 1, 2, 3].map((k) => [skewed(30 + 2 * k), flat(31 + 2 * k)] as const);
    const one = pooledGapChange(pairs.slice(0, 1), 16, { draws: 400 });
    const four = pooledGapChange(pairs, 16, { draws: 400 });
    const width = (c: typeof one): number => (c?.ci95[1] as number) - (c?.ci95[0] as number);
    expect(width(four)).toBeLessThan(0.7 * width(one));
    expect(four?.change).toBeLessThan(-0.05);
    expect(four?.ci95[1]).toBeLessThan(0);
  });

  it('rarely excludes zero when no replicate changes its position effect', () => {
    let excluded = 0;
    for (let s = 0; s < 20; s++) {
      const pairs = [0, 1].map((k) => [skewed(200 + 4 * s + 2 * k), skewed(201 + 4 * s + 2 * k)] as const);
      const c = pooledGapChange(pairs, 16, { draws: 200, seed: s });
      if ((c?.ci95[0] as number) > 0 || (c?.ci95[1] as number) < 0) excluded++;
    }
    expect(excluded).toBeLessThanOrEqual(3);
  });

  it('is undefined with no replicate or with one that cannot be compared', () => {
    const a = skewed(41);
    expect(pooledGapChange([], 16)).toBeUndefined();
    expect(pooledGapChange([[a, flat(42)], [a, { ...flat(43), fingerprint: 'ffffffff' }]], 16)).toBeUndefined();
    expect(formatPooledGapChange(undefined)).toBe('—');
  });
});

describe('gap length', () => {
  it('is 16 clips when evaluated, else the longest, and 1 when only single clips were', () => {
    expect(gapLength(['1', '4', '16', '32'])).toBe(16);
    expect(gapLength([1, 4, 8])).toBe(8);
    expect(gapLength(['1'])).toBe(1);
    expect(gapLength([])).toBe(1);
  });
});
