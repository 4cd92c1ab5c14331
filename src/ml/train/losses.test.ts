// Every loss type's tensor value against the plain-JS reference on fixed numbers, on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dpoLossReference, LOSS_TYPES, pairLoss, type PairLogps } from '../../core/train/dpoLoss';
import { NODE_BACKENDS, wasmDir } from '../../../tests/helpers/tfNode';
import { activateBackend } from '../backend/registry';
import { pairLosses, tokenMeanNll } from './losses';

const PAIRS: PairLogps[] = [
  { policyChosen: -3.2, policyRejected: -5.1, refChosen: -3.9, refRejected: -4.4, chosenTokens: 3, rejectedTokens: 2 },
  { policyChosen: -7.5, policyRejected: -2.0, refChosen: -6.1, refRejected: -2.5, chosenTokens: 5, rejectedTokens: 1 },
  { policyChosen: -1.0, policyRejected: -1.0, refChosen: -1.0, refRejected: -1.0, chosenTokens: 2, rejectedTokens: 2 },
  { policyChosen: -40, policyRejected: -0.5, refChosen: -2, refRejected: -30, chosenTokens: 4, rejectedTokens: 4 },
];

describe.each(NODE_BACKENDS)('DPO losses on %s', (backend) => {
  it.each(LOSS_TYPES)('%s matches the reference', async (lossType) => {
    expect((await activateBackend(backend, { wasmPaths: wasmDir })).ok).toBe(true);
    const params = { lossType, beta: 0.5, labelSmoothing: 0.1 };
    const out = tf.tidy(() =>
      pairLosses(
        {
          policyChosen: tf.tensor1d(PAIRS.map((p) => p.policyChosen)),
          policyRejected: tf.tensor1d(PAIRS.map((p) => p.policyRejected)),
          refChosen: Float32Array.from(PAIRS, (p) => p.refChosen),
          refRejected: Float32Array.from(PAIRS, (p) => p.refRejected),
          chosenTokens: Int32Array.from(PAIRS, (p) => p.chosenTokens),
          rejectedTokens: Int32Array.from(PAIRS, (p) => p.rejectedTokens),
        },
        params,
      ),
    );
    const got = Array.from(await out.data());
    out.dispose();
    PAIRS.forEach((p, i) => expect(got[i]).toBeCloseTo(pairLoss(p, params), 4));
  });

  it('the SFT term is the token-mean NLL', async () => {
    const out = tf.tidy(() => tokenMeanNll(tf.tensor1d([-6, -2]), Int32Array.from([3, 1])));
    expect(await out.data()).toEqual(Float32Array.from([2]));
    out.dispose();
  });
});

describe('DPO loss reference (TRL definitions on hand-computed numbers)', () => {
  it('sigmoid, rewards and accuracies', () => {
    // delta = (−3.2+3.9) − (−5.1+4.4) = 0.7 + 0.7 = 1.4; β = 0.5 → −log σ(0.7) = 0.40319…
    const m = dpoLossReference([PAIRS[0] as PairLogps], { lossType: 'sigmoid', beta: 0.5, labelSmoothing: 0, alpha: 0 });
    expect(m.loss).toBeCloseTo(Math.log1p(Math.exp(-0.7)), 10);
    expect(m['rewards/chosen']).toBeCloseTo(0.35, 10);
    expect(m['rewards/rejected']).toBeCloseTo(-0.35, 10);
    expect(m['rewards/margins']).toBeCloseTo(0.7, 10);
    expect(m['rewards/accuracies']).toBe(1);
  });
  it('ipo normalises log-ratios per answer token; hinge and robust follow TRL', () => {
    const p = PAIRS[0] as PairLogps;
    expect(pairLoss(p, { lossType: 'ipo', beta: 0.5, labelSmoothing: 0 })).toBeCloseTo((0.7 / 3 - -0.7 / 2 - 1) ** 2, 10);
    expect(pairLoss(p, { lossType: 'hinge', beta: 0.5, labelSmoothing: 0 })).toBeCloseTo(0.3, 10);
    const s = 1 / (1 + Math.exp(-0.7));
    expect(pairLoss(p, { lossType: 'robust', beta: 0.5, labelSmoothing: 0.1 })).toBeCloseTo((-(0.9 * Math.log(s)) + 0.1 * Math.log(1 - s)) / 0.8, 10);
  });
  it('alpha adds the chosen answer token-mean NLL', () => {
    const base = { lossType: 'sigmoid' as const, beta: 0.5, labelSmoothing: 0 };
    const a = dpoLossReference(PAIRS, { ...base, alpha: 0 });
    const b = dpoLossReference(PAIRS, { ...base, alpha: 1 });
    const nll = PAIRS.reduce((s, p) => s - p.policyChosen / p.chosenTokens, 0) / PAIRS.length;
    expect(b.loss - a.loss).toBeCloseTo(nll, 10);
    expect(b.nll_loss).toBeCloseTo(nll, 10);
  });
});
