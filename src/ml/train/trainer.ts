// The trainer (issue #12): SFT on single clips, then Stage 1 / Stage 2 DPO against a frozen
// reference, one optimizer step at a time so a worker or the CLI can report, pause and
// checkpoint between steps. The step is a pure function of (weights, optimizer state, step
// number, data): the order of samples in epoch e is a shuffle seeded by (seed, e), so resuming
// from a checkpoint at step s replays exactly what an uninterrupted run does from s.
//
//   micro-batch (DPO):  policy on [chosen; rejected] over the full composite  → [2B] log-probs
//                       (each pair one sequence: its composite once, both answers after it)
//                       reference on the same answers over x_ref (cached, or computed here)
//   loss:               mean pair loss + α · token-mean NLL of chosen (src/core/train/dpoLoss.ts)
//   step:               Σ over accumulated micro-batches (weighted by size) → clip → AdamW
import * as tf from '@tensorflow/tfjs-core';
import { UserFacingError } from '../../core/errors';
import type { ModelConfig, TrainConfig } from '../../core/train/config';
import type { DpoLossParams } from '../../core/train/dpoLoss';
import { referenceClips, type PreferenceSample, type SftSample } from '../../core/train/samples';
import { cosineWithWarmup } from '../../core/train/schedule';
import type { WordTokenizer } from '../../core/train/tokenizer';
import { mulberry32, seedFrom } from '../../core/world/random';
import { forwardInputs, pairForward, scoreAnswers, scoreChoices, type ClipSource, type ScoredItem } from '../policy/inputs';
import { answerLogps, type ParamTensors } from '../policy/model';
import type { ParamValues } from '../policy/params';
import { AdamW, ADAMW_DEFAULTS } from './adamw';
import { pairLosses, tokenMeanNll } from './losses';

/** One optimizer step's metrics, TRL's keys (DESIGN.md §1) plus timing. */
export type StepMetrics = Record<string, number> & { step: number; loss: number; grad_norm: number; learning_rate: number; epoch: number };

export interface RefLogps {
  chosen: number;
  rejected: number;
}

export class TrainingDivergedError extends UserFacingError {
  override name = 'TrainingDivergedError';
}

interface EncodedPair {
  id: string;
  clips: string[];
  refClips: string[];
  question: number[];
  chosen: number[];
  rejected: number[];
}

interface EncodedSft {
  id: string;
  clips: string[];
  question: number[];
  answer: number[];
}

export interface TrainerInit {
  config: TrainConfig;
  model: ModelConfig;
  tokenizer: WordTokenizer;
  clips: ClipSource;
  /** SFT samples (stage `sft`) or preference pairs (DPO stages). */
  sft?: readonly SftSample[];
  pairs?: readonly PreferenceSample[];
  /** Initial policy weights (a fresh init or a checkpoint's). */
  params: ParamValues;
  /** Frozen reference weights (DPO): the checkpoint the run started from. */
  reference?: ParamValues;
  /** Resume: optimizer state and steps already taken. */
  optimizer?: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> };
  step?: number;
  /** Reference log-probs already computed for this reference and mode, by sample id. */
  refLogps?: Map<string, RefLogps>;
  /**
   * Score a pair's two answers in one sequence sharing its clips and question (`pairForward`), the
   * default; false: two sequences of their own (the same log-probs and gradients, within float
   * rounding; kept as the benchmark's baseline, `bench/train-pairs.bench.ts`).
   */
  sharedPrefix?: boolean;
}

/** tf.Variable names are global: each trainer gets its own prefix. */
let trainers = 0;

/** A variable from plain values; the initial tensor is released (the variable keeps the data). */
export function variableOf(values: Float32Array, shape: number[], name: string, trainable = true): tf.Variable {
  const init = tf.tensor(values, shape);
  const v = tf.variable(init, trainable, name);
  init.dispose();
  return v;
}

function toVariables(values: ParamValues, prefix: string): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, variableOf(v.values, v.shape, `${prefix}/${k}`)]));
}

export class PolicyTrainer {
  readonly config: TrainConfig;
  readonly model: ModelConfig;
  readonly params: Record<string, tf.Variable>;
  private readonly prefix: string;
  private readonly reference: ParamTensors | null;
  private readonly optimizer: AdamW;
  private readonly clips: ClipSource;
  private readonly pairs: EncodedPair[] = [];
  private readonly sft: EncodedSft[] = [];
  readonly refLogps: Map<string, RefLogps>;
  private readonly sharedPrefix: boolean;
  /** Optimizer steps done. */
  step: number;

  constructor(init: TrainerInit) {
    this.config = init.config;
    this.model = init.model;
    this.clips = init.clips;
    const enc = (s: string): number[] => init.tokenizer.encode(s);
    if (init.config.stage === 'sft') {
      for (const s of init.sft ?? []) this.sft.push({ id: s.id, clips: s.clips, question: enc(s.question), answer: enc(s.answer) });
      if (this.sft.length === 0) throw new UserFacingError('There are no SFT samples to train on.', 'Synthesize single-clip questions first (the demo writes sft.jsonl).');
    } else {
      for (const s of init.pairs ?? []) this.pairs.push({ id: s.id, clips: s.clips, refClips: referenceClips(s, init.config.refMode), question: enc(s.question), chosen: enc(s.chosen), rejected: enc(s.rejected) });
      if (this.pairs.length === 0) throw new UserFacingError(`There are no ${init.config.stage === 'stage1' ? 'Stage 1' : 'Stage 2'} triples to train on.`, 'Synthesize or import triples of that stage first.');
      if (!init.reference) throw new Error('DPO needs the reference weights');
    }
    this.prefix = `policy${++trainers}`;
    this.params = toVariables(init.params, this.prefix);
    this.reference = init.reference ? Object.fromEntries(Object.entries(init.reference).map(([k, v]) => [k, tf.tensor(v.values, v.shape)])) : null;
    this.optimizer = new AdamW(this.params, { ...ADAMW_DEFAULTS, weightDecay: init.config.weightDecay }, init.optimizer, this.prefix);
    this.step = init.step ?? 0;
    this.refLogps = new Map(init.refLogps ?? []);
    this.sharedPrefix = init.sharedPrefix ?? true;
  }

  get samples(): number {
    return this.config.stage === 'sft' ? this.sft.length : this.pairs.length;
  }

  get samplesPerStep(): number {
    return this.config.batchSize * this.config.gradAccum;
  }

  get stepsPerEpoch(): number {
    return Math.ceil(this.samples / this.samplesPerStep);
  }

  get totalSteps(): number {
    return this.config.maxSteps > 0 ? this.config.maxSteps : Math.ceil(this.config.epochs * this.stepsPerEpoch);
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  /** Sample indices of optimizer step `s`, split into micro-batches. */
  stepIndices(s: number): number[][] {
    const epoch = Math.floor(s / this.stepsPerEpoch);
    const within = s % this.stepsPerEpoch;
    const order = mulberry32(seedFrom('train-order', this.config.seed, epoch)).shuffle([...Array(this.samples).keys()]);
    const chosen = order.slice(within * this.samplesPerStep, (within + 1) * this.samplesPerStep);
    const out: number[][] = [];
    for (let i = 0; i < chosen.length; i += this.config.batchSize) out.push(chosen.slice(i, i + this.config.batchSize));
    return out;
  }

  /** Pairs whose reference log-probs are still unknown. */
  missingReference(): number {
    return this.pairs.filter((p) => !this.refLogps.has(p.id)).length;
  }

  /** Computes (once) the reference log-probs of every pair; what was known is kept. */
  async prepareReference(options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; batchSize?: number } = {}): Promise<void> {
    if (!this.reference || !this.config.cacheRef) return;
    const todo = this.pairs.filter((p) => !this.refLogps.has(p.id));
    if (todo.length === 0) return;
    const scores = await this.referenceScores(todo, {
      batchSize: options.batchSize ?? 32,
      ...(options.signal && { signal: options.signal }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    todo.forEach((p, i) => this.refLogps.set(p.id, { chosen: scores[2 * i] as number, rejected: scores[2 * i + 1] as number }));
  }

  /**
   * The reference's log-probs of pairs' answers over their reference clips, flat [c₀, r₀, c₁, r₁, …];
   * `batchSize` sequences a batch (a pair's two answers share one when `sharedPrefix`).
   */
  private async referenceScores(pairs: readonly EncodedPair[], o: { batchSize: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<Float32Array> {
    const reference = this.reference as ParamTensors;
    if (this.sharedPrefix)
      return scoreChoices(reference, this.model, this.clips, pairs.map((p) => ({ clips: p.refClips, question: p.question, answers: [p.chosen, p.rejected] })), {
        batchSize: Math.max(1, Math.floor(o.batchSize / 2)),
        ...(o.signal && { signal: o.signal }),
        ...(o.onProgress && { onProgress: o.onProgress }),
      });
    const items: ScoredItem[] = pairs.flatMap((p) => [
      { clips: p.refClips, question: p.question, answer: p.chosen },
      { clips: p.refClips, question: p.question, answer: p.rejected },
    ]);
    return scoreAnswers(reference, this.model, this.clips, items, {
      batchSize: o.batchSize,
      ...(o.signal && { signal: o.signal }),
      ...(o.onProgress && { onProgress: (d, t) => o.onProgress?.(Math.floor(d / 2), t / 2) }),
    });
  }

  /** The learning rate of step `s`. */
  learningRate(s: number): number {
    const warmup = Math.floor(this.config.warmupRatio * this.totalSteps);
    return cosineWithWarmup(s, this.totalSteps, this.config.lr, warmup);
  }

  /** One optimizer step; throws TrainingDivergedError (weights untouched) on a NaN/Inf loss. */
  async trainStep(signal?: AbortSignal): Promise<StepMetrics> {
    if (this.done) throw new Error('the run has taken all its steps');
    const started = performance.now();
    const micro = this.stepIndices(this.step);
    const total = micro.reduce((a, b) => a + b.length, 0);
    const sums: Record<string, number> = {};
    let tokens = 0;
    let grads: Record<string, tf.Tensor> | null = null;
    try {
      for (const idx of micro) {
        signal?.throwIfAborted();
        const weight = idx.length / total;
        const { value, grads: g, metrics, realTokens } = this.config.stage === 'sft' ? this.sftMicroBatch(idx) : await this.dpoMicroBatch(idx);
        tokens += realTokens;
        const scaled = tf.tidy(() => Object.fromEntries(Object.entries(g).map(([k, t]) => [k, tf.mul(t, weight)])));
        tf.dispose(Object.values(g));
        if (grads === null) grads = scaled;
        else {
          const prev: Record<string, tf.Tensor> = grads;
          grads = tf.tidy(() => Object.fromEntries(Object.entries(prev).map(([k, t]) => [k, tf.add(t, scaled[k] as tf.Tensor)])));
          tf.dispose([...Object.values(prev), ...Object.values(scaled)]);
        }
        // One read-back for all of a micro-batch's metrics (a CPU-GPU sync point), not one per metric.
        const stacked = tf.stack(Object.values(metrics));
        const values = await stacked.data();
        Object.keys(metrics).forEach((k, i) => (sums[k] = (sums[k] ?? 0) + (values[i] as number) * weight));
        tf.dispose([stacked, value, ...Object.values(metrics)]);
      }
      const g = grads as Record<string, tf.Tensor>;
      const normT = tf.tidy(() => tf.sqrt(tf.addN(Object.values(g).map((t) => tf.sum(tf.square(t))))));
      const gradNorm = (await normT.data())[0] as number; // a CPU-GPU sync point: once per step
      normT.dispose();
      const loss = sums.loss as number;
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm))
        throw new TrainingDivergedError(
          `Training stopped at step ${this.step + 1}: the loss became ${Number.isFinite(loss) ? loss : String(loss)} (gradient norm ${gradNorm}). The weights of the last good step are kept.`,
          'Resume from the last checkpoint with a lower learning rate (e.g. half), a smaller β, or gradient clipping on.',
        );
      const clip = this.config.maxGradNorm > 0 && gradNorm > this.config.maxGradNorm ? this.config.maxGradNorm / (gradNorm + 1e-6) : 1;
      if (clip !== 1) {
        const unclipped = g;
        grads = tf.tidy(() => Object.fromEntries(Object.entries(unclipped).map(([k, t]) => [k, tf.mul(t, clip)])));
        tf.dispose(Object.values(unclipped));
      }
      const lr = this.learningRate(this.step);
      this.optimizer.apply(grads as Record<string, tf.Tensor>, lr);
      this.step++;
      const seconds = (performance.now() - started) / 1000;
      return { ...sums, loss, grad_norm: gradNorm, learning_rate: lr, epoch: this.step / this.stepsPerEpoch, step: this.step, step_time_s: seconds, tokens_per_s: tokens / seconds } as StepMetrics;
    } finally {
      if (grads) tf.dispose(Object.values(grads));
    }
  }

  private sftMicroBatch(idx: number[]): { value: tf.Scalar; grads: Record<string, tf.Tensor>; metrics: Record<string, tf.Scalar>; realTokens: number } {
    const items = idx.map((i) => this.sft[i] as EncodedSft);
    const inputs = forwardInputs(items, this.clips, this.model);
    const answerTokens = inputs.batch.answerTokens;
    let correct: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = answerLogps(this.params, this.model, inputs);
      correct = tf.keep(out.correct);
      return tokenMeanNll(out.logps, answerTokens);
    }, Object.values(this.params));
    const targets = answerTokens.reduce((a, b) => a + b, 0);
    const accuracy = tf.tidy(() => tf.div(correct as unknown as tf.Tensor, targets) as tf.Scalar);
    (correct as unknown as tf.Tensor).dispose();
    return { value, grads: this.byName(grads), metrics: { loss: tf.clone(value), mean_token_accuracy: accuracy }, realTokens: inputs.batch.realTokens };
  }

  private async dpoMicroBatch(idx: number[]): Promise<{ value: tf.Scalar; grads: Record<string, tf.Tensor>; metrics: Record<string, tf.Scalar>; realTokens: number }> {
    const pairs = idx.map((i) => this.pairs[i] as EncodedPair);
    const b = pairs.length;
    // Log-probs [chosen; rejected], as TRL's concatenated forward (one sequence a pair with sharedPrefix).
    const forward = pairForward(pairs, this.clips, this.model, { shared: this.sharedPrefix });
    const ref = await this.referenceFor(pairs);
    const chosenTokens = Int32Array.from(pairs, (p) => p.chosen.length + 1);
    const rejectedTokens = Int32Array.from(pairs, (p) => p.rejected.length + 1);
    const params: DpoLossParams = { lossType: this.config.lossType, beta: this.config.beta, labelSmoothing: this.config.labelSmoothing, alpha: this.config.alpha };
    const kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const logps = forward.logps(this.params); // [2B]
      const policyChosen = tf.slice(logps, [0], [b]);
      const policyRejected = tf.slice(logps, [b], [b]);
      const losses = pairLosses({ policyChosen, policyRejected, refChosen: ref.chosen, refRejected: ref.rejected, chosenTokens, rejectedTokens }, params);
      const nll = tokenMeanNll(policyChosen, chosenTokens);
      const loss = tf.add(tf.mean(losses), tf.mul(nll, params.alpha)) as tf.Scalar;
      // Metrics (no gradient flows through them): TRL's rewards are β · logratios.
      const chosenRewards = tf.mul(tf.sub(policyChosen, tf.tensor1d(ref.chosen)), params.beta);
      const rejectedRewards = tf.mul(tf.sub(policyRejected, tf.tensor1d(ref.rejected)), params.beta);
      Object.assign(kept, {
        loss: tf.keep(tf.clone(loss)),
        'rewards/chosen': tf.keep(tf.mean(chosenRewards)),
        'rewards/rejected': tf.keep(tf.mean(rejectedRewards)),
        'rewards/accuracies': tf.keep(tf.mean(tf.cast(tf.greater(chosenRewards, rejectedRewards), 'float32'))),
        'rewards/margins': tf.keep(tf.mean(tf.sub(chosenRewards, rejectedRewards))),
        'logps/chosen': tf.keep(tf.mean(policyChosen)),
        'logps/rejected': tf.keep(tf.mean(policyRejected)),
        nll_loss: tf.keep(nll),
      });
      return loss;
    }, Object.values(this.params));
    return { value, grads: this.byName(grads), metrics: kept, realTokens: forward.realTokens };
  }

  /** Reference log-probs of a micro-batch's pairs: from the cache, or one reference forward. */
  private async referenceFor(pairs: EncodedPair[]): Promise<{ chosen: Float32Array; rejected: Float32Array }> {
    const cached = pairs.map((p) => this.refLogps.get(p.id));
    if (cached.every((c) => c !== undefined)) return { chosen: Float32Array.from(cached, (c) => (c as RefLogps).chosen), rejected: Float32Array.from(cached, (c) => (c as RefLogps).rejected) };
    const scores = await this.referenceScores(pairs, { batchSize: 2 * pairs.length });
    return { chosen: Float32Array.from(pairs, (_, i) => scores[2 * i] as number), rejected: Float32Array.from(pairs, (_, i) => scores[2 * i + 1] as number) };
  }

  private byName(grads: tf.NamedTensorMap): Record<string, tf.Tensor> {
    // variableGrads keys by variable name (`<prefix>/<param>`).
    const cut = this.prefix.length + 1;
    return Object.fromEntries(Object.entries(grads).map(([k, t]) => [k.slice(cut), t]));
  }

  /** Current weights as plain arrays (a CPU-GPU sync point). */
  async weights(): Promise<ParamValues> {
    const entries = await Promise.all(Object.entries(this.params).map(async ([k, v]) => [k, { shape: [...v.shape] as number[], values: (await v.data()) as Float32Array }] as const));
    return Object.fromEntries(entries);
  }

  async optimizerState(): Promise<{ t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> {
    return this.optimizer.state();
  }

  dispose(): void {
    tf.dispose(Object.values(this.params));
    if (this.reference) tf.dispose(Object.values(this.reference));
    this.optimizer.dispose();
  }
}
