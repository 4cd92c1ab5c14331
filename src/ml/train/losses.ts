// DPO and SFT losses as tensor ops, differentiable through the policy's log-probs (issue #12).
// One small function per loss type behind an exhaustive switch; the formulas and their sources
// are in src/core/train/dpoLoss.ts, whose plain-JS values these are tested against.
import * as tf from '@tensorflow/tfjs-core';
import type { DpoLossParams } from '../../core/train/dpoLoss';

export interface DpoLossInputs {
  /** [B] summed answer log-probs of the policy (differentiable). */
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  /** [B] the frozen reference's, constants. */
  refChosen: Float32Array;
  refRejected: Float32Array;
  chosenTokens: Int32Array;
  rejectedTokens: Int32Array;
}

/**
 * log σ(z) = min(z, 0) − log(1 + e^−|z|), stable for any z. Not tf.logSigmoid: its custom
 * gradient reads an input that variableGrads has already disposed (fails on every backend).
 */
export function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.sub(tf.minimum(z, 0), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
}

/** Per-pair preference losses [B] (no SFT term). */
export function pairLosses(x: DpoLossInputs, params: Pick<DpoLossParams, 'lossType' | 'beta' | 'labelSmoothing'>): tf.Tensor1D {
  const { beta } = params;
  const chosenLogratios = tf.sub(x.policyChosen, tf.tensor1d(x.refChosen));
  const rejectedLogratios = tf.sub(x.policyRejected, tf.tensor1d(x.refRejected));
  const delta = tf.sub(chosenLogratios, rejectedLogratios);
  switch (params.lossType) {
    case 'sigmoid':
      return tf.neg(logSigmoid(tf.mul(delta, beta))) as tf.Tensor1D;
    case 'hinge':
      return tf.relu(tf.sub(1, tf.mul(delta, beta))) as tf.Tensor1D;
    case 'ipo': {
      const perToken = (lr: tf.Tensor, n: Int32Array): tf.Tensor => tf.div(lr, tf.tensor1d(Float32Array.from(n, (k) => Math.max(1, k))));
      const ipoDelta = tf.sub(perToken(chosenLogratios, x.chosenTokens), perToken(rejectedLogratios, x.rejectedTokens));
      return tf.square(tf.sub(ipoDelta, 1 / (2 * beta))) as tf.Tensor1D;
    }
    case 'robust': {
      const eps = params.labelSmoothing;
      const clean = tf.mul(logSigmoid(tf.mul(delta, beta)), -(1 - eps));
      const flipped = tf.mul(logSigmoid(tf.mul(delta, -beta)), eps);
      return tf.div(tf.add(clean, flipped), 1 - 2 * eps) as tf.Tensor1D;
    }
  }
}

/** Mean over sequences of −log π(y|x)/|y| (the SFT loss, and the paper's α-term). */
export function tokenMeanNll(logps: tf.Tensor1D, tokens: Int32Array): tf.Scalar {
  return tf.mean(tf.neg(tf.div(logps, tf.tensor1d(Float32Array.from(tokens, (k) => Math.max(1, k))))));
}
