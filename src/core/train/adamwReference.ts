// AdamW in plain JavaScript (torch.optim.AdamW's update, decoupled weight decay): the reference
// that src/ml/train/adamw.ts is checked against.

export interface AdamWRefState {
  t: number;
  m: number[];
  v: number[];
}

export function adamwReferenceStep(
  param: number[],
  grad: readonly number[],
  state: AdamWRefState,
  o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number },
): void {
  state.t++;
  const c1 = 1 - o.beta1 ** state.t;
  const c2 = 1 - o.beta2 ** state.t;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] as number;
    state.m[i] = o.beta1 * (state.m[i] as number) + (1 - o.beta1) * g;
    state.v[i] = o.beta2 * (state.v[i] as number) + (1 - o.beta2) * g * g;
    const p = (param[i] as number) * (1 - o.lr * o.weightDecay);
    param[i] = p - (o.lr * ((state.m[i] as number) / c1)) / (Math.sqrt((state.v[i] as number) / c2) + o.eps);
  }
}
