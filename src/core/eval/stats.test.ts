// Paired comparison of two runs on the same probe items: Newcombe's interval against the worked
// example of his paper, and the exact McNemar test against hand-computed binomial sums.
import { describe, expect, it } from 'vitest';
import { formatGain, pairedGains, pairedGainsBeyond, perItem } from './compare';
import { differenceInDifferences, mcnemarExact, pairedDifference, wilson } from './stats';

/** Items from a 2×2 table: a both right, b only the first, c only the second, d neither. */
function table(a: number, b: number, c: number, d: number): [boolean[], boolean[]] {
  const first = [...Array(a + b).fill(true), ...Array(c + d).fill(false)] as boolean[];
  const second = [...Array(a).fill(true), ...Array(b).fill(false), ...Array(c).fill(true), ...Array(d).fill(false)] as boolean[];
  return [first, second];
}

describe('paired difference', () => {
  it("matches Newcombe (1998), Table II example (a), method 10: 36 / 12 / 2 / 0 → [0.0569, 0.3404]", () => {
    // Newcombe's difference is first − second; ours is second − first, so swap the runs.
    const [first, second] = table(36, 12, 2, 0);
    const r = pairedDifference(second, first);
    expect(r.difference).toBeCloseTo(0.2, 12);
    expect(r.ci95[0]).toBeCloseTo(0.0569, 4);
    expect(r.ci95[1]).toBeCloseTo(0.3404, 4);
    expect(r.onlySecond).toBe(12);
    expect(r.onlyFirst).toBe(2);
  });

  it('is narrower than the unpaired intervals when the runs agree on most items, and zero-centred for identical runs', () => {
    const [first, second] = table(300, 20, 40, 360);
    const r = pairedDifference(first, second);
    expect(r.difference).toBeCloseTo(20 / 720, 12);
    // Wald interval of a paired difference: sqrt((b + c)/n² − (b − c)²/n³).
    const n = 720;
    const wald = 1.96 * Math.sqrt((20 + 40) / n ** 2 - (20 - 40) ** 2 / n ** 3);
    expect(r.ci95[0]).toBeCloseTo(20 / 720 - wald, 2);
    expect(r.ci95[1]).toBeCloseTo(20 / 720 + wald, 2);
    // Unpaired (Newcombe's method 10 for independent samples): the Wilson half-widths in quadrature.
    const [l1, u1] = wilson(320, n);
    const [l2, u2] = wilson(340, n);
    const unpaired = Math.hypot(320 / n - l1, u2 - 340 / n) + Math.hypot(u1 - 320 / n, 340 / n - l2);
    expect(r.ci95[1] - r.ci95[0]).toBeLessThan(0.6 * unpaired);
    // Identical runs: no change, only the Wilson intervals' asymmetry left as width.
    const same = pairedDifference(first, first);
    expect(same.difference).toBe(0);
    expect(same.p).toBe(1);
    expect(same.ci95[1] - same.ci95[0]).toBeLessThan(0.005);
    expect(() => pairedDifference([true], [true, false])).toThrow(/same items/);
  });
});

describe('difference in differences (the part of a change a blind baseline does not share)', () => {
  it('matches a plain mean ± 1.96 · s/√n of the per-item differences', () => {
    // Items: (first, second, firstBase, secondBase).
    const rows: [number, number, number, number][] = [
      [0, 1, 0, 1], [0, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0], [0, 1, 1, 1], [0, 0, 0, 1], [1, 1, 0, 1], [0, 1, 0, 0],
    ];
    const col = (k: number): boolean[] => rows.map((r) => r[k] === 1);
    const r = differenceInDifferences(col(0), col(1), col(2), col(3));
    const d = rows.map(([a, b, c, e]) => b - a - (e - c)); // 0, 1, 0, −1, 1, −1, −1, 1
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
    expect(r.n).toBe(8);
    expect(r.difference).toBeCloseTo(0, 12);
    expect(r.ci95[0]).toBeCloseTo(mean - (1.96 * sd) / Math.sqrt(8), 3);
    expect(r.ci95[1]).toBeCloseTo(mean + (1.96 * sd) / Math.sqrt(8), 3);
  });

  it('is zero when the baseline changes as the runs do (a prior), and the whole change when the baseline does not move', () => {
    const first = [false, false, true, false, true, false];
    const second = [true, true, true, false, true, true];
    expect(differenceInDifferences(first, second, first, second)).toEqual({ n: 6, difference: 0, ci95: [0, 0] });
    const flat = first.map(() => false);
    expect(differenceInDifferences(first, second, flat, flat).difference).toBeCloseTo(3 / 6, 12);
    expect(() => differenceInDifferences([true], [true], [true, false], [true])).toThrow(/same items/);
  });

  it('pairedGainsBeyond reads it per group, and only when all four scored the same items', () => {
    const items = [1, 1, 4, 4].map((length, i) => ({ id: `q${i}`, clips: [`c${i}`], answer: 'red', candidates: ['red', 'blue'], length }));
    const at = (c: boolean[]) => perItem(items, items.map((i) => i.length), c);
    const [a, b, ab, bb] = [at([false, false, false, true]), at([true, true, true, true]), at([false, false, false, false]), at([true, false, false, false])];
    const g = pairedGainsBeyond(a, b, ab, bb);
    expect(g?.['1']?.difference).toBeCloseTo((2 - 1) / 2, 12);
    expect(g?.['4']?.difference).toBeCloseTo(1 / 2, 12);
    const other = perItem(items.slice(0, 3), [1, 1, 4], [true, true, true]);
    expect(pairedGainsBeyond(a, b, ab, other)).toBeUndefined();
    expect(pairedGainsBeyond(a, b, undefined, bb)).toBeUndefined();
  });
});

describe('exact McNemar test', () => {
  it('sums the binomial tail: 12 vs 2 discordant items → 2 · (1 + 14 + 91) / 2¹⁴', () => {
    expect(mcnemarExact(12, 2)).toBeCloseTo((2 * (1 + 14 + 91)) / 16384, 12);
    expect(mcnemarExact(2, 12)).toBeCloseTo(mcnemarExact(12, 2), 12);
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(0, 10)).toBeCloseTo(2 / 1024, 12);
  });
});

describe('paired gains between two evaluations', () => {
  const items = [1, 1, 4, 4, 4].map((length, i) => ({ id: `q${i}`, clips: Array.from({ length }, (_, k) => `c${k}`), answer: 'red', candidates: ['red', 'blue'], length }));
  it('pair items of the same probe per length and refuse another probe', () => {
    const a = perItem(items, items.map((i) => i.length), [true, false, false, false, true]);
    const b = perItem(items, items.map((i) => i.length), [true, true, true, true, false]);
    expect(a.correct).toBe('10001');
    const g = pairedGains(a, b);
    expect(g?.['1']).toMatchObject({ n: 2, onlyFirst: 0, onlySecond: 1, difference: 0.5 });
    expect(g?.['4']).toMatchObject({ n: 3, onlyFirst: 1, onlySecond: 2 });
    expect(g?.['4']?.difference).toBeCloseTo(1 / 3, 12);
    expect(formatGain(g?.['1'])).toMatch(/^\+50\.0 \[[−+]\d+\.\d, \+\d+\.\d\], p = 1\.000$/);
    const other = perItem([...items.slice(0, 4), { ...items[4]!, answer: 'blue' }], items.map((i) => i.length), [true, true, true, true, true]);
    expect(other.fingerprint).not.toBe(a.fingerprint);
    expect(pairedGains(a, other)).toBeUndefined();
    expect(pairedGains(a, undefined)).toBeUndefined();
  });
});
