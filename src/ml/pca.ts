// A 2-D PCA of row vectors as tensor ops on the active backend (issue #11, the review map):
// centre, covariance by one matmul, the top two eigenvectors by power iteration with deflation,
// then one matmul to project. Inputs are row-major Float32Arrays [n, dim].
import * as tf from '@tensorflow/tfjs-core';

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
    const total = tf.tidy(() => tf.sum(tf.mul(tf.eye(dim), cov)));
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
