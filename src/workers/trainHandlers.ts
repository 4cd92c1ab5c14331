// Training in the compute worker (issue #12): the library's data (clips with embeddings, triples
// by stage, single-clip SFT questions from the active generator) and the IndexedDB RunStore
// around the same TrainSession the CLI runs. Each step's metrics go out as progress `data`.
//
// Must: pause (abort) checkpoints the current step before the call ends; a diverged loss keeps
// the last good step and marks the run failed with the reason; a run survives a reload (resume).
import { UserFacingError } from '../core/errors';
import { checkpointId } from '../core/train/checkpointMeta';
import { clipMismatch, flopsPerToken, parameterCount, type ModelConfig, type TrainConfig, type TrainStage } from '../core/train/config';
import { tokensOfEmbedderId } from '../core/pipeline';
import { preferenceSample, type SftSample } from '../core/train/samples';
import { dpoPairs } from '../core/train/replay';
import { shortenTriples } from '../core/synthesis/shorten';
import { SFT_CLIP_SEED, SFT_SHARE, sftReservedClips, synthesizeSft, type SftQuestionForm } from '../core/train/sftSynthesis';
import { decodeCheckpoint } from '../core/train/checkpointFile';
import { pairsMismatch, TrainSession, type RunStore, type SessionEnd, type TrainData } from '../ml/train/session';
import type { StudioDatabase } from '../storage/db';
import { studioDb } from '../storage/db';
import type { RunRecord } from '../storage/schema';
import { listTriples } from '../storage/triplesRepo';
import { getReviews } from '../storage/reviewsRepo';
import { reviewedForExport } from '../core/review/decisions';
import { createRun, getRefLogps, getRun, getRunSftSamples, putRefLogps, putRun, readCheckpoint, readCurrentCheckpoint, saveCheckpoint, sweepOrphanChunks, truncateRunMetrics } from '../storage/trainingRepo';
import { buildActiveGenerator } from './generatorFactory';
import type { HandlerContext, Handlers } from './rpc';
import { loadSynthClips } from './synthHandlers';

export interface TrainStartRequest {
  /** Id of the new run (the caller chooses it, so it can follow the run at once). */
  runId: string;
  stage: TrainStage;
  config: TrainConfig;
  /** Checkpoint id the policy starts from (and the frozen reference); required for DPO stages. */
  initCheckpointId?: string;
  model?: Partial<Omit<ModelConfig, 'visualDim' | 'vocabSize'>>;
  /** Id of the pipeline's embedder: its clips are trained on when stored (else the most common embedder's). */
  embedder?: string;
  /** SFT: the wording of the single-clip questions (default anchored; docs/training.md, "SFT questions"). */
  sftQuestions?: SftQuestionForm;
  /** Stop (with a checkpoint) after this many steps of this call. */
  pauseAfter?: number;
}

export interface TrainRunResult {
  runId: string;
  status: SessionEnd['status'];
  step: number;
  totalSteps: number;
  checkpointId: string | null;
  error?: { message: string; hint: string };
}

export type TrainProtocol = {
  'train.start': { req: TrainStartRequest; res: TrainRunResult };
  'train.resume': { req: { runId: string; maxSteps?: number; pauseAfter?: number }; res: TrainRunResult };
  'train.dataCurrent': { req: { runId: string }; res: DataCurrent };
};

/**
 * Whether a DPO run's latest checkpoint trained on the data the library would give it now (its
 * stage, review selection, composite length and replay; `pairsMismatch`): `changed` says what
 * differs, for users, or is null. SFT runs train on their stored questions, and a run without a
 * checkpoint has nothing to compare: both are current.
 */
export interface DataCurrent {
  changed: string | null;
}

/**
 * The embedder whose clips to train on: of those with stored clips that fit `model` (the initial
 * or resumed checkpoint's clip size and tokens), `wanted` (the pipeline's) when it has clips,
 * else the one with the most. With none fitting, the most common one, whose mismatch the session
 * then reports.
 */
async function clipModel(db: StudioDatabase, wanted?: string, model?: ModelConfig): Promise<string | null> {
  const byModel = new Map<string, { n: number; dim: number }>();
  for (const c of await db.getAll('clips')) {
    const m = byModel.get(c.modelId) ?? { n: 0, dim: c.embedding.length };
    byModel.set(c.modelId, { ...m, n: m.n + 1 });
  }
  const ranked = [...byModel.entries()].sort((a, b) => b[1].n - a[1].n);
  const fitting = ranked.filter(([id, m]) => !model || clipMismatch(model, { dim: m.dim, tokens: tokensOfEmbedderId(id) }) === null);
  if (wanted !== undefined && fitting.some(([id]) => id === wanted)) return wanted;
  return (fitting[0] ?? ranked[0])?.[0] ?? null;
}

/**
 * Library data for a run's config (its stage, review selection, Stage 1 composite length and Stage 2's
 * Stage 1 replay). SFT questions
 * are asked of the clips kept for SFT (never Stage 1 anchors).
 */
/** SFT questions: the ones stored with the run (a resume), or asked of the active generator in `form`. */
type SftSource = { kind: 'stored'; samples: readonly SftSample[]; form: SftQuestionForm } | { kind: 'ask'; form: SftQuestionForm };

async function libraryData(db: StudioDatabase, config: Pick<TrainConfig, 'stage' | 'dataSelection' | 'replay' | 'seed' | 'compositeClips' | 'keepSlots' | 'singleClip' | 'citedOnly'>, signal: AbortSignal, clipsOf: { embedder?: string; model?: ModelConfig } = {}, sftSource: SftSource = { kind: 'ask', form: 'anchored' }): Promise<TrainData & { sftGenerator?: string }> {
  const { stage, dataSelection: selection = 'all' } = config;
  const modelId = await clipModel(db, clipsOf.embedder, clipsOf.model);
  if (modelId === null) throw new UserFacingError('The library has no clips to train on.', 'Import videos or run the demo in the Library first.');
  const vectors = new Map((await db.getAll('clips')).filter((c) => c.modelId === modelId).map((c) => [c.id, c.embedding]));
  const dim = vectors.values().next().value?.length ?? 0;
  // Review decides what trains (issue #11): edits are applied; 'accepted' keeps accepted and edited triples only.
  const reviewed = reviewedForExport(await listTriples(db), await getReviews(db), selection);
  // A curriculum step (Stage 1): every composite cut to its anchor and K − 1 distractors, by the run's seed.
  const triples = shortenTriples(reviewed, config.compositeClips ?? 0, config.seed, config.keepSlots);
  const wanted = stage === 'stage2' ? 2 : 1;
  const embedded = (ts: typeof triples) => ts.map(preferenceSample).filter((p) => p.clips.every((c) => vectors.has(c)));
  let pairs = embedded(triples.filter((t) => stage === 'sft' || t.stage === wanted));
  let sft: SftSample[] = [];
  let sftGenerator: string | undefined;
  if (stage === 'sft') {
    if (sftSource.kind === 'stored') sft = [...sftSource.samples];
    else {
      const { clips } = await loadSynthClips(db, modelId);
      const reserved = sftReservedClips(clips, SFT_CLIP_SEED, SFT_SHARE);
      const anchors = new Set(triples.flatMap((t) => (t.stage === 1 && t.anchor_index !== undefined ? [t.video[t.anchor_index] as string] : [])));
      const generator = await buildActiveGenerator(db);
      const { lines } = await synthesizeSft(clips.filter((c) => reserved.has(c.id)), generator, { exclude: anchors, questionsPerClip: 6, questionForm: sftSource.form, signal });
      sft = lines.map((l) => ({ id: l.id, clips: [l.clip], question: l.question, answer: l.answer }));
      sftGenerator = generator.label;
      if (sft.length === 0) throw new UserFacingError(`The ${generator.label} generator gave no single-clip questions for the ${reserved.size} clips kept for SFT.`, 'Run the demo (its oracle answers every clip), or import annotations with questions for your clips (Settings → Generators).');
    }
  } else if (pairs.length === 0) {
    if (selection === 'accepted') throw new UserFacingError(`No Stage ${wanted} triple is accepted or edited in Review.`, 'Review some triples first, or train on all triples.');
    throw new UserFacingError(`There are no Stage ${wanted} triples to train on.`, wanted === 1 ? 'Synthesize Stage 1 triples first (Synthesize → Stage 1).' : 'Synthesize Stage 2 triples first (Synthesize → Stage 2).');
  }
  // Stage 1 single-clip copies; Stage 2 cut to its cited scenes, then Stage 1 replay drawn from the
  // same selection (accepted only, when Review decides): the CLI's order (src/core/train/replay.ts).
  if (stage !== 'sft')
    pairs = dpoPairs(
      pairs,
      () => {
        const stage1 = embedded(triples.filter((t) => t.stage === 1));
        if (stage1.length === 0)
          throw new UserFacingError(
            selection === 'accepted' ? 'Stage 1 replay needs Stage 1 triples, and none is accepted or edited in Review.' : 'Stage 1 replay needs Stage 1 triples, and the library has none with clips of this embedder.',
            selection === 'accepted' ? 'Accept some Stage 1 triples in Review, or train on all triples, or set Stage 1 replay to 0.' : 'Synthesize Stage 1 triples first (Synthesize → Stage 1), or set Stage 1 replay to 0.',
          );
        return stage1;
      },
      config,
    );
  return { clips: { dim, tokens: tokensOfEmbedderId(modelId), vector: (id) => vectors.get(id) }, sft, pairs, source: 'library', embedder: modelId, ...(stage === 'sft' && { sftQuestions: sftSource.form }), ...(sftGenerator !== undefined && { sftGenerator }) };
}

/** The RunStore of a run in IndexedDB. */
function idbStore(db: StudioDatabase, runId: string, status: () => Partial<RunRecord>): RunStore {
  return {
    async saveCheckpoint(bytes, meta, metrics) {
      await saveCheckpoint(db, { id: checkpointId(meta), runId, step: meta.step, createdAt: Date.now() }, bytes, { metrics, run: { step: meta.step, totalSteps: meta.totalSteps, lastMetrics: meta.lastMetrics, ...status() } });
    },
    loadRefLogps: (key) => getRefLogps(db, key),
    saveRefLogps: (key, logps) => putRefLogps(db, key, logps),
  };
}

async function drive(db: StudioDatabase, session: TrainSession, ctx: HandlerContext, pauseAfter: number | undefined): Promise<TrainRunResult> {
  const runId = session.runId;
  let status: RunRecord['status'] = 'running';
  const store = idbStore(db, runId, () => ({ status }));
  const run = await getRun(db, runId);
  if (run) await putRun(db, { ...run, status: 'running', updatedAt: Date.now() });
  let end: SessionEnd;
  try {
    end = await session.run(store, {
      signal: ctx.signal,
      ...(pauseAfter !== undefined && { pauseAfter }),
      onPhase: (p) => {
        if (p.kind === 'reference') ctx.progress({ done: p.done, total: p.total, label: 'reference log-probs' });
        else if (p.kind === 'step') ctx.progress({ done: p.metrics.step, total: p.totalSteps, label: 'training', data: p.metrics });
      },
    });
  } catch (e) {
    const latest = await getRun(db, runId);
    if (latest) await putRun(db, { ...latest, status: e instanceof Error && e.name === 'AbortError' ? 'paused' : 'failed', ...(!(e instanceof Error && e.name === 'AbortError') && { error: e instanceof Error ? e.message : String(e) }), updatedAt: Date.now() });
    throw e;
  } finally {
    session.dispose();
  }
  status = end.status === 'done' ? 'done' : end.status === 'failed' ? 'failed' : 'paused';
  const latest = await getRun(db, runId);
  if (latest) await putRun(db, { ...latest, status, step: end.step, totalSteps: end.totalSteps, ...(end.error && { error: `${end.error.message} ${end.error.hint}` }), updatedAt: Date.now() });
  return { runId, status: end.status, step: end.step, totalSteps: end.totalSteps, checkpointId: end.lastCheckpoint, ...(end.error && { error: { message: end.error.message, hint: end.error.hint } }) };
}

export function createTrainHandlers(): Handlers<TrainProtocol> {
  return {
    async 'train.dataCurrent'(req, ctx) {
      const db = await studioDb();
      const latest = await readCurrentCheckpoint(db, req.runId);
      if (!latest) return { changed: null };
      const { meta } = decodeCheckpoint(latest.bytes);
      if (meta.config.stage === 'sft') return { changed: null };
      let data: TrainData;
      try {
        data = await libraryData(db, meta.config, ctx.signal, { model: meta.model, ...(meta.data.embedder !== undefined && { embedder: meta.data.embedder }) });
      } catch (e) {
        // The library has no data for it any more ("There are no Stage 2 triples to train on."): a clause of the caller's sentence.
        if (e instanceof UserFacingError) return { changed: `the library gives it no data now (${e.message.replace(/\.$/, '')})` };
        throw e;
      }
      const why = {
        count: `it trained on ${meta.data.samples} pairs; the library now gives ${data.pairs.length}`,
        ids: `the library now gives other triples (the same count, ${data.pairs.length})`,
        content: 'its triples or their clips changed since (a video cut again, or a triple edited in Review)',
      };
      const mismatch = pairsMismatch(meta.data, data.pairs, data.clips);
      return { changed: mismatch && why[mismatch] };
    },
    async 'train.start'(req, ctx) {
      const db = await studioDb();
      await sweepOrphanChunks(db);
      ctx.progress({ done: 0, total: 1, label: 'loading data' });
      let init: { id: string; contents: ReturnType<typeof decodeCheckpoint> } | undefined;
      if (req.initCheckpointId !== undefined) {
        const bytes = await readCheckpoint(db, req.initCheckpointId);
        if (!bytes) throw new UserFacingError(`Checkpoint ${req.initCheckpointId} is not in this browser any more.`, 'Choose another initial checkpoint in the Train form.');
        init = { id: req.initCheckpointId, contents: decodeCheckpoint(bytes) };
      }
      const sftQuestions = req.sftQuestions ?? 'anchored';
      const data = await libraryData(db, { ...req.config, stage: req.stage }, ctx.signal, { ...(req.embedder !== undefined && { embedder: req.embedder }), ...(init && { model: init.contents.meta.model }) }, { kind: 'ask', form: sftQuestions });
      const runId = req.runId;
      if (await getRun(db, runId)) throw new UserFacingError(`A run named ${runId} exists already.`, 'Start the run again (a new name is chosen).');
      const session = TrainSession.start({ runId, config: { ...req.config, stage: req.stage }, data, ...(init && { init }), ...(req.model && { model: req.model }) });
      const m = session.model;
      // The questions asked now are the run's, stored with its record in one transaction: its
      // resume trains on them, not on new answers.
      const sftSamples = req.stage === 'sft' ? { runId, questionForm: sftQuestions, generator: data.sftGenerator ?? '', createdAt: Date.now(), samples: [...data.sft] } : undefined;
      await createRun(db, {
        id: runId,
        stage: req.stage,
        createdAt: Date.now(),
        status: 'running',
        config: { ...session.trainer.config },
        model: { ...m, flopsPerToken: flopsPerToken(m, 64) },
        parameters: parameterCount(m),
        initId: init?.id ?? null,
        step: 0,
        totalSteps: session.trainer.totalSteps,
        samples: session.trainer.samples,
        lastMetrics: null,
      }, sftSamples);
      return drive(db, session, ctx, req.pauseAfter);
    },
    async 'train.resume'(req, ctx) {
      const db = await studioDb();
      await sweepOrphanChunks(db);
      const current = await readCurrentCheckpoint(db, req.runId);
      if (!current) throw new UserFacingError('This run has no checkpoint to resume from.', 'Start a new run; a run is resumable once its first checkpoint is written.');
      const contents = decodeCheckpoint(current.bytes);
      // An uploaded checkpoint is stored under a run id of its own: its next checkpoints go there.
      contents.meta.runId = req.runId;
      // The clips of the embedder the run trained on (the pipeline's may have changed since).
      // An SFT run's own questions when stored (v4); a run without them (from before, or an
      // uploaded checkpoint) asks the generator again in the wording its checkpoint names, and the
      // checkpoint's `data.sft` fingerprint refuses other questions.
      const stored = contents.meta.config.stage === 'sft' ? await getRunSftSamples(db, req.runId) : undefined;
      const form = stored?.questionForm ?? contents.meta.data.sftQuestions ?? 'anchored';
      const data = await libraryData(db, contents.meta.config, ctx.signal, { model: contents.meta.model, ...(contents.meta.data.embedder !== undefined && { embedder: contents.meta.data.embedder }) }, stored ? { kind: 'stored', samples: stored.samples, form } : { kind: 'ask', form });
      const session = TrainSession.resume(contents, data, { ...(req.maxSteps !== undefined && { maxSteps: req.maxSteps }) });
      await truncateRunMetrics(db, req.runId, contents.meta.step);
      return drive(db, session, ctx, req.pauseAfter);
    },
  };
}
