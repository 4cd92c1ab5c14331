// Stage 1's `SimilaritySource` over clip embeddings as tensor ops on the active backend
// (DESIGN.md §2: a matmul, never JS loops over pairs). The clip matrix is normalised and
// transposed once ([d, n], kept on the backend); each `rows` call is one gather + one matmul
// [b, d]·[d, n] and one read-back for the whole batch of anchors.
//
// Must: row r is cos(clips[anchorIndices[r]], clips[j]) for every j, in clip order (the contract
// of src/core/synthesis/stage1.ts). Must: `dispose` frees the backend memory; a disposed source
// throws instead of computing on freed tensors.
import * as tf from '@tensorflow/tfjs-core';
import type { CancelSignal } from '../core/generators/types';
import type { SimilaritySource } from '../core/synthesis/stage1';

function abortError(signal: CancelSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const e = new Error('Similarity computation was cancelled.');
  e.name = 'AbortError';
  return e;
}

export class TensorSimilaritySource implements SimilaritySource {
  /** L2-normalised clip embeddings, [n, d]. */
  private normalized: tf.Tensor2D | null;
  /** Its transpose, [d, n]: matMul(…, transposeB=true) is far slower on wasm (see similarity.ts). */
  private transposed: tf.Tensor2D | null;
  readonly count: number;

  /** `values`: row-major [n, dim] clip embeddings (normalised or not; zero rows stay zero). */
  constructor(values: Float32Array, readonly dim: number) {
    const n = values.length / dim;
    if (!(dim > 0) || !Number.isInteger(n)) throw new RangeError(`${values.length} values are not a whole number of ${dim}-d rows`);
    this.count = n;
    this.normalized = tf.tidy(() => {
      const m = tf.tensor2d(values, [n, dim]);
      // +1e-12 keeps an all-zero row at zero instead of NaN.
      return tf.div(m, tf.add(tf.norm(m, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
    });
    this.transposed = tf.transpose(this.normalized);
  }

  /** From per-clip embeddings of equal length. */
  static fromRows(rows: readonly Float32Array[]): TensorSimilaritySource {
    const dim = rows[0]?.length ?? 0;
    const values = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => {
      if (r.length !== dim) throw new RangeError(`clip ${i} has a ${r.length}-d embedding; the others are ${dim}-d`);
      values.set(r, i * dim);
    });
    return new TensorSimilaritySource(values, dim);
  }

  async rows(anchorIndices: number[], signal?: CancelSignal): Promise<Float32Array[]> {
    if (signal?.aborted) throw abortError(signal);
    const { normalized, transposed } = this;
    if (!normalized || !transposed) throw new Error('this similarity source was disposed');
    if (anchorIndices.length === 0) return [];
    for (const i of anchorIndices) if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`anchor index ${i} is outside [0, ${this.count})`);
    const n = this.count;
    const block = tf.tidy(() => tf.matMul(tf.gather(normalized, tf.tensor1d(anchorIndices, 'int32')), transposed)); // [b, n]
    let values: Float32Array;
    try {
      values = (await block.data()) as Float32Array; // one CPU-GPU sync point per batch
    } finally {
      block.dispose();
    }
    return anchorIndices.map((_, r) => values.slice(r * n, (r + 1) * n));
  }

  dispose(): void {
    this.normalized?.dispose();
    this.transposed?.dispose();
    this.normalized = null;
    this.transposed = null;
  }
}
