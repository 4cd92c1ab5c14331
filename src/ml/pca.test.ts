// PCA on every Node backend against a plain-JS reference (covariance by loops, eigenvectors by
// Jacobi rotations: exact, independent of power iteration).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { activateBackend } from './backend/registry';
import { NODE_BACKENDS, wasmDir } from '../../tests/helpers/tfNode';
import { pca2 } from './pca';

function referencePca(values: Float32Array, dim: number): { axes: number[][]; eig: number[] } {
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
  return { axes: order.slice(0, 2).map((j) => v.map((row) => row[j]!)), eig: order.map((j) => a[j]![j]!) };
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
