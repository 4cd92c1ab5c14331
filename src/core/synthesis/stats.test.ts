import { describe, expect, it } from 'vitest';
import { chiSquareSf, lnGamma, regularizedGammaQ } from './stats';

describe('chi-square survival function', () => {
  it('matches tabulated critical values (p = 0.05, 0.01, 0.001)', () => {
    // Critical values from standard chi-square tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    const table: Array<[x: number, df: number, p: number]> = [
      [3.841459, 1, 0.05],
      [11.070498, 5, 0.05],
      [6.634897, 1, 0.01],
      [15.086272, 5, 0.01],
      [18.307038, 10, 0.05],
      [31.410433, 20, 0.05],
      [29.588298, 10, 0.001],
      [124.342113, 100, 0.05],
    ];
    for (const [x, df, p] of table) expect(chiSquareSf(x, df)).toBeCloseTo(p, 6);
  });

  it('has the closed forms for df = 2 (e^{−x/2}) and is 1 at x = 0', () => {
    for (const x of [0.1, 1, 5, 20]) expect(chiSquareSf(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    expect(chiSquareSf(0, 7)).toBe(1);
  });

  it('is monotone decreasing in x and tiny far in the tail', () => {
    const xs = [0, 0.5, 1, 2, 4, 8, 16, 32];
    const ps = xs.map((x) => chiSquareSf(x, 4));
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeLessThan(ps[i - 1]!);
    expect(chiSquareSf(200, 7)).toBeLessThan(1e-30);
  });

  it('ln Γ matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
    expect(regularizedGammaQ(1, 3)).toBeCloseTo(Math.exp(-3), 12);
  });

  it('rejects invalid arguments', () => {
    expect(() => chiSquareSf(1, 0)).toThrow(RangeError);
    expect(() => regularizedGammaQ(-1, 1)).toThrow(RangeError);
  });
});
