// A tiny policy and batch for tests and benches: fixed numbers, every code path (visual tokens,
// several layers and heads, padding) exercised in milliseconds.
import type { ModelConfig } from '../../core/train/config';
import { packBatch, type PackedBatch, type SequenceSpec } from '../../core/train/layout';
import { mulberry32 } from '../../core/world/random';

export const TINY_MODEL: ModelConfig = { visualDim: 12, vocabSize: 17, dModel: 8, layers: 2, heads: 2, mlpRatio: 2, maxContext: 64 };

/** Clip table [rows, dim]: row 0 zeros, the others unit vectors from a seed. */
export function tinyClipTable(rows: number, dim: number, seed = 3): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 1; r < rows; r++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = rng.next() * 2 - 1;
      out[r * dim + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < dim; j++) out[r * dim + j] = (out[r * dim + j] as number) / Math.sqrt(norm);
  }
  return out;
}

export const TINY_SPECS: SequenceSpec[] = [
  { clipRows: [1, 2, 3], question: [5, 6, 7], answer: [8, 9] },
  { clipRows: [2], question: [5, 10], answer: [11] },
  { clipRows: [3, 1], question: [12, 6, 13, 14], answer: [15, 16, 8] },
];

export function tinyBatch(): PackedBatch {
  return packBatch(TINY_SPECS, TINY_MODEL.maxContext);
}
