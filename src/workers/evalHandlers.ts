// Evaluation in the compute worker (issue #13): the held-out probe on a checkpoint. The held-out
// world (another seed than the library's demo) is built, rendered and embedded here with the
// default embedder — never imported into the library, so no training run can see its clips —
// and cached in IndexedDB for the next evaluation. Results are stored on the run record.
import { UserFacingError } from '../core/errors';
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { summarise, type ProbeSummary } from '../core/eval/aggregate';
import { buildProbe, PROBE_DEFAULTS, type ProbeItem, type ProbeReport } from '../core/eval/probe';
import { decodeCheckpoint } from '../core/train/checkpointFile';
import { WordTokenizer } from '../core/train/tokenizer';
import { buildWorld, createOracleGenerator } from '../core/world';
import * as tf from '@tensorflow/tfjs-core';
import type { Embedder } from '../ml/embedder';
import { DEFAULT_EMBEDDER_SPEC } from '../ml/embedder';
import { multipleChoice } from '../ml/eval/multipleChoice';
import { TensorSimilaritySource } from '../ml/similaritySource';
import { embedWorldClips } from '../ml/worldEmbeddings';
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
  summed: ProbeSummary;
  lengthNormalised: ProbeSummary;
  report: ProbeReport;
  items: EvaluatedItem[];
  seconds: number;
  at: number;
}

export type EvalProtocol = {
  'eval.probe': { req: EvalRequest; res: EvalResult };
};

export function createEvalHandlers(embedder: () => Promise<Embedder>): Handlers<EvalProtocol> {
  return {
    async 'eval.probe'(req, { signal, progress }) {
      const t0 = Date.now();
      const db = await studioDb();
      const demo = await getSetting(db, 'demoWorld');
      if (demo && demo.config.seed === req.heldOutSeed) throw new UserFacingError(`Seed ${req.heldOutSeed} is the library's demo world: its clips were trained on.`, 'Choose another held-out seed (e.g. the demo seed + 1000).');
      const current = req.checkpointId !== undefined ? { id: req.checkpointId, bytes: await readCheckpoint(db, req.checkpointId) } : await readCurrentCheckpoint(db, req.runId);
      if (!current?.bytes) throw new UserFacingError('This run has no checkpoint to evaluate.', 'Train it until its first checkpoint, or choose another run.');
      const { meta, weights } = decodeCheckpoint(current.bytes);
      const s = DEFAULT_EMBEDDER_SPEC.inputSize;
      const world = buildWorld({ ...DEMO_SIZES[req.size].config, seed: req.heldOutSeed, width: s, height: (s * 3) / 4 });
      // Held-out clips: cached per (seed, size); embedding the full world takes minutes on wasm.
      let cached = await getSetting(db, 'heldOutWorld');
      if (!cached || cached.seed !== req.heldOutSeed || cached.size !== req.size) {
        const e = await embedder();
        if (e.dim !== meta.model.visualDim) throw new UserFacingError(`The run takes ${meta.model.visualDim}-d clip embeddings; the default embedder gives ${e.dim}-d.`, 'Evaluate runs trained on the default embedder’s clips.');
        const clips = await embedWorldClips(world, e, { fps: 1, clipS: 8, signal, onProgress: (p) => progress({ done: p.framesDone, total: p.framesTotal, label: 'embedding the held-out world' }) });
        cached = { seed: req.heldOutSeed, size: req.size, clips };
        await setSetting(db, 'heldOutWorld', cached);
      }
      const clips = cached.clips.map((c) => ({ id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS, frameCount: c.frameCount }));
      const settings = { ...PROBE_DEFAULTS, lengths: req.lengths, embedder: 'default', ...(req.maxAnchors !== undefined && { maxAnchors: req.maxAnchors }), ...(req.questionsPerClip !== undefined && { questionsPerClip: req.questionsPerClip }) };
      progress({ done: 0, total: 1, label: 'building the probe' });
      const similarity = TensorSimilaritySource.fromRows(cached.clips.map((c) => c.embedding));
      let probe;
      try {
        probe = await buildProbe(clips, similarity, createOracleGenerator(world), settings, signal);
      } finally {
        similarity.dispose();
      }
      progress({ done: 0, total: probe.items.length, label: 'scoring' });
      const vectors = new Map(cached.clips.map((c) => [c.id, c.embedding]));
      const params = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
      let scored;
      try {
        scored = await multipleChoice(params, meta.model, { dim: meta.model.visualDim, vector: (id) => vectors.get(id) }, WordTokenizer.fromJson(meta.tokenizer), probe.items, { batchSize: 64, signal });
      } finally {
        tf.dispose(Object.values(params));
      }
      const items: EvaluatedItem[] = probe.items.map((it, i) => ({ ...it, scores: scored.scores[i] ?? [], correctSum: it.candidates[scored.chosenSum[i] as number] === it.answer, correctMean: it.candidates[scored.chosenMean[i] as number] === it.answer }));
      const result: EvalResult = {
        runId: req.runId,
        checkpointId: current.id,
        heldOutSeed: req.heldOutSeed,
        size: req.size,
        summed: summarise(probe.items, items.map((i) => i.correctSum), 'sum', settings.positions),
        lengthNormalised: summarise(probe.items, items.map((i) => i.correctMean), 'mean', settings.positions),
        report: probe.report,
        items,
        seconds: (Date.now() - t0) / 1000,
        at: Date.now(),
      };
      const run = await getRun(db, req.runId);
      if (run) await putRun(db, { ...run, evaluation: result as unknown as Record<string, unknown> });
      return result;
    },
  };
}
