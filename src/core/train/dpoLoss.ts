// DPO losses and metrics in plain JavaScript (issue #12): the reference the tensor code in
// src/ml/train is tested against, and what the CLI reports. Definitions follow TRL's
// `DPOTrainer.dpo_loss` (trl/trainer/dpo_trainer.py) and the LongVPO paper (DESIGN.md §1):
//
//   chosen_logratios   = log πθ(y⁺|x) − log π_ref(y⁺|x_ref)
//   rejected_logratios = log πθ(y⁻|x) − log π_ref(y⁻|x_ref)
//   delta              = chosen_logratios − rejected_logratios
//   sigmoid: −log σ(β·delta)                              (DPO, Rafailov et al. Eq. 7)
//   hinge:   max(0, 1 − β·delta)                          (SLiC)
//   ipo:     (delta/|y| − 1/(2β))², logratios per token   (IPO Eq. 17, TRL's length normalisation)
//   robust:  (−(1−ε)·log σ(β·delta) + ε·log σ(−β·delta)) / (1 − 2ε)   (rDPO; ε = label smoothing)
//   total = mean(loss) + α · mean(−log πθ(y⁺|x) / |y⁺|)   (the paper's SFT term; TRL's `rpo_alpha`)
//
// x_ref is the anchor clip alone in the paper's anchor-only mode (Stage 1), the cited scenes in
// Stage 2, or the full composite. Rewards are β·logratios (TRL `rewards/*`).

export const LOSS_TYPES = ['sigmoid', 'ipo', 'hinge', 'robust'] as const;
export type DpoLossType = (typeof LOSS_TYPES)[number];

/** One preference pair's summed answer log-probs and answer lengths (tokens). */
export interface PairLogps {
  policyChosen: number;
  policyRejected: number;
  refChosen: number;
  refRejected: number;
  chosenTokens: number;
  rejectedTokens: number;
}

export interface DpoLossParams {
  lossType: DpoLossType;
  beta: number;
  /** ε of robust DPO (TRL `label_smoothing`, in [0, 0.5)); other losses ignore it, as in TRL. */
  labelSmoothing: number;
  /** Weight of the SFT term (paper α; 0 turns it off). */
  alpha: number;
}

/** TRL's DPO metric keys, exactly (DESIGN.md §1 "Conventions"). */
export interface DpoMetrics {
  loss: number;
  'rewards/chosen': number;
  'rewards/rejected': number;
  'rewards/accuracies': number;
  'rewards/margins': number;
  'logps/chosen': number;
  'logps/rejected': number;
  /** The α-weighted term's unweighted value: mean −log πθ(y⁺|x)/|y⁺|. */
  nll_loss: number;
}

/** log σ(x), stable for large |x|. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** The per-pair preference loss (without the SFT term). */
export function pairLoss(p: PairLogps, params: Pick<DpoLossParams, 'lossType' | 'beta' | 'labelSmoothing'>): number {
  const { beta } = params;
  const chosenLogratio = p.policyChosen - p.refChosen;
  const rejectedLogratio = p.policyRejected - p.refRejected;
  const delta = chosenLogratio - rejectedLogratio;
  switch (params.lossType) {
    case 'sigmoid':
      return -logSigmoid(beta * delta);
    case 'hinge':
      return Math.max(0, 1 - beta * delta);
    case 'ipo': {
      const ipoDelta = chosenLogratio / Math.max(1, p.chosenTokens) - rejectedLogratio / Math.max(1, p.rejectedTokens);
      return (ipoDelta - 1 / (2 * beta)) ** 2;
    }
    case 'robust': {
      const eps = params.labelSmoothing;
      return (-(1 - eps) * logSigmoid(beta * delta) + eps * logSigmoid(-beta * delta)) / (1 - 2 * eps);
    }
  }
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Loss and TRL metrics of a batch of pairs, as DPOTrainer logs them (means over the batch). */
export function dpoLossReference(pairs: readonly PairLogps[], params: DpoLossParams): DpoMetrics {
  if (pairs.length === 0) throw new RangeError('dpoLossReference needs at least one pair');
  const losses = pairs.map((p) => pairLoss(p, params));
  const chosenRewards = pairs.map((p) => params.beta * (p.policyChosen - p.refChosen));
  const rejectedRewards = pairs.map((p) => params.beta * (p.policyRejected - p.refRejected));
  const nll = mean(pairs.map((p) => -p.policyChosen / Math.max(1, p.chosenTokens)));
  return {
    loss: mean(losses) + params.alpha * nll,
    'rewards/chosen': mean(chosenRewards),
    'rewards/rejected': mean(rejectedRewards),
    'rewards/accuracies': mean(chosenRewards.map((c, i) => (c > (rejectedRewards[i] as number) ? 1 : 0))),
    'rewards/margins': mean(chosenRewards.map((c, i) => c - (rejectedRewards[i] as number))),
    'logps/chosen': mean(pairs.map((p) => p.policyChosen)),
    'logps/rejected': mean(pairs.map((p) => p.policyRejected)),
    nll_loss: nll,
  };
}

/** SFT loss: mean over samples of the per-token negative log-likelihood of the answer. */
export function sftLossReference(samples: readonly { logp: number; tokens: number }[]): number {
  if (samples.length === 0) throw new RangeError('sftLossReference needs at least one sample');
  return mean(samples.map((s) => -s.logp / Math.max(1, s.tokens)));
}
