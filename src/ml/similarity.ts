// Cosine similarity as tensor ops on the active backend (DESIGN.md §2: a matmul, never JS loops
// over pairs). Inputs are row-major Float32Arrays [n, dim]; outputs are plain arrays.
import * as tf from '@tensorflow/tfjs-core';

export interface TopK {
  k: number;
  /** [n, k] neighbour indices, best first. */
  indices: Int32Array;
  /** [n, k] cosine similarities, matching `indices`. */
  scores: Float32Array;
}

function normalizedRows(values: Float32Array, dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const m = tf.tensor2d(values, [values.length / dim, dim]);
    // +1e-12 keeps an all-zero row at zero instead of NaN.
    return tf.div(m, tf.add(tf.norm(m, 'euclidean', 1, true), 1e-12));
  });
}

/**
 * Top-k cosine neighbours of every row, self excluded. Row chunks of `chunkRows` bound memory at
 * chunkRows × n floats; each chunk is one matmul [c, d]·[d, n] and one topk, then one read-back
 * (a CPU-GPU sync point per chunk, not per pair).
 *
 * Two measured choices (bench/similarity, wasm): the normalised matrix is transposed once,
 * because matMul(…, transposeB=true) ran 8× slower per chunk; and self-matches are removed from
 * a top-(k+1) in JS (O(n·k)) instead of masking the [c, n] block, which cost half as much again.
 */
export async function cosineTopK(values: Float32Array, dim: number, k: number, options: { chunkRows?: number; signal?: AbortSignal } = {}): Promise<TopK> {
  const n = values.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`${values.length} values are not a whole number of ${dim}-d rows`);
  const kk = Math.min(k, Math.max(0, n - 1));
  const chunkRows = options.chunkRows ?? 1024;
  const indices = new Int32Array(n * kk);
  const scores = new Float32Array(n * kk);
  if (kk === 0) return { k: kk, indices, scores };
  const all = normalizedRows(values, dim); // [n, d]
  const allT = tf.transpose(all); // [d, n]
  try {
    for (let start = 0; start < n; start += chunkRows) {
      options.signal?.throwIfAborted();
      const rows = Math.min(chunkRows, n - start);
      const top = tf.tidy(() => tf.topk(tf.matMul(tf.slice(all, [start, 0], [rows, dim]), allT), kk + 1)); // [c, k+1]
      const [v, ix] = await Promise.all([top.values.data(), top.indices.data()]);
      tf.dispose([top.values, top.indices]);
      for (let r = 0; r < rows; r++) {
        const self = start + r;
        let w = (start + r) * kk;
        for (let j = 0; j <= kk && w < (self + 1) * kk; j++) {
          const id = ix[r * (kk + 1) + j] ?? -1;
          if (id === self) continue;
          indices[w] = id;
          scores[w] = v[r * (kk + 1) + j] ?? Number.NaN;
          w++;
        }
      }
    }
  } finally {
    tf.dispose([all, allT]);
  }
  return { k: kk, indices, scores };
}

/**
 * The k nearest rows of every row by Euclidean distance, the row itself included (first, at
 * distance 0, unless it has duplicates): UMAP's neighbour graph (umap-js `setPrecomputedKNN`).
 * Like `cosineTopK`, row chunks of `chunkRows` bound memory, each one matmul and one topk of
 * −‖a−b‖² = 2a·b − ‖a‖² − ‖b‖², with a read-back per chunk, where an abort lands and progress is
 * reported.
 */
export async function euclideanKnn(
  values: Float32Array,
  dim: number,
  k: number,
  options: { chunkRows?: number; signal?: AbortSignal; onChunk?: (done: number, total: number) => void } = {},
): Promise<{ k: number; indices: Int32Array; distances: Float32Array }> {
  const n = values.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`${values.length} values are not a whole number of ${dim}-d rows`);
  const kk = Math.min(k, n);
  const chunkRows = options.chunkRows ?? 512;
  const indices = new Int32Array(n * kk);
  const distances = new Float32Array(n * kk);
  if (kk === 0) return { k: kk, indices, distances };
  const all = tf.tensor2d(values, [n, dim]);
  const allT = tf.transpose(all); // [d, n]
  const norms = tf.tidy(() => tf.sum(tf.square(all), 1)); // [n]
  const chunks = Math.ceil(n / chunkRows);
  try {
    for (let c = 0; c < chunks; c++) {
      options.signal?.throwIfAborted();
      const start = c * chunkRows;
      const rows = Math.min(chunkRows, n - start);
      const top = tf.tidy(() => {
        const dots = tf.matMul(tf.slice(all, [start, 0], [rows, dim]), allT); // [c, n]
        const negSq = tf.sub(tf.sub(tf.mul(dots, 2), tf.reshape(tf.slice(norms, [start], [rows]), [rows, 1])), norms);
        return tf.topk(negSq, kk);
      });
      const [v, ix] = await Promise.all([top.values.data(), top.indices.data()]);
      tf.dispose([top.values, top.indices]);
      for (let j = 0; j < rows * kk; j++) {
        indices[start * kk + j] = ix[j] as number;
        // Rounding can make a tiny squared distance negative.
        distances[start * kk + j] = Math.sqrt(Math.max(0, -(v[j] as number)));
      }
      options.onChunk?.(c + 1, chunks);
    }
  } finally {
    tf.dispose([all, allT, norms]);
  }
  return { k: kk, indices, distances };
}

/** Full cosine matrix [a, b] between two sets (e.g. an anchor against candidate distractors). */
export async function cosineMatrix(a: Float32Array, b: Float32Array, dim: number): Promise<Float32Array> {
  // Explicit transpose: matMul(…, transposeB=true) is far slower on wasm (see cosineTopK).
  const out = tf.tidy(() => tf.matMul(normalizedRows(a, dim), tf.transpose(normalizedRows(b, dim))));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** 1 − cos between consecutive rows (frame i and i+1): the shot-change signal, length n − 1. */
export async function consecutiveDistances(values: Float32Array, dim: number): Promise<Float32Array> {
  const n = values.length / dim;
  if (n < 2) return new Float32Array(0);
  const out = tf.tidy(() => {
    const m = normalizedRows(values, dim);
    const head = tf.slice(m, [0, 0], [n - 1, dim]);
    const tail = tf.slice(m, [1, 0], [n - 1, dim]);
    return tf.sub(1, tf.sum(tf.mul(head, tail), 1));
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}
