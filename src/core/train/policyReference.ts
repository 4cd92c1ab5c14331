// The policy's forward pass in plain JavaScript, float64 (issue #12): the reference that the
// TensorFlow.js model (src/ml/policy/model.ts) is checked against on every backend, and that the
// finite-difference gradient check differentiates. Slow on purpose: loops, no tricks.
import { visualTokensOf, type ModelConfig } from './config';
import type { PackedBatch } from './layout';

export type RefParams = Record<string, { shape: readonly number[]; values: ArrayLike<number> }>;

type Mat = { rows: number; cols: number; data: Float64Array };

function param(params: RefParams, name: string): ArrayLike<number> {
  const t = params[name];
  if (!t) throw new Error(`missing parameter ${name}`);
  return t.values;
}

/** x [r, k] · W [k, c] (+ bias [c]). */
function linear(x: Mat, w: ArrayLike<number>, cols: number, bias?: ArrayLike<number>): Mat {
  const out = new Float64Array(x.rows * cols);
  for (let i = 0; i < x.rows; i++)
    for (let kk = 0; kk < x.cols; kk++) {
      const a = x.data[i * x.cols + kk] as number;
      if (a === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] = (out[i * cols + j] as number) + a * (w[kk * cols + j] as number);
    }
  if (bias) for (let i = 0; i < x.rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = (out[i * cols + j] as number) + (bias[j] as number);
  return { rows: x.rows, cols, data: out };
}

const geluScalar = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

function rms(x: Mat, w: ArrayLike<number>): Mat {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    let ms = 0;
    for (let j = 0; j < x.cols; j++) ms += (x.data[i * x.cols + j] as number) ** 2;
    const r = 1 / Math.sqrt(ms / x.cols + 1e-6);
    for (let j = 0; j < x.cols; j++) out[i * x.cols + j] = (x.data[i * x.cols + j] as number) * r * (w[j] as number);
  }
  return { rows: x.rows, cols: x.cols, data: out };
}

/** Rotary positions on one head vector (GPT-NeoX halves), in place. */
function rotate(v: Float64Array, off: number, pos: number, dh: number): void {
  const half = dh / 2;
  for (let i = 0; i < half; i++) {
    const angle = pos / 10000 ** ((2 * i) / dh);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const a = v[off + i] as number;
    const b = v[off + half + i] as number;
    v[off + i] = a * c - b * s;
    v[off + half + i] = a * s + b * c;
  }
}

/** Summed answer log-probs per sequence, as `answerLogps` in src/ml/policy/model.ts. */
export function referenceAnswerLogps(params: RefParams, m: ModelConfig, batch: PackedBatch, clipTable: ArrayLike<number>, clipRows: number): number[] {
  const d = m.dModel;
  const dh = d / m.heads;
  const h = m.mlpRatio * d;
  // r visual tokens per clip: row k's part j (scaled by √r) is token k·r + j, plus region j's embedding.
  const r = visualTokensOf(m);
  const scale = r > 1 ? Math.sqrt(r) : 1;
  const table: Mat = { rows: clipRows * r, cols: m.visualDim / r, data: Float64Array.from(clipTable, (v) => v * scale) };
  const h1 = linear(table, param(params, 'projector.fc1.weight'), d, param(params, 'projector.fc1.bias'));
  h1.data.forEach((v, i) => (h1.data[i] = geluScalar(v)));
  const projected = linear(h1, param(params, 'projector.fc2.weight'), d, param(params, 'projector.fc2.bias'));
  if (r > 1) {
    const region = param(params, 'projector.region.weight');
    for (let i = 0; i < projected.rows; i++) for (let j = 0; j < d; j++) projected.data[i * d + j] = (projected.data[i * d + j] as number) + (region[(i % r) * d + j] as number);
  }
  const embed = param(params, 'embed.weight');
  const out: number[] = [];
  for (let b = 0; b < batch.n; b++) {
    const t = batch.t;
    let x: Mat = { rows: t, cols: d, data: new Float64Array(t * d) };
    for (let pos = 0; pos < t; pos++) {
      const k = b * t + pos;
      for (let j = 0; j < d; j++)
        x.data[pos * d + j] = batch.isVisual[k] ? (projected.data[(batch.visualRows[k] as number) * d + j] as number) : (embed[(batch.tokenIds[k] as number) * d + j] as number);
    }
    for (let l = 0; l < m.layers; l++) {
      const pre = `layers.${l}`;
      const qkv = linear(rms(x, param(params, `${pre}.attn_norm.weight`)), param(params, `${pre}.attn.qkv.weight`), 3 * d);
      for (let pos = 0; pos < t; pos++)
        for (let hd = 0; hd < m.heads; hd++) {
          rotate(qkv.data, pos * 3 * d + hd * dh, pos, dh); // q
          rotate(qkv.data, pos * 3 * d + d + hd * dh, pos, dh); // k
        }
      const merged: Mat = { rows: t, cols: d, data: new Float64Array(t * d) };
      for (let hd = 0; hd < m.heads; hd++)
        for (let i = 0; i < t; i++) {
          const scores: number[] = [];
          for (let j = 0; j <= i; j++) {
            let s = 0;
            for (let e = 0; e < dh; e++) s += (qkv.data[i * 3 * d + hd * dh + e] as number) * (qkv.data[j * 3 * d + d + hd * dh + e] as number);
            scores.push(s / Math.sqrt(dh));
          }
          const mx = Math.max(...scores);
          const ex = scores.map((s) => Math.exp(s - mx));
          const z = ex.reduce((a2, c) => a2 + c, 0);
          for (let j = 0; j <= i; j++)
            for (let e = 0; e < dh; e++) merged.data[i * d + hd * dh + e] = (merged.data[i * d + hd * dh + e] as number) + ((ex[j] as number) / z) * (qkv.data[j * 3 * d + 2 * d + hd * dh + e] as number);
        }
      const attnOut = linear(merged, param(params, `${pre}.attn.out.weight`), d);
      x = { rows: t, cols: d, data: x.data.map((v, i) => v + (attnOut.data[i] as number)) };
      const hid = linear(rms(x, param(params, `${pre}.mlp_norm.weight`)), param(params, `${pre}.mlp.fc1.weight`), h, param(params, `${pre}.mlp.fc1.bias`));
      hid.data.forEach((v, i) => (hid.data[i] = geluScalar(v)));
      const mlpOut = linear(hid, param(params, `${pre}.mlp.fc2.weight`), d, param(params, `${pre}.mlp.fc2.bias`));
      x = { rows: t, cols: d, data: x.data.map((v, i) => v + (mlpOut.data[i] as number)) };
    }
    const logits = linear(rms(x, param(params, 'norm.weight')), param(params, 'lm_head.weight'), m.vocabSize);
    let total = 0;
    for (let pos = 0; pos < t; pos++) {
      const k = b * t + pos;
      if (!batch.answerMask[k]) continue;
      const row = logits.data.subarray(pos * m.vocabSize, (pos + 1) * m.vocabSize);
      const mx = Math.max(...row);
      let z = 0;
      for (const v of row) z += Math.exp(v - mx);
      total += (row[batch.targets[k] as number] as number) - mx - Math.log(z);
    }
    out.push(total);
  }
  return out;
}
