import { describe, expect, it } from 'vitest';
import { fixtureValues } from './reference/linalg';
import { symmetricEigen } from './symmetricEigen';

describe('symmetricEigen', () => {
  it('solves a hand-checked 2 × 2 case', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, −1)/√2.
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[2]!).toBeGreaterThan(0); // same sign: (1, 1)
  });

  it('gives A v = λ v with orthonormal vectors, largest first, for a random 12 × 12 matrix', () => {
    const n = 12;
    const r = fixtureValues(n * n, 5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = r[i * n + j]! + r[j * n + i]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + c]!;
        expect(av).toBeCloseTo(values[c]! * vectors[i * n + c]!, 10);
      }
      for (let d = 0; d < n; d++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + c]! * vectors[i * n + d]!;
        expect(dot).toBeCloseTo(c === d ? 1 : 0, 10);
      }
    }
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
  });

  it('refuses a matrix of the wrong size', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/not a 2 × 2 matrix/);
  });
});
