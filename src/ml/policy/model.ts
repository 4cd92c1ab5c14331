// The policy (issue #12, DESIGN.md §7) as TensorFlow.js ops: frozen clip embeddings → projector →
// pre-norm causal transformer with rotary positions over [visual tokens; question; answer] →
// next-token logits. Ops are chosen to exist, with gradients, on webgpu, webgl, wasm and cpu:
// embeddings are one-hot matmuls, not `gather` (its gradient needs UnsortedSegmentSum, which the
// wasm backend lacks). Checked against the plain-JS forward in src/core/train/policyReference.ts.
import * as tf from '@tensorflow/tfjs-core';
import { visualTokensOf, type ModelConfig } from '../../core/train/config';
import type { PackedBatch, PackedChoices } from '../../core/train/layout';

/** Swaps the last two axes. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1] as number, perm[r - 2] as number];
  return tf.transpose(x, perm);
}

/**
 * a·b (same rank, batched over leading axes) whose gradient uses explicit transposes and plain
 * matmuls: dA = dY·Bᵀ, dB = Aᵀ·dY. Measured on wasm: tf.matMul with a transpose flag (what its
 * own gradient uses) runs ~10× slower than a transpose plus a plain matmul (bench/train.bench.ts).
 */
export const mm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Parameters by name: trainable variables for the policy, plain tensors for a frozen reference. */
export type ParamTensors = Record<string, tf.Tensor>;

const p = (params: ParamTensors, name: string): tf.Tensor => {
  const t = params[name];
  if (!t) throw new Error(`missing parameter ${name}`);
  return t;
};

function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor): tf.Tensor2D {
  // x: [N·T, d]
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, 1e-6))), weight);
}

/** cos and sin tables [T, Dh/2] of rotary positions (RoFormer, base 10000). */
export function ropeTables(t: number, headDim: number): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(t * half);
  const sin = new Float32Array(t * half);
  for (let pos = 0; pos < t; pos++)
    for (let i = 0; i < half; i++) {
      const angle = pos / 10000 ** ((2 * i) / headDim);
      cos[pos * half + i] = Math.cos(angle);
      sin[pos * half + i] = Math.sin(angle);
    }
  return { cos, sin };
}

/**
 * Rotary positions on x: [N, H, T, Dh] (GPT-NeoX halves): x·cos + rotateHalf(x)·sin, where
 * rotateHalf([a, b]) = [−b, a] is one matmul with a fixed [Dh, Dh] matrix. Measured: slicing the
 * halves instead cost 20× the whole forward pass on wasm (its Slice kernel is slow beyond 2-D).
 */
function rope(x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor, rotateHalf: tf.Tensor2D): tf.Tensor4D {
  // cos, sin: [T, Dh], or [N, 1, T, Dh] (a position per slot).
  const [n, h, t, dh] = x.shape;
  const rotated = tf.reshape(mm(tf.reshape(x, [n * h * t, dh]), rotateHalf), [n, h, t, dh]);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin)) as tf.Tensor4D;
}

/** [Dh, Dh] with x·R = [−x₂, x₁] for x = [x₁, x₂]. */
function rotateHalfMatrix(dh: number): Float32Array {
  const half = dh / 2;
  const r = new Float32Array(dh * dh);
  for (let i = 0; i < half; i++) {
    r[(half + i) * dh + i] = -1; // out[i] = −x[half + i]
    r[i * dh + half + i] = 1; // out[half + i] = x[i]
  }
  return r;
}

/** What one forward pass reads: the batch's tokens and clip rows (targets and masks are the losses'). */
export interface ForwardPass {
  batch: Pick<PackedBatch, 'n' | 't' | 'tokenIds' | 'visualRows' | 'isVisual'>;
  /** [C, visualDim] clip table; row 0 is zeros (text positions). */
  clipTable: Float32Array;
  /** C. The batch's `visualRows` index the C·r visual tokens: clip row k's token j is k·r + j. */
  clipRows: number;
  /** Candidates sharing a prefix (`packChoices`): each slot's rotary position and the [N·T·T] additive attention mask; absent: positions 0…T−1 and the causal mask. */
  shared?: Pick<PackedChoices, 'positions' | 'mask'>;
}

export interface ForwardInputs extends ForwardPass {
  batch: PackedBatch;
}

/** Logits [N·T, V]. Call inside tf.tidy (or a gradient function). */
export function forwardLogits(params: ParamTensors, m: ModelConfig, inputs: ForwardPass): tf.Tensor2D {
  return mm(forwardHidden(params, m, inputs), p(params, 'lm_head.weight')) as tf.Tensor2D;
}

/** The final (normalised) hidden states [N·T, d], before the LM head. Call inside tf.tidy (or a gradient function). */
function forwardHidden(params: ParamTensors, m: ModelConfig, inputs: ForwardPass): tf.Tensor2D {
  const { batch } = inputs;
  const { n, t } = batch;
  const d = m.dModel;
  const heads = m.heads;
  const dh = d / heads;
  // Visual tokens: project the batch's clip table once, then pick rows by a one-hot matmul. With
  // r tokens per clip the table is read as [C·r, visualDim / r], each part scaled by √r (a unit
  // clip vector of r equal-norm parts has parts of length 1/√r), plus its region embedding.
  const r = visualTokensOf(m);
  const rows = inputs.clipRows * r;
  let table: tf.Tensor = tf.tensor2d(inputs.clipTable, [rows, m.visualDim / r]);
  if (r > 1) table = tf.mul(table, Math.sqrt(r));
  const h1 = tf.add(mm(table, p(params, 'projector.fc1.weight')), p(params, 'projector.fc1.bias'));
  let projected = tf.add(mm(gelu(h1), p(params, 'projector.fc2.weight')), p(params, 'projector.fc2.bias')); // [C·r, d]
  if (r > 1) projected = tf.reshape(tf.add(tf.reshape(projected, [inputs.clipRows, r, d]), p(params, 'projector.region.weight')), [rows, d]);
  const visualOneHot = tf.cast(tf.oneHot(tf.tensor1d(batch.visualRows, 'int32'), rows), 'float32'); // [N·T, C·r]
  const isVisual = tf.tensor2d(batch.isVisual, [n * t, 1]);
  const tokenOneHot = tf.cast(tf.oneHot(tf.tensor1d(batch.tokenIds, 'int32'), m.vocabSize), 'float32'); // [N·T, V]
  const visual = tf.mul(mm(visualOneHot, projected), isVisual);
  const text = tf.mul(mm(tokenOneHot, p(params, 'embed.weight')), tf.sub(1, isVisual));
  let x = tf.add(visual, text) as tf.Tensor2D; // [N·T, d]

  const shared = inputs.shared;
  // Tables [T, Dh] (or [N, 1, T, Dh] with a slot's own position): each half's angles repeated for the other half.
  let cos: tf.Tensor;
  let sin: tf.Tensor;
  if (!shared) {
    const { cos: cosValues, sin: sinValues } = ropeTables(t, dh);
    const full = (v: Float32Array): tf.Tensor2D => {
      const half = tf.tensor2d(v, [t, dh / 2]);
      return tf.concat([half, half], 1);
    };
    cos = full(cosValues);
    sin = full(sinValues);
  } else {
    const longest = Math.max(...shared.positions) + 1;
    const table = ropeTables(longest, dh);
    const half = dh / 2;
    const perSlot = (v: Float32Array): tf.Tensor => {
      const out = new Float32Array(n * t * dh);
      shared.positions.forEach((pos, i) => {
        const row = v.subarray(pos * half, (pos + 1) * half);
        out.set(row, i * dh);
        out.set(row, i * dh + half);
      });
      return tf.tensor4d(out, [n, 1, t, dh]);
    };
    cos = perSlot(table.cos);
    sin = perSlot(table.sin);
  }
  const rotateHalf = tf.tensor2d(rotateHalfMatrix(dh), [dh, dh]);
  let causal: tf.Tensor;
  if (shared) causal = tf.tensor4d(shared.mask, [n, 1, t, t]);
  else {
    const maskValues = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) maskValues[i * t + j] = -1e9;
    causal = tf.tensor2d(maskValues, [t, t]);
  }
  const scale = 1 / Math.sqrt(dh);

  for (let l = 0; l < m.layers; l++) {
    const pre = `layers.${l}`;
    const a = rmsNorm(x, p(params, `${pre}.attn_norm.weight`));
    // Split q, k, v on the 2-D [N·T, 3d] product (wasm's Slice is slow on 5-D tensors).
    const [qx, kx, vx] = tf.split(mm(a, p(params, `${pre}.attn.qkv.weight`)), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const heads4 = (z: tf.Tensor2D): tf.Tensor4D => tf.transpose(tf.reshape(z, [n, t, heads, dh]), [0, 2, 1, 3]);
    const q = rope(heads4(qx), cos, sin, rotateHalf); // [N, H, T, Dh]
    const k = rope(heads4(kx), cos, sin, rotateHalf);
    const v = heads4(vx);
    const scores = tf.add(tf.mul(mm(q, swapLast(k)), scale), causal); // [N, H, T, T]
    const attn = mm(tf.softmax(scores), v); // [N, H, T, Dh]
    const merged = tf.reshape(tf.transpose(attn, [0, 2, 1, 3]), [n * t, d]);
    x = tf.add(x, mm(merged, p(params, `${pre}.attn.out.weight`)));
    const b = rmsNorm(x, p(params, `${pre}.mlp_norm.weight`));
    const hidden = gelu(tf.add(mm(b, p(params, `${pre}.mlp.fc1.weight`)), p(params, `${pre}.mlp.fc1.bias`)));
    x = tf.add(x, tf.add(mm(hidden, p(params, `${pre}.mlp.fc2.weight`)), p(params, `${pre}.mlp.fc2.bias`)));
  }
  return rmsNorm(x, p(params, 'norm.weight')) as tf.Tensor2D;
}

/** GELU, tanh approximation (GPT-2), from elementary ops every backend has. */
export function gelu(x: tf.Tensor): tf.Tensor {
  const c = Math.sqrt(2 / Math.PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(c, tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x)))))));
}

/**
 * Summed answer log-probs per sequence, [N] (log π(y|x) of TRL: answer tokens + <eos>), and the
 * number of answer targets the model predicts best (for token accuracy).
 */
export function answerLogps(params: ParamTensors, m: ModelConfig, inputs: ForwardInputs): { logps: tf.Tensor1D; correct: tf.Tensor } {
  const { n, t } = inputs.batch;
  const logits = forwardLogits(params, m, inputs); // [N·T, V]
  const logp = tf.logSoftmax(logits); // [N·T, V]
  const targets = tf.tensor1d(inputs.batch.targets, 'int32');
  const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(targets, m.vocabSize), 'float32')), -1); // [N·T]
  const mask = tf.tensor1d(inputs.batch.answerMask);
  const logps = tf.sum(tf.reshape(tf.mul(picked, mask), [n, t]), 1) as tf.Tensor1D;
  const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, -1), targets), 'float32'), mask));
  return { logps, correct };
}

/**
 * The log-probs of packed candidates' answer tokens (`packChoices`): one forward pass over each
 * item's shared prefix and all its candidates, then the [picks] log-probs the candidates' scores
 * sum (read by slot and token). Call inside tf.tidy.
 */
export function choiceLogps(params: ParamTensors, m: ModelConfig, inputs: ForwardPass & { picks: PackedChoices['picks'] }): tf.Tensor1D {
  const { picks, batch } = inputs;
  // The picked slots' hidden states by a one-hot matmul (gather's gradient needs UnsortedSegmentSum,
  // which the wasm backend lacks), then the LM head on those P rows only, not on every slot.
  const select = tf.cast(tf.oneHot(tf.tensor1d(picks.at, 'int32'), batch.n * batch.t), 'float32'); // [P, N·T]
  const logp = tf.logSoftmax(mm(mm(select, forwardHidden(params, m, inputs)), p(params, 'lm_head.weight'))); // [P, V]
  return tf.sum(tf.mul(logp, tf.cast(tf.oneHot(tf.tensor1d(picks.token, 'int32'), m.vocabSize), 'float32')), -1) as tf.Tensor1D;
}
