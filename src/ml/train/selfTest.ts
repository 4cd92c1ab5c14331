// The policy on the active backend against the plain-JS reference (issue #12, DESIGN.md §3: "test
// the model on every backend you claim"): answer log-probs of a tiny policy, a loss gradient
// against central finite differences of the float64 forward, and three SFT steps whose losses
// the browser test compares across backends.
import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainConfig } from '../../core/train/config';
import { referenceAnswerLogps } from '../../core/train/policyReference';
import type { SftSample } from '../../core/train/samples';
import { WordTokenizer } from '../../core/train/tokenizer';
import { tinyBatch, tinyClipTable, TINY_MODEL } from '../policy/fixtures';
import { answerLogps } from '../policy/model';
import { initialParams, type ParamValues } from '../policy/params';
import { tokenMeanNll } from './losses';
import { PolicyTrainer } from './trainer';

export interface PolicySelfTest {
  /** Largest |tensor − reference| of the answer log-probs, and of the gradient entries checked against finite differences, over 1 and 2 visual tokens per clip. */
  logps: number;
  grad: number;
  /** Losses of three SFT steps from a fixed init (compare across backends). */
  trainLosses: number[];
}

/** Errors within this are float32 round-off on GPUs (log-probs are sums over tokens). */
export const POLICY_TOLERANCE = 5e-3;

/** Largest log-prob and gradient errors of the tiny policy reading `tokens` visual tokens per clip. */
async function checkAgainstReference(tokens: number): Promise<{ logps: number; grad: number }> {
  const m = { ...TINY_MODEL, visualTokens: tokens };
  const values = initialParams(m, 5);
  for (const v of Object.values(values)) for (let i = 0; i < v.values.length; i++) v.values[i] = (v.values[i] as number) * (v.shape.length > 1 ? 10 : 1);
  const batch = tinyBatch();
  const table = tinyClipTable(4, m.visualDim);
  const vars = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.variable(tf.tensor(v.values, v.shape), true, `selftest-${Date.now()}-${tokens}-${k}`)]));
  const byName = Object.fromEntries(Object.entries(vars).map(([k, v]) => [v.name, k]));
  let logpsErr = 0;
  let gradErr = 0;
  try {
    const lp = tf.tidy(() => answerLogps(vars, m, { batch, clipTable: table, clipRows: 4 }).logps);
    const got = await lp.data();
    lp.dispose();
    const want = referenceAnswerLogps(values, m, batch, table, 4);
    want.forEach((w, i) => (logpsErr = Math.max(logpsErr, Math.abs((got[i] as number) - w))));
    const { value, grads } = tf.variableGrads(() => tokenMeanNll(answerLogps(vars, m, { batch, clipTable: table, clipRows: 4 }).logps, batch.answerTokens), Object.values(vars));
    const lossOf = (p: ParamValues): number => referenceAnswerLogps(p, m, batch, table, 4).reduce((s, l, i) => s - l / (batch.answerTokens[i] as number), 0) / batch.n;
    for (const [gradName, g] of Object.entries(grads)) {
      const name = byName[gradName] as string;
      if (!['lm_head.weight', 'projector.fc1.weight', 'projector.region.weight', 'layers.0.attn.qkv.weight'].includes(name)) continue;
      const data = await g.data();
      for (const idx of [1, 5]) {
        const base = values[name] as { shape: number[]; values: Float32Array };
        const shifted = (h: number): ParamValues => {
          const copy = Float64Array.from(base.values);
          copy[idx] = (copy[idx] as number) + h;
          return { ...values, [name]: { shape: base.shape, values: copy as unknown as Float32Array } };
        };
        const fd = (lossOf(shifted(1e-4)) - lossOf(shifted(-1e-4))) / 2e-4;
        gradErr = Math.max(gradErr, Math.abs((data[idx] as number) - fd));
      }
    }
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose(Object.values(vars));
  }
  return { logps: logpsErr, grad: gradErr };
}

export async function policySelfTest(): Promise<PolicySelfTest> {
  // One visual token per clip, and two (the region tokens' shared projector and region vectors).
  const checks = [await checkAgainstReference(1), await checkAgainstReference(2)];
  const logpsErr = Math.max(...checks.map((c) => c.logps));
  const gradErr = Math.max(...checks.map((c) => c.grad));
  const sft: SftSample[] = [1, 2, 3].flatMap((c) => [
    { id: `a${c}`, clips: [`c${c}`], question: 'what colour ?', answer: ['red', 'green', 'blue'][c - 1] as string },
    { id: `b${c}`, clips: [`c${c}`], question: 'which clip ?', answer: `clip ${c}` },
  ]);
  const tokenizer = WordTokenizer.build(sft.flatMap((s) => [s.question, s.answer]));
  const model = { ...TINY_MODEL, vocabSize: tokenizer.size };
  const clipTable = tinyClipTable(4, model.visualDim, 9);
  const trainer = new PolicyTrainer({
    config: { ...defaultTrainConfig('sft'), batchSize: 3, maxSteps: 3, lr: 1e-2, warmupRatio: 0 },
    model,
    tokenizer,
    clips: { dim: model.visualDim, vector: (id) => clipTable.slice(Number(id.slice(1)) * model.visualDim, (Number(id.slice(1)) + 1) * model.visualDim) },
    sft,
    params: initialParams(model, 3),
  });
  const trainLosses: number[] = [];
  try {
    while (!trainer.done) trainLosses.push((await trainer.trainStep()).loss);
  } finally {
    trainer.dispose();
  }
  return { logps: logpsErr, grad: gradErr, trainLosses };
}
