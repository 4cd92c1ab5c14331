// Training run configuration (issue #12): the model's shape and the optimisation settings, with
// defaults that train on the demo world in a browser tab, and validation whose errors name the
// field and the fix. Pure.
import { UserFacingError } from '../errors';
import { LOSS_TYPES, type DpoLossType } from './dpoLoss';

export const TRAIN_STAGES = ['sft', 'stage1', 'stage2'] as const;
export type TrainStage = (typeof TRAIN_STAGES)[number];
export const REF_MODES = ['anchor', 'full'] as const;
/** `anchor`: the paper's anchor-only reference (Stage 2: the cited scenes); `full`: the whole composite. */
export type RefMode = (typeof REF_MODES)[number];

export interface ModelConfig {
  /** Frame-embedding size of the library (default embedder: 1792). */
  visualDim: number;
  vocabSize: number;
  dModel: number;
  layers: number;
  heads: number;
  /** MLP hidden size = mlpRatio × dModel. */
  mlpRatio: number;
  /** Longest sequence (visual + text tokens) the model accepts. Rotary positions extrapolate past training lengths. */
  maxContext: number;
  /**
   * Visual tokens per clip (default 1): a clip's embedding is that many equal parts (e.g. the
   * whole frame and its four quadrants, `demo --features regions`), each projected by the same
   * projector and told apart by a learned region embedding. Absent in checkpoints made before it.
   */
  visualTokens?: number;
  /**
   * Where the question sits (src/core/train/layout.ts): after the clips (`clips-first`, DESIGN.md
   * §7, the default) or before them as well (`question-twice`), so the clip tokens can attend to
   * the question they are read for. Absent in checkpoints made before it: clips-first.
   */
  layout?: SequenceLayout;
}

export const SEQUENCE_LAYOUTS = ['clips-first', 'question-twice'] as const;
export type SequenceLayout = (typeof SEQUENCE_LAYOUTS)[number];

/** The sequence layout of a model (clips-first unless it says otherwise). */
export function layoutOf(m: Pick<ModelConfig, 'layout'>): SequenceLayout {
  return m.layout ?? 'clips-first';
}

/** Visual tokens per clip of a model (1 unless it says otherwise). */
export function visualTokensOf(m: Pick<ModelConfig, 'visualTokens'>): number {
  return m.visualTokens ?? 1;
}

/**
 * Why clips of this size and token count cannot feed the model (its own embedder's clips can), or
 * null: a clip vector of another size or split into another number of tokens would be misread.
 */
export function clipMismatch(m: Pick<ModelConfig, 'visualDim' | 'visualTokens'>, clips: { dim: number; tokens?: number }): string | null {
  const want = visualTokensOf(m);
  const have = clips.tokens ?? 1;
  if (clips.dim !== m.visualDim) return `The model takes ${m.visualDim}-d clip embeddings; the data has ${clips.dim}-d.`;
  if (have !== want) return `The model reads each clip as ${want} visual token(s); the data's clips have ${have}.`;
  return null;
}

export interface TrainConfig {
  stage: TrainStage;
  refMode: RefMode;
  /** Cache reference log-probs (computed once per sample) instead of running the reference every step. */
  cacheRef: boolean;
  lossType: DpoLossType;
  beta: number;
  labelSmoothing: number;
  /** Weight of the SFT term in DPO stages (paper α = 1). */
  alpha: number;
  lr: number;
  warmupRatio: number;
  weightDecay: number;
  /** Global gradient-norm clip (0: off). */
  maxGradNorm: number;
  /** Pairs (DPO) or samples (SFT) per micro-batch. */
  batchSize: number;
  gradAccum: number;
  epochs: number;
  /** Optimizer steps; 0 = as many as `epochs` take. */
  maxSteps: number;
  seed: number;
  /** Checkpoint every N optimizer steps (and at the end). */
  checkpointEvery: number;
  /**
   * Stage 2: Stage 1 pairs mixed into the data, as a share of the Stage 2 pairs (1: as many; at most
   * all of them), drawn by `seed` (src/core/train/replay.ts). Absent or 0: Stage 2 triples only, the paper.
   */
  replay?: number;
  /**
   * Stage 1: every composite cut to its anchor and `compositeClips − 1` of its distractors, drawn by
   * `seed` (src/core/synthesis/shorten.ts), for a curriculum of composite lengths (docs/training.md,
   * "Curriculum"). Absent or 0: the composites as synthesized, the paper.
   */
  compositeClips?: number;
  /**
   * Stage 1 with `compositeClips` K ≥ 2: keep every slot of the composite, the K − 1 distractors
   * repeated over the slots the anchor does not take, the anchor in any slot (the `spread` recipe's
   * steps). Absent or false: the composite is cut to K slots.
   */
  keepSlots?: boolean;
  /**
   * Stage 1: this share of the Stage 1 pairs (0–1, drawn by `seed`) is trained again with the
   * anchor alone as the context (src/core/train/replay.ts, `withSingleClips`). Absent or 0: the
   * composites only, the paper.
   */
  singleClip?: number;
  /**
   * Stage 2: every Stage 2 pair with only its cited scenes as the policy's context (the context the
   * anchor-only reference already sees), for a supervised step before Stage 2 DPO on whole videos
   * (src/core/train/replay.ts, `withCitedScenesOnly`; docs/training.md, "Cited scenes only").
   * Stage 1 replay pairs are kept as they are. Absent or false: whole videos, the paper.
   */
  citedOnly?: boolean;
  /** Browser DPO stages: train on every stored triple, or only those accepted or edited in Review (edits applied either way). */
  dataSelection?: 'all' | 'accepted';
}

export const DEFAULT_MODEL: Omit<ModelConfig, 'visualDim' | 'vocabSize'> = { dModel: 64, layers: 2, heads: 4, mlpRatio: 4, maxContext: 512 };

/** Defaults per stage, sized for the demo world on 2 CPU cores (docs/training.md). */
export function defaultTrainConfig(stage: TrainStage): TrainConfig {
  const common = { refMode: 'anchor', cacheRef: true, lossType: 'sigmoid', labelSmoothing: 0, warmupRatio: 0.1, weightDecay: 0.01, maxGradNorm: 1, gradAccum: 1, maxSteps: 0, seed: 1, checkpointEvery: 50 } as const;
  if (stage === 'sft') return { ...common, stage, beta: 0.1, alpha: 0, lr: 2e-3, batchSize: 16, epochs: 20 };
  return { ...common, stage, beta: 0.1, alpha: 1, lr: 2e-4, batchSize: 8, epochs: 2, ...(stage === 'stage2' && { replay: 0 }) };
}

function check(ok: boolean, field: string, what: string, fix: string): void {
  if (!ok) throw new UserFacingError(`Training setting ${field} ${what}.`, fix);
}

const positiveInt = (x: number): boolean => Number.isInteger(x) && x > 0;

export function validateTrainConfig(c: TrainConfig): TrainConfig {
  check((TRAIN_STAGES as readonly string[]).includes(c.stage), 'stage', `is ${String(c.stage)}`, `Use one of ${TRAIN_STAGES.join(', ')}.`);
  check((REF_MODES as readonly string[]).includes(c.refMode), 'reference', `is ${String(c.refMode)}`, 'Use anchor or full.');
  check((LOSS_TYPES as readonly string[]).includes(c.lossType), 'loss', `is ${String(c.lossType)}`, `Use one of ${LOSS_TYPES.join(', ')}.`);
  check(Number.isFinite(c.beta) && c.beta > 0, 'beta', `is ${c.beta}`, 'Use a positive number (paper: 0.01; TRL default 0.1).');
  check(c.labelSmoothing >= 0 && c.labelSmoothing < 0.5, 'label smoothing', `is ${c.labelSmoothing}`, 'Use a number in [0, 0.5).');
  check(Number.isFinite(c.alpha) && c.alpha >= 0, 'alpha', `is ${c.alpha}`, 'Use 0 (off) or a positive weight (paper: 1).');
  check(Number.isFinite(c.lr) && c.lr > 0 && c.lr < 1, 'learning rate', `is ${c.lr}`, 'Use a positive number below 1, e.g. 1e-3.');
  check(c.warmupRatio >= 0 && c.warmupRatio < 1, 'warm-up ratio', `is ${c.warmupRatio}`, 'Use a fraction in [0, 1).');
  check(c.weightDecay >= 0, 'weight decay', `is ${c.weightDecay}`, 'Use 0 or a positive number.');
  check(c.maxGradNorm >= 0, 'gradient clip', `is ${c.maxGradNorm}`, 'Use 0 (off) or a positive norm.');
  check(positiveInt(c.batchSize), 'batch size', `is ${c.batchSize}`, 'Use a whole number ≥ 1.');
  check(positiveInt(c.gradAccum), 'gradient accumulation', `is ${c.gradAccum}`, 'Use a whole number ≥ 1.');
  check(c.epochs > 0, 'epochs', `is ${c.epochs}`, 'Use a positive number.');
  check(Number.isInteger(c.maxSteps) && c.maxSteps >= 0, 'steps', `is ${c.maxSteps}`, 'Use 0 (all epochs) or a whole number of steps.');
  check(Number.isInteger(c.seed) && c.seed >= 0, 'seed', `is ${c.seed}`, 'Use a whole number ≥ 0.');
  check(positiveInt(c.checkpointEvery), 'checkpoint interval', `is ${c.checkpointEvery}`, 'Use a whole number of steps ≥ 1.');
  check(c.replay === undefined || (Number.isFinite(c.replay) && c.replay >= 0 && c.replay <= 100), 'Stage 1 replay', `is ${String(c.replay)}`, 'Use 0 (off) or a share of the Stage 2 pairs, e.g. 1 for as many Stage 1 pairs.');
  check(!(c.replay !== undefined && c.replay > 0 && c.stage !== 'stage2'), 'Stage 1 replay', `is for Stage 2, not ${c.stage}`, 'Set it to 0, or train Stage 2.');
  check(c.compositeClips === undefined || (Number.isInteger(c.compositeClips) && c.compositeClips >= 0 && c.compositeClips <= 512), 'clips per composite', `is ${String(c.compositeClips)}`, 'Use 0 (the composites as synthesized) or a whole number of clips, e.g. 2.');
  check(!(c.compositeClips !== undefined && c.compositeClips > 0 && c.stage !== 'stage1'), 'clips per composite', `is for Stage 1, not ${c.stage}`, 'Set it to 0, or train Stage 1.');
  check(!(c.keepSlots === true && !((c.compositeClips ?? 0) >= 2)), 'keep every slot', `needs 2 or more clips per composite (got ${String(c.compositeClips ?? 0)})`, 'Set clips per composite to 2 or more, or turn keeping every slot off.');
  check(c.singleClip === undefined || (Number.isFinite(c.singleClip) && c.singleClip >= 0 && c.singleClip <= 1), 'single-clip pairs', `is ${String(c.singleClip)}`, 'Use a share from 0 (off) to 1 (every Stage 1 pair once more with its anchor alone).');
  check(!(c.singleClip !== undefined && c.singleClip > 0 && c.stage !== 'stage1'), 'single-clip pairs', `is for Stage 1, not ${c.stage}`, 'Set it to 0, or train Stage 1.');
  check(!(c.citedOnly === true && c.stage !== 'stage2'), 'cited scenes only', `is for Stage 2, not ${c.stage}`, 'Turn it off, or train Stage 2.');
  check(c.dataSelection === undefined || c.dataSelection === 'all' || c.dataSelection === 'accepted', 'data selection', `is ${String(c.dataSelection)}`, 'Use all or accepted.');
  return c;
}

export function validateModelConfig(m: ModelConfig): ModelConfig {
  check(positiveInt(m.dModel) && m.dModel % 2 === 0, 'width', `is ${m.dModel}`, 'Use an even whole number, e.g. 64.');
  check(positiveInt(m.heads) && m.dModel % m.heads === 0 && (m.dModel / m.heads) % 2 === 0, 'heads', `is ${m.heads}`, 'Use a number that divides the width into even head sizes, e.g. 4 for width 64.');
  check(positiveInt(m.layers), 'depth', `is ${m.layers}`, 'Use a whole number ≥ 1.');
  check(positiveInt(m.mlpRatio), 'MLP ratio', `is ${m.mlpRatio}`, 'Use a whole number ≥ 1, e.g. 4.');
  check(positiveInt(m.maxContext) && m.maxContext >= 16, 'context', `is ${m.maxContext}`, 'Use at least 16 tokens.');
  check(positiveInt(m.visualDim), 'visual size', `is ${m.visualDim}`, 'The clips need embeddings: import videos first.');
  const r = visualTokensOf(m);
  check(positiveInt(r) && m.visualDim % r === 0, 'visual tokens per clip', `is ${r} for ${m.visualDim}-d clip embeddings`, 'Use a whole number that divides the embedding size (the clips file says how many: its "tokens" field).');
  check((SEQUENCE_LAYOUTS as readonly string[]).includes(layoutOf(m)), 'layout', `is ${String(m.layout)}`, `Use one of ${SEQUENCE_LAYOUTS.join(', ')}.`);
  check(positiveInt(m.vocabSize) && m.vocabSize > 5, 'vocabulary', `has ${m.vocabSize} tokens`, 'The data has no text: check the triples or SFT samples.');
  return m;
}

/** Trainable parameters of the policy (docs/training.md lists the tensors). */
export function parameterCount(m: ModelConfig): number {
  const d = m.dModel;
  const h = m.mlpRatio * d;
  const r = visualTokensOf(m);
  const projector = (m.visualDim / r) * d + d + d * d + d + (r > 1 ? r * d : 0);
  const perLayer = 2 * d /* norms */ + 3 * d * d + d * d + d * h + h + h * d + d;
  return projector + m.vocabSize * d + m.layers * perLayer + d /* final norm */ + d * m.vocabSize;
}

/** Forward FLOPs per token at context length T (2 per multiply-add; attention counted at T). */
export function flopsPerToken(m: ModelConfig, t: number): number {
  const d = m.dModel;
  const h = m.mlpRatio * d;
  const dense = 2 * (4 * d * d + 2 * d * h) * m.layers + 2 * d * m.vocabSize;
  const attention = 2 * 2 * t * d * m.layers;
  return dense + attention;
}
