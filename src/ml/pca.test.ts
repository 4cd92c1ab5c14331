// PCA on every Node backend against a plain-JS reference (covariance by loops, eigenvectors by
// Jacobi rotations: exact, independent of power iteration).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { activateBackend } from './backend/registry';
import { NODE_BACKENDS, wasmDir } from '../../tests/helpers/tfNode';
import { pca2, pcaK } from './pca';

function referencePca(values: Float32Array, dim: number, axisCount = 2): { axes: number[][]; eig: number[] } {
  const n = values.length / dim;
  const mean = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += values[i * dim + j]! / n;
  const a = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (let i = 0; i < n; i++) for (let p = 0; p < dim; p++) for (let q = 0; q < dim; q++) a[p]![q]! += ((values[i * dim + p]! - mean[p]!) * (values[i * dim + q]! - mean[q]!)) / n;
  const v: number[][] = Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    for (let p = 0; p < dim; p++)
      for (let q = p + 1; q < dim; q++) {
        if (Math.abs(a[p]![q]!) < 1e-15) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < dim; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < dim; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < dim; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: dim }, (_, i) => i).sort((x, y) => a[y]![y]! - a[x]![x]!);
  return { axes: order.slice(0, axisCount).map((j) => v.map((row) => row[j]!)), eig: order.map((j) => a[j]![j]!) };
}

describe.each(NODE_BACKENDS)('pca2 on %s', (backend) => {
  it('activates', async () => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
  });

  it('finds the top two axes of the plain-JS reference and projects onto them', async () => {
    // 200 points in 6-D with variances 9, 4, then ≤ 0.25: a clear gap between axes.
    const dim = 6;
    const n = 200;
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const scales = [3, 2, 0.5, 0.4, 0.3, 0.2];
    // A fixed rotation mixes the axes so they are not the coordinate axes.
    const values = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const z = scales.map((s) => s * rand() * Math.sqrt(3));
      for (let j = 0; j < dim; j++) values[i * dim + j] = z.reduce((acc, zk, k) => acc + zk * Math.cos((j + 1) * (k + 1) * 0.7) / Math.sqrt(dim / 2), 0) + 5;
    }
    const ref = referencePca(values, dim);
    const before = tf.memory().numTensors;
    const got = await pca2(values, dim);
    expect(tf.memory().numTensors).toBe(before); // no leaked tensors
    expect(got.variances[0]).toBeCloseTo(ref.eig[0]!, 2);
    expect(got.variances[1]).toBeCloseTo(ref.eig[1]!, 2);
    expect(got.totalVariance).toBeCloseTo(ref.eig.reduce((s, x) => s + x, 0), 2);
    // Projections equal the centred rows times the reference axes, up to each axis's sign.
    const mean = Array.from({ length: dim }, (_, j) => Array.from({ length: n }, (_, i) => values[i * dim + j]!).reduce((s, x) => s + x, 0) / n);
    for (let axis = 0; axis < 2; axis++) {
      const want = Array.from({ length: n }, (_, i) => ref.axes[axis]!.reduce((s, w, j) => s + w * (values[i * dim + j]! - mean[j]!), 0));
      const sign = Math.sign(want[0]!) === Math.sign(got.points[axis]!) ? 1 : -1;
      for (let i = 0; i < n; i++) expect(Math.abs(got.points[i * 2 + axis]! - sign * want[i]!)).toBeLessThan(2e-3);
    }
  });

  it('refuses fewer than two rows', async () => {
    await expect(pca2(new Float32Array(3), 3)).rejects.toThrow(/at least two rows/);
  });
});

/** n rows in `dim`-d whose variances along mixed (non-coordinate) axes are scales², plus an offset. */
function mixedRows(n: number, dim: number, scales: readonly number[], seed: number): Float32Array {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const values = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: dim }, (_, k) => (scales[k] ?? 0.05) * rand() * Math.sqrt(3));
    for (let j = 0; j < dim; j++) values[i * dim + j] = z.reduce((acc, zk, k) => acc + zk * Math.cos((j + 1) * (k + 1) * 0.7) / Math.sqrt(dim / 2), 0) + 2;
  }
  return values;
}

describe.each(NODE_BACKENDS)('pcaK on %s', (backend) => {
  it('activates', async () => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
  });

  it('finds the top k axes of the plain-JS reference when it carries fewer directions than the dimension', async () => {
    // 300 rows in 24-D, variances 16, 9, 4, 1 then ≤ 0.0025; k = 4 with 4 extra directions (8 of 24).
    const dim = 24;
    const n = 300;
    const k = 4;
    const values = mixedRows(n, dim, [4, 3, 2, 1], 11);
    const ref = referencePca(values, dim, k);
    const before = tf.memory().numTensors;
    const got = await pcaK(values, dim, k, { oversample: 4, iterations: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(got.points.length).toBe(n * k);
    for (let c = 0; c < k; c++) expect(got.variances[c]).toBeCloseTo(ref.eig[c]!, 2);
    expect(got.totalVariance).toBeCloseTo(ref.eig.reduce((s, x) => s + x, 0), 2);
    const mean = Array.from({ length: dim }, (_, j) => Array.from({ length: n }, (_, i) => values[i * dim + j]!).reduce((s, x) => s + x, 0) / n);
    for (let axis = 0; axis < k; axis++) {
      const want = Array.from({ length: n }, (_, i) => ref.axes[axis]!.reduce((s, w, j) => s + w * (values[i * dim + j]! - mean[j]!), 0));
      const sign = Math.sign(want[0]!) === Math.sign(got.points[axis]!) ? 1 : -1;
      for (let i = 0; i < n; i++) expect(Math.abs(got.points[i * k + axis]! - sign * want[i]!)).toBeLessThan(5e-3);
    }
  });

  it('agrees with pca2 on the first two axes, is deterministic for a seed, and stops when aborted', async () => {
    const dim = 16;
    const values = mixedRows(120, dim, [3, 2, 1], 5);
    const two = await pca2(values, dim);
    const a = await pcaK(values, dim, 3, { seed: 9 });
    const b = await pcaK(values, dim, 3, { seed: 9 });
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    for (let i = 0; i < 120; i++) {
      expect(Math.abs(a.points[i * 3]!)).toBeCloseTo(Math.abs(two.points[i * 2]!), 2);
      expect(Math.abs(a.points[i * 3 + 1]!)).toBeCloseTo(Math.abs(two.points[i * 2 + 1]!), 2);
    }
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    await expect(pcaK(values, dim, 3, { signal: controller.signal, onIteration: (done) => done === 2 && controller.abort() })).rejects.toThrow(/abort/i);
    expect(tf.memory().numTensors).toBe(before);
  });
});
