import { describe, expect, it } from 'vitest';
import { fixtureValues, matmul, matrix, maxAbsDiff, softmaxRegressionStep, softmaxRows } from './linalg';

describe('reference linear algebra', () => {
  it('multiplies matrices', () => {
    const c = matmul(matrix(2, 3, [1, 2, 3, 4, 5, 6]), matrix(3, 2, [7, 8, 9, 10, 11, 12]));
    expect([...c.data]).toEqual([58, 64, 139, 154]);
    expect(() => matmul(matrix(2, 3, [1, 2, 3, 4, 5, 6]), matrix(2, 2, [1, 2, 3, 4]))).toThrow(RangeError);
  });

  it('computes a stable softmax whose rows sum to one', () => {
    const p = softmaxRows(matrix(2, 3, [1000, 1001, 1002, -5, 0, 5]));
    expect(p.data[0]! + p.data[1]! + p.data[2]!).toBeCloseTo(1, 12);
    expect(p.data[2]).toBeCloseTo(0.66524096, 7);
  });

  it('has a gradient that matches finite differences', () => {
    const x = matrix(4, 3, fixtureValues(12, 3));
    const w = matrix(3, 4, fixtureValues(12, 5));
    const labels = [0, 2, 1, 3];
    const { grad } = softmaxRegressionStep(x, w, labels, 0);
    const h = 1e-6;
    for (let i = 0; i < w.data.length; i++) {
      const plus = Float64Array.from(w.data);
      const minus = Float64Array.from(w.data);
      plus[i]! += h;
      minus[i]! -= h;
      const lp = softmaxRegressionStep(x, { ...w, data: plus }, labels, 0).loss;
      const lm = softmaxRegressionStep(x, { ...w, data: minus }, labels, 0).loss;
      expect(grad.data[i]).toBeCloseTo((lp - lm) / (2 * h), 6);
    }
  });

  it('lowers the loss with one SGD step', () => {
    const x = matrix(4, 3, fixtureValues(12, 3));
    const w = matrix(3, 4, fixtureValues(12, 5));
    const step = softmaxRegressionStep(x, w, [0, 2, 1, 3], 0.5);
    expect(softmaxRegressionStep(x, step.updated, [0, 2, 1, 3], 0).loss).toBeLessThan(step.loss);
  });

  it('reports NaN and length mismatches as infinite error', () => {
    expect(maxAbsDiff([1, 2], [1, 2.5])).toBe(0.5);
    expect(maxAbsDiff([1, NaN], [1, 2])).toBe(Infinity);
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
  });
});
