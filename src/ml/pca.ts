// PCA of row vectors as tensor ops on the active backend (issue #11, the review map). `pca2`: the
// 2-D map — centre, covariance by one matmul, the top two eigenvectors by power iteration with
// deflation, then one matmul to project. `pcaK`: the top k components (the reduction to ~50 dims
// before UMAP) by randomized subspace iteration. Inputs are row-major Float32Arrays [n, dim].
import * as tf from '@tensorflow/tfjs-core';
import { symmetricEigen } from '../core/symmetricEigen';
import { mulberry32 } from '../core/world/random';

export interface Pca2 {
  /** [n, 2] row-major: each row's coordinates on the first and second principal axes. */
  points: Float32Array;
  /** Variance along each axis (eigenvalues of the covariance), and the total variance. */
  variances: [number, number];
  totalVariance: number;
}

/** Power iteration steps per axis: plenty for a 2-D picture (the test checks against an exact reference). */
export const PCA_ITERATIONS = 100;

export async function pca2(values: Float32Array, dim: number, iterations = PCA_ITERATIONS): Promise<Pca2> {
  const n = values.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new Error(`PCA needs at least two rows of ${dim} values`);
  // xc: [n, d]; cov: [d, d] = xcᵀ xc / n (explicit transpose: faster on wasm, see similarity.ts).
  const xc = tf.tidy(() => {
    const x = tf.tensor2d(values, [n, dim]);
    return tf.sub(x, tf.mean(x, 0, true));
  });
  const cov = tf.tidy(() => tf.div(tf.matMul(tf.transpose(xc), xc), n) as tf.Tensor2D);
  const axes: tf.Tensor2D[] = [];
  const variances: number[] = [];
  let deflated: tf.Tensor2D = cov;
  try {
    for (let axis = 0; axis < 2; axis++) {
      // Deterministic start: a ramp (never orthogonal to the top axis in practice).
      let v: tf.Tensor2D = tf.tidy(() => tf.reshape(tf.div(tf.add(tf.range(0, dim, 1, 'float32'), 1), dim), [dim, 1]) as tf.Tensor2D);
      for (let i = 0; i < iterations; i++) {
        const next = tf.tidy(() => {
          const w = tf.matMul(deflated, v);
          return tf.div(w, tf.add(tf.norm(w), 1e-20)) as tf.Tensor2D;
        });
        v.dispose();
        v = next;
      }
      // Sign: the largest-magnitude component positive, so the picture does not flip between runs.
      const fixed = tf.tidy(() => {
        const abs = tf.abs(v);
        const at = tf.argMax(tf.reshape(abs, [dim]));
        const s = tf.sign(tf.gather(tf.reshape(v, [dim]), at));
        return tf.mul(v, tf.where(tf.equal(s, 0), tf.onesLike(s), s)) as tf.Tensor2D;
      });
      v.dispose();
      // This is a CPU-GPU sync point (one scalar per axis).
      const lambda = tf.tidy(() => tf.sum(tf.mul(fixed, tf.matMul(deflated, fixed))));
      variances.push((await lambda.data())[0] ?? 0);
      lambda.dispose();
      axes.push(fixed);
      const lam = variances[axis] ?? 0;
      const nextDeflated = tf.tidy(() => tf.sub(deflated, tf.mul(lam, tf.matMul(fixed, tf.transpose(fixed)))) as tf.Tensor2D);
      if (deflated !== cov) deflated.dispose();
      deflated = nextDeflated;
    }
    // The total variance is the covariance's trace: Σ xc² / n, without a [d, d] identity.
    const total = tf.tidy(() => tf.div(tf.sum(tf.square(xc)), n));
    const projected = tf.tidy(() => tf.matMul(xc, tf.concat(axes, 1)));
    try {
      return { points: (await projected.data()) as Float32Array, variances: [variances[0] ?? 0, variances[1] ?? 0], totalVariance: (await total.data())[0] ?? 0 };
    } finally {
      projected.dispose();
      total.dispose();
    }
  } finally {
    if (deflated !== cov) deflated.dispose();
    for (const a of axes) a.dispose();
    cov.dispose();
    xc.dispose();
  }
}

export interface PcaK {
  /** [n, k] row-major: each row's coordinates on the top k principal axes, largest variance first. */
  points: Float32Array;
  /** Variance along each of the k axes, and the total variance of the rows. */
  variances: number[];
  totalVariance: number;
}

export interface PcaKOptions {
  /** Subspace (power) iterations: each multiplies by the covariance once; more sharpens the smaller axes. */
  iterations?: number;
  /** Extra directions carried along and dropped at the end (Halko et al. 2011 suggest 5–10). */
  oversample?: number;
  /** Seed of the starting directions: the result is deterministic for a seed on a backend. */
  seed?: number;
  signal?: AbortSignal;
  onIteration?(done: number, total: number): void;
}

/** Orthonormalises the columns of a row-major [rows, cols] matrix in place (modified Gram–Schmidt, twice, float64). */
function orthonormalColumns(m: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let pass = 0; pass < 2; pass++)
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * cols + p]! * m[r * cols + c]!;
        for (let r = 0; r < rows; r++) m[r * cols + c]! -= dot * m[r * cols + p]!;
      }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * cols + c]! ** 2;
    norm = Math.sqrt(norm);
    // A direction the data does not span (rank < cols) becomes zero: its variance is 0.
    for (let r = 0; r < rows; r++) m[r * cols + c] = norm > 1e-12 ? m[r * cols + c]! / norm : 0;
  }
}

/**
 * The top `k` principal components of row vectors, by randomized subspace iteration (Halko,
 * Martinsson & Tropp 2011, Alg. 4.4) with a Rayleigh–Ritz step: the [n, d] products are tensor ops
 * on the active backend; the [d, l] orthonormalisation and the [l, l] eigenproblem (l = k +
 * oversample) are plain float64 JS. Never forms the [d, d] covariance, so it costs
 * O(iterations · n · d · l) instead of O(n · d²). Used to reduce clip embeddings to ~50 dims before UMAP.
 */
export async function pcaK(values: Float32Array, dim: number, k: number, options: PcaKOptions = {}): Promise<PcaK> {
  const { iterations = 6, oversample = 10, seed = 1, signal, onIteration } = options;
  const n = values.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new Error(`PCA needs at least two rows of ${dim} values`);
  if (!(k >= 1 && k <= dim)) throw new RangeError(`PCA to ${k} components of ${dim}-d rows`);
  const l = Math.min(dim, k + oversample);
  const xc = tf.tidy(() => {
    const x = tf.tensor2d(values, [n, dim]);
    return tf.sub(x, tf.mean(x, 0, true)) as tf.Tensor2D;
  });
  // xcᵀ kept explicitly: matMul's transposeA flag is ~13× slower on wasm (measured, 2,000 × 1792).
  const xcT = tf.transpose(xc);
  try {
    // Seeded starting directions [d, l], uniform in [-1, 1).
    const rng = mulberry32(seed);
    const basis = Float64Array.from({ length: dim * l }, () => rng.next() * 2 - 1);
    orthonormalColumns(basis, dim, l);
    for (let it = 0; it < iterations; it++) {
      signal?.throwIfAborted();
      // w: [d, l] = xcᵀ (xc · basis). This is a CPU-GPU sync point (the [d, l] read-back).
      const w = tf.tidy(() => tf.matMul(xcT, tf.matMul(xc, tf.tensor2d(Float32Array.from(basis), [dim, l]))));
      const read = (await w.data()) as Float32Array;
      w.dispose();
      basis.set(read);
      orthonormalColumns(basis, dim, l);
      onIteration?.(it + 1, iterations);
    }
    signal?.throwIfAborted();
    // Rayleigh–Ritz: a = xc · basis [n, l]; h = aᵀa / n [l, l] is the covariance on the subspace.
    const a = tf.tidy(() => tf.matMul(xc, tf.tensor2d(Float32Array.from(basis), [dim, l])));
    try {
      const h = tf.tidy(() => tf.div(tf.matMul(tf.transpose(a), a), n));
      const total = tf.tidy(() => tf.div(tf.sum(tf.square(xc)), n));
      const [hValues, totalValue] = await Promise.all([h.data(), total.data()]);
      h.dispose();
      total.dispose();
      const eig = symmetricEigen(hValues, l);
      // Rotation [l, k]; each axis's sign makes its largest-magnitude component (in the d-space) positive.
      const rotation = new Float32Array(l * k);
      for (let c = 0; c < k; c++) {
        let best = 0;
        for (let r = 0; r < dim; r++) {
          let comp = 0;
          for (let j = 0; j < l; j++) comp += basis[r * l + j]! * eig.vectors[j * l + c]!;
          if (Math.abs(comp) > Math.abs(best)) best = comp;
        }
        const sign = best < 0 ? -1 : 1;
        for (let j = 0; j < l; j++) rotation[j * k + c] = sign * eig.vectors[j * l + c]!;
      }
      const projected = tf.tidy(() => tf.matMul(a, tf.tensor2d(rotation, [l, k])));
      const points = (await projected.data()) as Float32Array;
      projected.dispose();
      return { points, variances: Array.from(eig.values.subarray(0, k), (v) => Math.max(0, v)), totalVariance: totalValue[0] ?? 0 };
    } finally {
      a.dispose();
    }
  } finally {
    xcT.dispose();
    xc.dispose();
  }
}
