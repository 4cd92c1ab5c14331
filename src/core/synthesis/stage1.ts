// Stage 1 synthesis (DESIGN.md §1 Stage 1, issue #5): anchored questions on short clips, long
// composites of anchor + distractors, the visual-similarity and question-specificity filters, and
// balanced anchor positions. Pure TypeScript over clip metadata, a similarity source and a
// Generator; see docs/stage1.md for the method, every filter and the calibrated defaults.
//
// This file is the run: anchors pass after pass, similarity rows per window, attempts in flight,
// commits in attempt order, the report. The parts live beside it — stage1Settings.ts (params,
// defaults, checks), distractors.ts (candidate draw and similarity filter), stage1Attempt.ts (one
// attempt through the generator), stage1Triple.ts (Triple, provenance, id) — and are re-exported
// here, the module the rest of the app imports.
//
// Must: the same clips, similarities, generator answers, params and seed give byte-identical
// triples, whatever the concurrency, batch size or generator latency (results are committed in
// attempt order; every random draw is seeded by the attempt, not by time). Must: a cancelled run
// rejects with an AbortError and returns nothing partial.

import type { CancelSignal, Generator } from '../generators/types';
import type { Triple } from '../triples/types';
import { mulberry32, seedFrom } from '../world/random';
import { checkedRow, type SimilaritySource } from './distractors';
import { BalancedPositions, chiSquareUniform, type ChiSquareResult } from './positions';
import { contextOf, DISCARD_REASONS, runAttempt, type Attempt, type Context, type DiscardReason, type Outcome } from './stage1Attempt';
import { checkClips, resolveSettings, type Stage1Params, type SynthClip } from './stage1Settings';
import { buildTriple } from './stage1Triple';

export { DEFAULT_SIMILARITY_THRESHOLD, MAX_FRAMES_PER_CLIP, STAGE1_DEFAULTS, Stage1ParamsError, type Stage1Params, type Stage1Progress, type SynthClip } from './stage1Settings';
export type { SimilaritySource } from './distractors';
export { DISCARD_REASONS, type DiscardReason } from './stage1Attempt';
export { normalizeText, STAGE1_SYNTHESIS, stage1TripleId } from './stage1Triple';

export interface Stage1Report {
  requested: number;
  produced: number;
  attempted: number;
  /** True when every anchor was tried and a whole pass over them added nothing new. */
  exhausted: boolean;
  /** Composite length in clips: floor(frameBudget / framesPerClip). */
  slots: number;
  similarityThreshold: number;
  discarded: Record<DiscardReason, number>;
  /** Distractors replaced for being too similar to the anchor, over the kept triples. */
  replacedDistractors: number;
  /** Distinct clips the generator could not write a question for. */
  skippedAnchors: number;
  /** The first thing the generator could not do (e.g. no frames, no QA for a clip), in attempt order. */
  firstGeneratorProblem: string | null;
  positionHistogram: number[];
  chiSquare: ChiSquareResult;
  timingsMs: { total: number; similarity: number };
}

export interface Stage1Result {
  triples: Triple[];
  report: Stage1Report;
}

function abortError(signal: CancelSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error('Stage 1 synthesis was cancelled.');
  error.name = 'AbortError';
  return error;
}

function throwIfAborted(signal?: CancelSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The run

/** Mutable tallies of a run, updated only by `commit` (in attempt order). */
interface Tally {
  triples: Triple[];
  keptKeys: Set<string>;
  unservable: Set<string>;
  discarded: Record<DiscardReason, number>;
  attempted: number;
  replaced: number;
  firstProblem: string | null;
}

function commit(ctx: Context, tally: Tally, positions: BalancedPositions, attempts: readonly Attempt[], outcomes: readonly Outcome[]): void {
  for (const [i, outcome] of outcomes.entries()) {
    if (tally.triples.length >= ctx.settings.count) return;
    tally.attempted++;
    if (outcome.kind !== 'kept' && outcome.problem !== undefined) tally.firstProblem ??= outcome.problem;
    if (outcome.kind === 'skipped') tally.unservable.add((ctx.clips[(attempts[i] as Attempt).anchor] as SynthClip).id);
    else if (tally.keptKeys.has(outcome.key)) tally.discarded.duplicate++;
    else if (outcome.kind === 'discarded') tally.discarded[outcome.reason]++;
    else {
      tally.keptKeys.add(outcome.key);
      tally.replaced += outcome.draft.replaced;
      tally.triples.push(buildTriple(ctx, outcome.draft, positions.next()));
    }
  }
}

/**
 * Synthesizes up to `params.count` Stage 1 triples. Anchors are taken in a seeded shuffled order,
 * pass after pass (each pass reshuffles and redraws distractors), until enough triples are kept or
 * a whole pass keeps none.
 */
export async function synthesizeStage1(clips: readonly SynthClip[], similarity: SimilaritySource, generator: Generator, params: Stage1Params): Promise<Stage1Result> {
  const started = Date.now();
  const settings = resolveSettings(params);
  checkClips(clips);
  const { signal } = params;
  const tally: Tally = { triples: [], keptKeys: new Set(), unservable: new Set(), discarded: Object.fromEntries(DISCARD_REASONS.map((r) => [r, 0])) as Record<DiscardReason, number>, attempted: 0, replaced: 0, firstProblem: null };
  const ctx = contextOf(clips, generator, settings, tally.keptKeys, signal);
  const positions = new BalancedPositions(mulberry32(seedFrom('stage1-positions', settings.seed)), settings.slots, settings.buckets);
  let similarityMs = 0;
  let exhausted = false;
  const progress = (): void =>
    params.onProgress?.({
      requested: settings.count,
      produced: tally.triples.length,
      attempted: tally.attempted,
      discarded: DISCARD_REASONS.reduce((s, r) => s + tally.discarded[r], 0),
      skippedAnchors: tally.unservable.size,
    });

  for (let epoch = 0; tally.triples.length < settings.count; epoch++) {
    const anchors = clips.flatMap((c, i) => (c.frameCount > 0 && !tally.unservable.has(c.id) && !settings.excludedAnchors.has(c.id) ? [i] : []));
    mulberry32(seedFrom('stage1-anchors', settings.seed, epoch)).shuffle(anchors);
    const before = tally.triples.length;
    for (let start = 0; start < anchors.length && tally.triples.length < settings.count; ) {
      throwIfAborted(signal);
      // Window size never changes the output (commits are in order); it only bounds wasted calls.
      const size = Math.min(settings.batchSize, Math.max(settings.concurrency, settings.count - tally.triples.length));
      const attempts = anchors.slice(start, start + size).map((anchor) => ({ anchor, epoch }));
      start += attempts.length;
      const t0 = Date.now();
      const rows = await similarity.rows(
        attempts.map((a) => a.anchor),
        signal,
      );
      similarityMs += Date.now() - t0;
      throwIfAborted(signal);
      const outcomes = await mapLimit(attempts, settings.concurrency, (attempt, i) => runAttempt(ctx, attempt, checkedRow(rows[i], clips.length)));
      throwIfAborted(signal);
      commit(ctx, tally, positions, attempts, outcomes);
      progress();
    }
    if (tally.triples.length === before && tally.triples.length < settings.count) {
      exhausted = true;
      break;
    }
  }

  return {
    triples: tally.triples,
    report: {
      requested: settings.count,
      produced: tally.triples.length,
      attempted: tally.attempted,
      exhausted,
      slots: settings.slots,
      similarityThreshold: settings.threshold,
      discarded: tally.discarded,
      replacedDistractors: tally.replaced,
      skippedAnchors: tally.unservable.size,
      firstGeneratorProblem: tally.firstProblem,
      positionHistogram: [...positions.histogram],
      chiSquare: chiSquareUniform(positions.histogram),
      timingsMs: { total: Date.now() - started, similarity: similarityMs },
    },
  };
}
