// The same small computation on every backend, checked against the plain-JS reference
// (src/core/reference/linalg.ts): matmul + softmax + one gradient step of softmax regression.
import * as tf from '@tensorflow/tfjs-core';
import { fixtureValues, matrix, maxAbsDiff, softmaxRegressionStep } from '../../core/reference/linalg';
import { activateBackend, type BackendConfig } from './registry';
import type { BackendName } from '../../core/backendChoice';
import { policySelfTest, POLICY_TOLERANCE } from '../train/selfTest';

export interface SelfTestResult {
  backend: BackendName;
  ok: boolean;
  /** Largest absolute error against the reference for each quantity. */
  errors: { logits: number; probs: number; loss: number; grad: number; updated: number; policyLogps?: number; policyGrad?: number } | null;
  /** Losses of three SFT steps of a tiny policy (the same on every backend, within float32 round-off). */
  trainLosses?: number[];
  tolerance: number;
  elapsedMs: number;
  error?: string;
}

// Shapes: X [N, K], W [K, C].
const N = 6;
const K = 16;
const C = 5;
const LR = 0.5;
const LABELS = [0, 3, 1, 4, 2, 3];

/** float32 on GPUs, and WebGL's half-precision fallbacks, stay well inside this. */
export const SELF_TEST_TOLERANCE = 2e-3;

/** Runs the computation on the active backend. Returns plain arrays. */
export async function runSoftmaxRegressionStep(xValues: number[], wValues: number[], labels: number[], lr: number) {
  const x = tf.tensor2d(xValues, [N, K]);
  const w = tf.variable(tf.tensor2d(wValues, [K, C]));
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
  try {
    // logits: [N, C]
    const lossFn = () => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(lossFn, [w]);
    const grad = grads[w.name];
    if (!grad) throw new Error('no gradient for W');
    const logits = tf.matMul(x, w);
    const probs = tf.softmax(logits);
    const updated = tf.sub(w, tf.mul(grad, lr));
    // One read-back per tensor, after all work is queued.
    const [l, p, loss, g, u] = await Promise.all([logits.data(), probs.data(), value.data(), grad.data(), updated.data()]);
    tf.dispose([value, grad, logits, probs, updated]);
    return { logits: l, probs: p, loss: loss[0] ?? Number.NaN, grad: g, updated: u };
  } finally {
    tf.dispose([x, w, y]);
  }
}

export async function selfTestBackend(backend: BackendName, config: BackendConfig = {}): Promise<SelfTestResult> {
  const start = performance.now();
  const base = { backend, tolerance: SELF_TEST_TOLERANCE };
  const activated = await activateBackend(backend, config);
  if (!activated.ok) return { ...base, ok: false, errors: null, elapsedMs: performance.now() - start, error: activated.error ?? 'did not initialise' };
  try {
    const xValues = fixtureValues(N * K, 7);
    const wValues = fixtureValues(K * C, 11);
    const got = await runSoftmaxRegressionStep(xValues, wValues, LABELS, LR);
    const want = softmaxRegressionStep(matrix(N, K, xValues), matrix(K, C, wValues), LABELS, LR);
    const errors = {
      logits: maxAbsDiff(got.logits, want.logits.data),
      probs: maxAbsDiff(got.probs, want.probs.data),
      loss: Math.abs(got.loss - want.loss),
      grad: maxAbsDiff(got.grad, want.grad.data),
      updated: maxAbsDiff(got.updated, want.updated.data),
    };
    // The policy (issue #12): log-probs, a gradient, three training steps.
    const policy = await policySelfTest();
    const withPolicy = { ...errors, policyLogps: policy.logps, policyGrad: policy.grad };
    // Guard against a NaN sneaking through: NaN <= tol is false.
    const ok = Object.values(errors).every((e) => e <= SELF_TEST_TOLERANCE) && policy.logps <= POLICY_TOLERANCE && policy.grad <= POLICY_TOLERANCE && policy.trainLosses.every(Number.isFinite);
    return { ...base, ok, errors: withPolicy, trainLosses: policy.trainLosses, elapsedMs: performance.now() - start, ...(ok ? {} : { error: 'results differ from the reference' }) };
  } catch (e) {
    return { ...base, ok: false, errors: null, elapsedMs: performance.now() - start, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}
