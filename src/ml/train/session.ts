// A training run from start to its last step (issue #12), the same in the compute worker and the
// CLI: they differ only in their RunStore (IndexedDB or a run folder). The session creates the
// trainer from a fresh init or a checkpoint, computes the reference log-probs once (cached by
// reference checkpoint and mode), steps, checkpoints every N steps and at the end, and on
// cancel or a diverged loss keeps the last good state.
//
// Must: metrics are stored before the checkpoint that covers them, and a resume drops stored
// metrics past its checkpoint's step, so the metric history always matches the weights.
import { checkpointId, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointMeta } from '../../core/train/checkpointMeta';
import { clipMismatch, DEFAULT_MODEL, validateModelConfig, validateTrainConfig, type ModelConfig, type TrainConfig } from '../../core/train/config';
import { sampleTexts, type PreferenceSample, type SftSample } from '../../core/train/samples';
import { WordTokenizer } from '../../core/train/tokenizer';
import type { SftQuestionForm } from '../../core/train/sftSynthesis';
import { UserFacingError } from '../../core/errors';
import { fnv1a } from '../../core/world/random';
import type { ClipSource } from '../policy/inputs';
import { initialParams } from '../policy/params';
import { encodeCheckpoint, type CheckpointContents } from '../../core/train/checkpointFile';
import { PolicyTrainer, TrainingDivergedError, type RefLogps, type StepMetrics } from './trainer';


/** The DPO pairs a run trains on, in order, as one hash (checkpoint `data.pairs`). */
export function pairsFingerprint(pairs: readonly PreferenceSample[]): string {
  return fnv1a(pairs.map((p) => p.id).join('\n')).toString(16).padStart(8, '0');
}

/**
 * The SFT samples a run trains on, in order, as one hash (checkpoint `data.sft`): ids, clips,
 * questions and answers, since a generator asked again (an endpoint) may give the same ids other
 * questions.
 */
export function sftFingerprint(samples: readonly SftSample[]): string {
  return fnv1a(samples.map((s) => [s.id, s.clips.join(','), s.question, s.answer].join('\u241f')).join('\n')).toString(16).padStart(8, '0');
}

const FNV_PRIME = 0x01000193;
const fnvText = (h: number, t: string): number => {
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), FNV_PRIME);
  return h;
};

const fingerprintOfKeys = (keys: readonly string[]): string => (fnvText(0x811c9dc5, keys.join('\n')) >>> 0).toString(16).padStart(8, '0');

/**
 * Each pair's content as a key, `${id}#${hash}`: FNV-1a of its clips, reference clips, question
 * and answers and of the bits of every clip vector it reads. The reference log-prob cache is
 * keyed by it, so a pair whose text or clips changed under the same id (a video cut again keeps
 * its scenes' ids; a Review edit keeps the triple's) is scored again instead of read stale.
 */
export function pairContentKeys(pairs: readonly PreferenceSample[], clips: ClipSource): string[] {
  const vectorHash = new Map<string, number>();
  const ofClip = (id: string): number => {
    let h = vectorHash.get(id);
    if (h === undefined) {
      h = 0x811c9dc5;
      const v = clips.vector(id);
      if (v) {
        const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
        for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ (bits[i] as number), FNV_PRIME);
      }
      h >>>= 0;
      vectorHash.set(id, h);
    }
    return h;
  };
  return pairs.map((p) => {
    let h = fnvText(0x811c9dc5, [p.clips.join(','), p.anchorClips.join(','), p.question, p.chosen, p.rejected].join('\u241f'));
    for (const id of p.clips.concat(p.anchorClips)) h = Math.imul(h ^ ofClip(id), FNV_PRIME);
    return `${p.id}#${(h >>> 0).toString(16).padStart(8, '0')}`;
  });
}

/**
 * The DPO pairs a run trains on and the clip vectors they read, as one hash (checkpoint
 * `data.content`): every `pairContentKeys` key in training order, so a kept run is known to have
 * trained on exactly this data. The ids alone (`pairsFingerprint`) miss a video cut again (its
 * scenes keep their ids and get other spans and vectors) and an edit in Review (same id, other text).
 */
export function pairsContentFingerprint(pairs: readonly PreferenceSample[], clips: ClipSource): string {
  return fingerprintOfKeys(pairContentKeys(pairs, clips));
}

/**
 * How a DPO run's data differs from what its checkpoint recorded (`meta.data`), checked in this
 * order: the count, the pairs' ids (when recorded), their content and clip vectors (when
 * recorded; hashed only if the ids match); null when the same. Shared by a resume, which refuses,
 * and Reproduce (`train.dataCurrent`), which trains the run again.
 */
export function pairsMismatch(recorded: CheckpointMeta['data'], pairs: readonly PreferenceSample[], clips: ClipSource): 'count' | 'ids' | 'content' | null {
  if (pairs.length !== recorded.samples) return 'count';
  if (recorded.pairs !== undefined && recorded.pairs !== pairsFingerprint(pairs)) return 'ids';
  if (recorded.content !== undefined && recorded.content !== pairsContentFingerprint(pairs, clips)) return 'content';
  return null;
}

export interface TrainData {
  clips: ClipSource;
  sft: readonly SftSample[];
  pairs: readonly PreferenceSample[];
  /** Where the data came from (a folder, "library"), recorded in checkpoints. */
  source: string;
  /** Id of the embedder of the clips (the library's; a folder's clips.jsonl does not say), recorded in checkpoints. */
  embedder?: string;
  /** SFT: the wording the questions were asked in, when the studio asked them; recorded in checkpoints. */
  sftQuestions?: SftQuestionForm;
}

/** Where a run keeps its checkpoints, metrics and reference cache. */
export interface RunStore {
  /** Stores the checkpoint so that it is either whole and current, or absent (the previous one stays current). */
  saveCheckpoint(bytes: Uint8Array, meta: CheckpointMeta, metricsSinceLast: readonly StepMetrics[]): Promise<void>;
  loadRefLogps(key: string): Promise<Map<string, RefLogps> | undefined>;
  saveRefLogps(key: string, logps: Map<string, RefLogps>): Promise<void>;
}

export type SessionPhase = { kind: 'reference'; done: number; total: number } | { kind: 'step'; metrics: StepMetrics; totalSteps: number } | { kind: 'checkpoint'; step: number };

export interface SessionEnd {
  status: 'done' | 'paused' | 'failed';
  step: number;
  totalSteps: number;
  lastCheckpoint: string | null;
  error?: TrainingDivergedError;
}

/**
 * The reference log-prob cache of a reference checkpoint and context. The full-context reference
 * scores the composite, so composites cut to K clips (`compositeClips`) have their own; the
 * anchor-only reference does not see the composite and shares one.
 */
export const refCacheKey = (referenceId: string, mode: string, compositeClips = 0): string => `${referenceId}|${mode}${mode === 'full' && compositeClips > 0 ? `|k${compositeClips}` : ''}`;

/** A checkpoint reads clip vectors of its own size and token count; other data would be misread. */
function checkClips(model: ModelConfig, clips: ClipSource, fix: string): void {
  const why = clipMismatch(model, clips);
  if (why) throw new UserFacingError(why, fix);
}

export class TrainSession {
  private lastSaved: number;
  private pending: StepMetrics[] = [];
  private lastMetrics: StepMetrics | null = null;
  private keys: string[] | undefined;

  private constructor(
    readonly runId: string,
    readonly trainer: PolicyTrainer,
    readonly tokenizer: WordTokenizer,
    private readonly referenceId: string | null,
    private readonly initId: string | null,
    private readonly reference: CheckpointContents['reference'],
    private readonly data: TrainData,
  ) {
    this.lastSaved = trainer.step;
  }

  /** `pairContentKeys` of the run's pairs, once per session (they read every clip vector): the reference cache's keys and the checkpoint's `data.content`. */
  private contentKeys(): string[] {
    this.keys ??= pairContentKeys(this.data.pairs, this.data.clips);
    return this.keys;
  }

  get model(): ModelConfig {
    return this.trainer.model;
  }

  /**
   * A new run: SFT from a fresh init (tokenizer from the data's texts), or a DPO stage from a
   * checkpoint (its weights are both the policy's start and the frozen reference).
   */
  static start(o: { runId: string; config: TrainConfig; data: TrainData; init?: { id: string; contents: CheckpointContents }; model?: Partial<Omit<ModelConfig, 'visualDim' | 'vocabSize'>> }): TrainSession {
    const config = validateTrainConfig(o.config);
    if (config.stage === 'sft') {
      if (o.init) throw new UserFacingError('SFT starts from a fresh model.', 'Leave the initial checkpoint empty for SFT, or choose Stage 1/2.');
      const tokenizer = WordTokenizer.build(sampleTexts(o.data.sft), { then: sampleTexts(o.data.pairs) });
      const tokens = o.data.clips.tokens ?? 1;
      const model = validateModelConfig({ ...DEFAULT_MODEL, ...o.model, visualDim: o.data.clips.dim, vocabSize: tokenizer.size, ...(tokens > 1 && { visualTokens: tokens }) });
      const trainer = new PolicyTrainer({ config, model, tokenizer, clips: o.data.clips, sft: o.data.sft, params: initialParams(model, config.seed) });
      return new TrainSession(o.runId, trainer, tokenizer, null, null, null, o.data);
    }
    if (!o.init) throw new UserFacingError(`${config.stage === 'stage1' ? 'Stage 1' : 'Stage 2'} DPO needs an initial checkpoint.`, config.stage === 'stage1' ? 'Train SFT first and start Stage 1 from its checkpoint.' : 'Start Stage 2 from a Stage 1 checkpoint.');
    const { meta, weights } = o.init.contents;
    checkClips(meta.model, o.data.clips, 'Train on clips made with the embedder (and `demo --features`) the checkpoint was trained with.');
    const tokenizer = WordTokenizer.fromJson(meta.tokenizer);
    const trainer = new PolicyTrainer({ config, model: meta.model, tokenizer, clips: o.data.clips, pairs: o.data.pairs, params: weights, reference: weights });
    return new TrainSession(o.runId, trainer, tokenizer, o.init.id, o.init.id, weights, o.data);
  }

  /** Continues the run a checkpoint belongs to, exactly where it stopped. `maxSteps` may change its length. */
  static resume(contents: CheckpointContents, data: TrainData, overrides: { maxSteps?: number } = {}): TrainSession {
    const { meta } = contents;
    const config = validateTrainConfig({ ...meta.config, ...(overrides.maxSteps !== undefined && { maxSteps: overrides.maxSteps }) });
    const tokenizer = WordTokenizer.fromJson(meta.tokenizer);
    checkClips(meta.model, data.clips, 'Resume on the data the run was started with.');
    if (config.stage !== 'sft' && !contents.reference) throw new UserFacingError('The checkpoint has no reference weights.', 'Choose a checkpoint written by this version of the studio.');
    const trainer = new PolicyTrainer({
      config,
      model: meta.model,
      tokenizer,
      clips: data.clips,
      sft: data.sft,
      pairs: data.pairs,
      params: contents.weights,
      ...(contents.reference && { reference: contents.reference }),
      optimizer: contents.optimizer,
      step: meta.step,
    });
    if (trainer.samples !== meta.data.samples) {
      trainer.dispose();
      throw new UserFacingError(`The run trained on ${meta.data.samples} samples; this data has ${trainer.samples}.`, 'Resume with the data the run started with (the same folder or library triples).');
    }
    const mismatch = config.stage !== 'sft' ? pairsMismatch(meta.data, data.pairs, data.clips) : null;
    // Same count, other pairs (triples added or reviewed since, a different Stage 1 replay draw).
    if (mismatch === 'ids') {
      trainer.dispose();
      throw new UserFacingError(`The run trained on other triples than this data has (the same count, ${meta.data.samples}, but not the same triples).`, 'Resume with the triples the run started with (the same folder, or the library before triples were added, removed or reviewed), or start a new run.');
    }
    // Same pairs, other content (a video cut again: its scenes keep their ids; a Review edit).
    if (mismatch === 'content') {
      trainer.dispose();
      throw new UserFacingError(`The run trained on other triples or clips than this data has (the same ${meta.data.samples} triples by id, but other questions, answers, scenes or clip vectors).`, 'Resume with the data the run started with (the same folder, or the library before a video was cut again or a triple edited in Review), or start a new run.');
    }
    // Same count, other questions (an endpoint asked again, another SFT wording, a changed sft.jsonl).
    if (config.stage === 'sft' && meta.data.sft !== undefined && meta.data.sft !== sftFingerprint(data.sft)) {
      trainer.dispose();
      throw new UserFacingError(`The run trained on other SFT questions than this data has (the same count, ${meta.data.samples}, but not the same questions or answers).`, 'Resume with the SFT questions the run started with (the same folder, or the questions the studio stored with the run), or start a new run.');
    }
    return new TrainSession(meta.runId, trainer, tokenizer, meta.referenceId, meta.initId, contents.reference, data);
  }

  private async contents(): Promise<CheckpointContents> {
    const t = this.trainer;
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      runId: this.runId,
      step: t.step,
      totalSteps: t.totalSteps,
      config: t.config,
      model: t.model,
      tokenizer: this.tokenizer.toJson(),
      optimizerT: 0,
      referenceId: this.referenceId,
      initId: this.initId,
      data: { samples: t.samples, source: this.data.source, ...(this.data.embedder !== undefined && { embedder: this.data.embedder }), ...(t.config.stage !== 'sft' ? { pairs: pairsFingerprint(this.data.pairs), content: fingerprintOfKeys(this.contentKeys()) } : { sft: sftFingerprint(this.data.sft), ...(this.data.sftQuestions !== undefined && { sftQuestions: this.data.sftQuestions }) }) },
      createdAt: new Date().toISOString(),
      lastMetrics: this.lastMetrics,
    };
    return { meta, weights: await t.weights(), optimizer: await t.optimizerState(), reference: this.reference };
  }

  /** Writes a checkpoint of the current step (with the metrics since the last one). */
  async checkpoint(store: RunStore): Promise<string> {
    const c = await this.contents();
    await store.saveCheckpoint(encodeCheckpoint(c), c.meta, this.pending);
    this.pending = [];
    this.lastSaved = this.trainer.step;
    return checkpointId(c.meta);
  }

  /**
   * Trains until the last step, a cancel (`signal`), or `pauseAfter` steps in this call. A cancel
   * or pause writes a checkpoint of the current step first; a diverged loss keeps the last good
   * step (saved) and returns status `failed` with the error.
   */
  async run(store: RunStore, o: { signal?: AbortSignal; pauseAfter?: number; onPhase?: (p: SessionPhase) => void } = {}): Promise<SessionEnd> {
    const t = this.trainer;
    let last: string | null = null;
    if (this.referenceId !== null && t.config.cacheRef) {
      const key = refCacheKey(this.referenceId, t.config.refMode, t.config.compositeClips);
      // Entries are keyed by each pair's content key, not its id: a pair changed under its id is scored again.
      const pairs = this.data.pairs;
      const keys = this.contentKeys();
      const cached = await store.loadRefLogps(key);
      if (cached)
        pairs.forEach((p, i) => {
          const v = cached.get(keys[i] as string);
          if (v) t.refLogps.set(p.id, v);
        });
      if (t.missingReference() > 0) {
        await t.prepareReference({ ...(o.signal && { signal: o.signal }), onProgress: (done, total) => o.onPhase?.({ kind: 'reference', done, total }) });
        const byContent = new Map(cached);
        pairs.forEach((p, i) => {
          const v = t.refLogps.get(p.id);
          if (v) byContent.set(keys[i] as string, v);
        });
        await store.saveRefLogps(key, byContent);
      }
    }
    const end = async (status: SessionEnd['status'], error?: TrainingDivergedError): Promise<SessionEnd> => {
      if (t.step > this.lastSaved || (last === null && status !== 'failed')) last = await this.checkpoint(store);
      o.onPhase?.({ kind: 'checkpoint', step: t.step });
      return { status, step: t.step, totalSteps: t.totalSteps, lastCheckpoint: last, ...(error && { error }) };
    };
    let taken = 0;
    while (!t.done) {
      if (o.signal?.aborted || (o.pauseAfter !== undefined && taken >= o.pauseAfter)) return end('paused');
      let metrics: StepMetrics;
      try {
        metrics = await t.trainStep(o.signal);
      } catch (e) {
        if (e instanceof TrainingDivergedError) return end('failed', e);
        if (e instanceof Error && e.name === 'AbortError') return end('paused');
        throw e;
      }
      taken++;
      this.pending.push(metrics);
      this.lastMetrics = metrics;
      o.onPhase?.({ kind: 'step', metrics, totalSteps: t.totalSteps });
      if (t.step % t.config.checkpointEvery === 0 && !t.done) {
        last = await this.checkpoint(store);
        o.onPhase?.({ kind: 'checkpoint', step: t.step });
      }
    }
    return end('done');
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
