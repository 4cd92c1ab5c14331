// AdamW (Loshchilov & Hutter; torch.optim.AdamW, the optimizer TRL trains with) on tf.Variables,
// with its moment estimates kept as variables so a checkpoint can hold them and a resume
// continues exactly. Decoupled weight decay on matrices only (Hugging Face's default: no decay
// on biases and norm weights). Checked against src/core/train/adamwReference.ts.
import * as tf from '@tensorflow/tfjs-core';

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: Omit<AdamWSettings, 'weightDecay'> = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export const decays = (name: string, shape: readonly number[]): boolean => shape.length > 1 && !name.endsWith('.bias');

export class AdamW {
  /** Optimizer steps taken (bias correction uses it). */
  t = 0;
  readonly m: Record<string, tf.Variable>;
  readonly v: Record<string, tf.Variable>;

  constructor(
    private readonly params: Record<string, tf.Variable>,
    readonly settings: AdamWSettings,
    state?: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> },
    prefix = 'adamw',
  ) {
    this.m = {};
    this.v = {};
    for (const [name, p] of Object.entries(params)) {
      // The initial tensors are released once the variables hold their data.
      const m0 = state ? tf.tensor(state.m[name] as Float32Array, p.shape) : tf.zerosLike(p);
      const v0 = state ? tf.tensor(state.v[name] as Float32Array, p.shape) : tf.zerosLike(p);
      this.m[name] = tf.variable(m0, false, `${prefix}/adam_m/${name}`);
      this.v[name] = tf.variable(v0, false, `${prefix}/adam_v/${name}`);
      tf.dispose([m0, v0]);
    }
    if (state) this.t = state.t;
  }

  /** One update with learning rate `lr`; `grads` are consumed (not disposed). */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.settings;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (const [name, p] of Object.entries(this.params)) {
      const g = grads[name];
      if (!g) continue;
      const m = this.m[name] as tf.Variable;
      const v = this.v[name] as tf.Variable;
      tf.tidy(() => {
        const decayed = decays(name, p.shape) && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const update = tf.div(tf.div(mNew, c1), tf.add(tf.sqrt(tf.div(vNew, c2)), eps));
        m.assign(mNew);
        v.assign(vNew);
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      });
    }
  }

  async state(): Promise<{ t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> {
    const read = async (vars: Record<string, tf.Variable>): Promise<Record<string, Float32Array>> =>
      Object.fromEntries(await Promise.all(Object.entries(vars).map(async ([k, x]) => [k, (await x.data()) as Float32Array] as const)));
    return { t: this.t, m: await read(this.m), v: await read(this.v) };
  }

  dispose(): void {
    tf.dispose([...Object.values(this.m), ...Object.values(this.v)]);
  }
}
