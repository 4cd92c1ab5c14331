// Evaluation in the compute worker (issue #13): the held-out probe on a checkpoint. The held-out
// world (another seed than the library's demo) is built, rendered and embedded here with the
// library's embedder (Settings → Import pipeline) — never imported into the library, so no
// training run can see its clips — and cached in IndexedDB for the next evaluation. Results are stored on the run record.
import { clipMismatch } from '../core/train/config';
import { perItem, type PerItem } from '../core/eval/compare';
import { UserFacingError } from '../core/errors';
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { summarise, type ProbeSummary } from '../core/eval/aggregate';
import { buildProbe, PROBE_DEFAULTS, PROBE_VERSION, type ProbeItem, type ProbeReport } from '../core/eval/probe';
import { sameFormStage2Triples, STAGE2_PROBE_SYNTHESIS, stage2ProbeItems, summariseStage2, worldStage2Videos, type Stage2ContextSummary, type Stage2ProbeItem } from '../core/eval/stage2Probe';
import { builtinChoiceOf, DEFAULT_PIPELINE, embedderId, embedderLabel, inputSizeOf, tokensOfEmbedderId, type EmbedderChoice } from '../core/pipeline';
import { synthesizeStage2 } from '../core/synthesis/stage2';
import { decodeCheckpoint } from '../core/train/checkpointFile';
import { WordTokenizer } from '../core/train/tokenizer';
import { buildWorld, createOracleGenerator } from '../core/world';
import * as tf from '@tensorflow/tfjs-core';
import type { Embedder } from '../ml/embedder';
import { DEFAULT_EMBEDDER_SPEC } from '../ml/embedder';
import { multipleChoice } from '../ml/eval/multipleChoice';
import { shownInputs } from '../ml/policy/inputs';
import { TensorSimilaritySource } from '../ml/similaritySource';
import { embedWorld } from '../ml/worldEmbeddings';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { getRun, putRun, readCheckpoint, readCurrentCheckpoint } from '../storage/trainingRepo';
import type { Handlers } from './rpc';

export interface EvalRequest {
  runId: string;
  /** A checkpoint of the run; default its current one. */
  checkpointId?: string;
  heldOutSeed: number;
  size: DemoSize;
  lengths: number[];
  maxAnchors?: number;
  questionsPerClip?: number;
  /** The embedder of the held-out clips: the one the run's clips were made with (default: the default embedder). */
  embedder?: EmbedderChoice;
  /** The question-only baseline: the same items scored with every clip vector zeroed (stored as the run's blindEvaluation). */
  blind?: boolean;
  /**
   * The same items scored with only the anchor's vector zeroed, distractors and positions kept
   * (stored as the run's anchorHiddenEvaluation; no Stage 2 probe): what reading the anchor adds.
   */
  hideAnchor?: boolean;
}

/** One probe item as the page shows it: the composite, the candidates with their scores, the pick. */
export interface EvaluatedItem extends ProbeItem {
  scores: number[];
  correctSum: boolean;
  correctMean: boolean;
}

export interface EvalResult {
  runId: string;
  checkpointId: string;
  heldOutSeed: number;
  size: DemoSize;
  /** Id of the embedder of the held-out clips (absent in results stored before the choice existed: the default). */
  embedderId?: string;
  /** Scored with every clip vector zeroed (the question-only baseline). */
  blind?: boolean;
  /** Scored with only each item's anchor zeroed (distractors kept). */
  anchorHidden?: boolean;
  /** Anchor clips the probe sampled at most (absent in results stored before the choice existed: PROBE_DEFAULTS.maxAnchors). */
  maxAnchors?: number;
  /** PROBE_VERSION of the items (absent in results stored before version 2). */
  probeVersion?: number;
  summed: ProbeSummary;
  lengthNormalised: ProbeSummary;
  report: ProbeReport;
  items: EvaluatedItem[];
  /**
   * The Stage 2 probe: the held-out world's Stage 2 triples (its long videos, oracle queries),
   * each a choice between the correct and the degraded-context answer (chance 0.5), with the whole
   * video and with only the cited scenes as context; null when the world has no long video.
   */
  stage2: Record<'full' | 'cited', Stage2ContextSummary> | null;
  /** The Stage 2 probe scored per token (mean log-probability): longer candidates are not penalised (absent in results stored before it). */
  stage2LengthNormalised?: Record<'full' | 'cited', Stage2ContextSummary> | null;
  /** The Stage 2 probe's per-item results, for paired comparisons (absent in results stored before them). */
  stage2PerItem?: PerItem | null;
  /**
   * The same queries with wrong answers of the correct answer's form (a guess from the degraded
   * context), which only looking tells apart: summed and per-token accuracy and per-item results;
   * null without a long video or with the anchor hidden; absent in results stored before it.
   */
  stage2SameForm?: SameFormResult | null;
  seconds: number;
  at: number;
}

export interface SameFormResult {
  summed: Record<'full' | 'cited', Stage2ContextSummary>;
  lengthNormalised: Record<'full' | 'cited', Stage2ContextSummary>;
  perItem: PerItem;
}

export type EvalProtocol = {
  'eval.probe': { req: EvalRequest; res: EvalResult };
};


export function createEvalHandlers(embedder: (choice: EmbedderChoice) => Promise<Embedder>): Handlers<EvalProtocol> {
  return {
    async 'eval.probe'(req, { signal, progress }) {
      const t0 = Date.now();
      if (req.blind && req.hideAnchor) throw new UserFacingError('An evaluation hides every clip (blind) or only the anchor, not both.', 'Evaluate once blind and once with the anchor hidden.');
      const db = await studioDb();
      const demo = await getSetting(db, 'demoWorld');
      if (demo && demo.config.seed === req.heldOutSeed) throw new UserFacingError(`Seed ${req.heldOutSeed} is the library's demo world: its clips were trained on.`, 'Choose another held-out seed (e.g. the demo seed + 1000).');
      if ((await getSetting(db, 'extraDemoWorlds')).some((w) => w.config.seed === req.heldOutSeed)) throw new UserFacingError(`Seed ${req.heldOutSeed} is one of the library's training worlds: its clips were trained on.`, 'Choose another held-out seed (e.g. the demo seed + 1000).');
      const current = req.checkpointId !== undefined ? { id: req.checkpointId, bytes: await readCheckpoint(db, req.checkpointId) } : await readCurrentCheckpoint(db, req.runId);
      if (!current?.bytes) throw new UserFacingError('This run has no checkpoint to evaluate.', 'Train it until its first checkpoint, or choose another run.');
      const { meta, weights } = decodeCheckpoint(current.bytes);
      // The held-out clips must be the run's embedder's: the one its checkpoint names (runs from
      // before it did: the request's, the Library's import setting).
      const requested = req.embedder ?? DEFAULT_PIPELINE.embedder;
      const trained = meta.data.embedder;
      const choice = trained === undefined || trained === embedderId(requested) ? requested : builtinChoiceOf(trained);
      if (!choice)
        throw new UserFacingError(
          `This run trained on clips of the custom model ${trained ?? ''}, and Library → Import settings now names another embedder.`,
          'Choose that custom model again in Library → Import settings, then evaluate.',
        );
      const s = Math.min(DEFAULT_EMBEDDER_SPEC.inputSize, inputSizeOf(choice));
      const world = buildWorld({ ...DEMO_SIZES[req.size].config, seed: req.heldOutSeed, width: s, height: Math.round((s * 3) / 4) });
      // Held-out clips and scenes: cached per (seed, size); embedding the full world takes minutes
      // on wasm. A cache from before the Stage 2 probe (no scenes) is embedded again.
      const wantedId = embedderId(choice);
      const tokens = tokensOfEmbedderId(wantedId);
      const mismatch = (dim: number) => clipMismatch(meta.model, { dim, tokens });
      const refuse = (why: string) =>
        new UserFacingError(`${why} (the held-out world is embedded with the ${embedderLabel(choice)}, Settings → Import pipeline).`, 'Choose the embedder this run was trained with in Library → Import settings, then evaluate again.');
      let cached = await getSetting(db, 'heldOutWorld');
      if (!cached || cached.seed !== req.heldOutSeed || cached.size !== req.size || !cached.scenes || (cached.embedderId ?? DEFAULT_EMBEDDER_SPEC.id) !== wantedId) {
        // Checked before minutes of embedding: the embedder's size is known once it is loaded.
        const e = await embedder(choice);
        const before = mismatch(e.dim);
        if (before) throw refuse(before);
        const sceneOptions = { threshold: DEFAULT_PIPELINE.sceneThreshold, minSceneS: DEFAULT_PIPELINE.minSceneS };
        const embedded = await embedWorld(world, e, { fps: 1, clipS: 8, scenes: sceneOptions, signal, onProgress: (p) => progress({ done: p.framesDone, total: p.framesTotal, label: 'embedding the held-out world' }) });
        cached = { seed: req.heldOutSeed, size: req.size, embedderId: wantedId, clips: embedded.clips, scenes: embedded.scenes };
        await setSetting(db, 'heldOutWorld', cached);
      }
      const after = mismatch(cached.clips[0]?.embedding.length ?? meta.model.visualDim);
      if (after) throw refuse(after);
      const scenes = cached.scenes ?? [];
      const clips = cached.clips.map((c) => ({ id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS, frameCount: c.frameCount }));
      const settings = { ...PROBE_DEFAULTS, lengths: req.lengths, embedder: wantedId, ...(req.maxAnchors !== undefined && { maxAnchors: req.maxAnchors }), ...(req.questionsPerClip !== undefined && { questionsPerClip: req.questionsPerClip }) };
      progress({ done: 0, total: 1, label: 'building the probe' });
      const similarity = TensorSimilaritySource.fromRows(cached.clips.map((c) => c.embedding));
      let probe;
      try {
        probe = await buildProbe(clips, similarity, createOracleGenerator(world), settings, signal);
      } finally {
        similarity.dispose();
      }
      // The Stage 2 probe's items: the held-out world's Stage 2 triples (as `longvpo demo` makes them).
      // (Not with the anchor hidden: its items have no anchor.)
      const vectors = new Map([...cached.clips, ...scenes].map((c) => [c.id, c.embedding]));
      let stage2Items: Stage2ProbeItem[] = [];
      // The same queries with wrong answers of the correct answer's form (docs/evaluation.md, "The same-form Stage 2 probe").
      let sameFormItems: Stage2ProbeItem[] = [];
      if (!req.hideAnchor) {
        progress({ done: 0, total: 1, label: 'building the Stage 2 probe' });
        const videos = worldStage2Videos(world, scenes);
        const stage2Data = await synthesizeStage2(videos, createOracleGenerator(world), { seed: req.heldOutSeed, ...STAGE2_PROBE_SYNTHESIS, signal });
        const seen = (it: Stage2ProbeItem): boolean => it.clips.every((c) => vectors.has(c));
        stage2Items = stage2ProbeItems(stage2Data.triples).filter(seen);
        sameFormItems = stage2ProbeItems(await sameFormStage2Triples(world, videos, req.heldOutSeed, signal)).filter(seen);
      }
      progress({ done: 0, total: probe.items.length + stage2Items.length + sameFormItems.length, label: 'scoring' });
      const params = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
      // Blind or anchor hidden: the same items, of which the policy is shown less (the page still
      // shows the real composites).
      const seeing = { dim: meta.model.visualDim, tokens, vector: (id: string) => vectors.get(id) };
      const shown = shownInputs(probe.items, seeing, req.blind ? 'blind' : req.hideAnchor ? 'anchor-hidden' : 'seeing');
      const source = shown.source;
      const tokenizer = WordTokenizer.fromJson(meta.tokenizer);
      let scored;
      let scored2;
      let scoredSame;
      try {
        scored = await multipleChoice(params, meta.model, source, tokenizer, shown.items, { batchSize: 64, signal });
        scored2 = stage2Items.length > 0 ? await multipleChoice(params, meta.model, source, tokenizer, stage2Items, { batchSize: 32, signal }) : null;
        scoredSame = sameFormItems.length > 0 ? await multipleChoice(params, meta.model, source, tokenizer, sameFormItems, { batchSize: 32, signal }) : null;
      } finally {
        tf.dispose(Object.values(params));
      }
      const items: EvaluatedItem[] = probe.items.map((it, i) => ({ ...it, scores: scored.scores[i] ?? [], correctSum: it.candidates[scored.chosenSum[i] as number] === it.answer, correctMean: it.candidates[scored.chosenMean[i] as number] === it.answer }));
      const result: EvalResult = {
        runId: req.runId,
        checkpointId: current.id,
        heldOutSeed: req.heldOutSeed,
        size: req.size,
        embedderId: wantedId,
        ...(req.blind && { blind: true }),
        ...(req.hideAnchor && { anchorHidden: true }),
        probeVersion: PROBE_VERSION,
        maxAnchors: settings.maxAnchors,
        summed: summarise(probe.items, items.map((i) => i.correctSum), 'sum', settings.positions),
        lengthNormalised: summarise(probe.items, items.map((i) => i.correctMean), 'mean', settings.positions),
        report: probe.report,
        items,
        stage2: scored2 ? summariseStage2(stage2Items, scored2.chosenSum) : null,
        stage2LengthNormalised: scored2 ? summariseStage2(stage2Items, scored2.chosenMean) : null,
        stage2PerItem: scored2 ? perItem(stage2Items, stage2Items.map((it) => it.context), stage2Items.map((_, i) => scored2.chosenSum[i] === 0)) : null,
        stage2SameForm: scoredSame
          ? { summed: summariseStage2(sameFormItems, scoredSame.chosenSum), lengthNormalised: summariseStage2(sameFormItems, scoredSame.chosenMean), perItem: perItem(sameFormItems, sameFormItems.map((it) => it.context), sameFormItems.map((_, i) => scoredSame.chosenSum[i] === 0)) }
          : null,
        seconds: (Date.now() - t0) / 1000,
        at: Date.now(),
      };
      const run = await getRun(db, req.runId);
      if (run) await putRun(db, { ...run, [req.blind ? 'blindEvaluation' : req.hideAnchor ? 'anchorHiddenEvaluation' : 'evaluation']: result as unknown as Record<string, unknown> });
      return result;
    },
  };
}
