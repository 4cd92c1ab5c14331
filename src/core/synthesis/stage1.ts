// Stage 1 synthesis (DESIGN.md §1 Stage 1, issue #5): anchored questions on short clips, long
// composites of anchor + distractors, the visual-similarity and question-specificity filters, and
// balanced anchor positions. Pure TypeScript over clip metadata, a similarity source and a
// Generator; see docs/stage1.md for the method, every filter and the calibrated defaults.
//
// Must: the same clips, similarities, generator answers, params and seed give byte-identical
// triples, whatever the concurrency, batch size or generator latency (results are committed in
// attempt order; every random draw is seeded by the attempt, not by time). Must: a cancelled run
// rejects with an AbortError and returns nothing partial.

import { UserFacingError } from '../errors';
import { GeneratorUnavailableError, type AnchoredQA, type CancelSignal, type ClipRef, type Generated, type Generator, type Provenance, type SpecificityVerdict } from '../generators/types';
import { conversationalPrompt, TRIPLE_SCHEMA_VERSION, type TextProvenance, type Triple, type TripleClip } from '../triples/types';
import { mulberry32, seedFrom, type Rng } from '../world/random';
import { BalancedPositions, chiSquareUniform, type ChiSquareResult } from './positions';

/** Recorded in provenance.synthesis; bump when the same inputs would give different triples. */
export const STAGE1_SYNTHESIS = 'stage1@1';

/**
 * Cosine threshold above which a distractor counts as a look-alike of the anchor. The paper's 0.6
 * is for DINO; the default embedder's pooled ReLU features sit much higher (unrelated clips: median
 * 0.67), where 0.6 would reject 74% of candidates. 0.85 is the lowest threshold that rejects ≤ 1%
 * of other-video candidates, and it removes 84% of same-scene near-duplicates. Calibrated on the
 * demo world by bench/calibrate-stage1.bench.ts; see docs/stage1.md "Calibrating the threshold".
 * Recalibrate for any other embedder.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.85;

export const STAGE1_DEFAULTS = {
  frameBudget: 256,
  framesPerClip: 32,
  similarityThreshold: DEFAULT_SIMILARITY_THRESHOLD,
  specificityFilter: true,
  maxReplacementsPerSample: 16,
  /** Generator pipelines in flight at once (an endpoint is slow; the oracle does not care). */
  concurrency: 4,
  /** Attempts per similarity request (one matmul of [batch, d]·[d, n] in src/ml). */
  batchSize: 32,
  /** Same-video fallback only: seconds between an anchor and a distractor of its own video. */
  minSeparationS: 30,
} as const;

/** Paper: anchors of up to 64 frames at 1 fps. */
export const MAX_FRAMES_PER_CLIP = 64;

/** A clip that may serve as anchor or distractor. `frameCount` is at the sampling rate (1 fps by default). */
export interface SynthClip extends ClipRef {
  frameCount: number;
  caption?: string;
}

/** Cosine similarities of anchors to every clip; in the studio a matmul on the active backend. */
export interface SimilaritySource {
  /** Row r holds cos(clips[anchorIndices[r]], clips[j]) for every j, in `clips` order. */
  rows(anchorIndices: number[], signal?: CancelSignal): Promise<Float32Array[]>;
}

export type DiscardReason = 'no_dissimilar_distractor' | 'rejected_equals_chosen' | 'not_specific' | 'duplicate' | 'generator_unavailable';
export const DISCARD_REASONS: readonly DiscardReason[] = ['no_dissimilar_distractor', 'rejected_equals_chosen', 'not_specific', 'duplicate', 'generator_unavailable'];

export interface Stage1Progress {
  requested: number;
  produced: number;
  attempted: number;
  discarded: number;
  skippedAnchors: number;
}

export interface Stage1Params {
  seed: number;
  /** Triples wanted; fewer come out when the clips run dry (report.exhausted). */
  count: number;
  /** Embedder whose similarities `SimilaritySource` gives (recorded in filters.embedder). */
  embedder: string;
  frameBudget?: number;
  framesPerClip?: number;
  similarityThreshold?: number;
  specificityFilter?: boolean;
  /** Anchor-position histogram buckets; default one per composite slot. */
  positionBuckets?: number;
  maxReplacementsPerSample?: number;
  concurrency?: number;
  batchSize?: number;
  minSeparationS?: number;
  /** Time written to provenance.created_at (ISO 8601); pass it for reproducible output. */
  now?: string;
  onProgress?: (p: Stage1Progress) => void;
  signal?: CancelSignal;
}

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
  positionHistogram: number[];
  chiSquare: ChiSquareResult;
  timingsMs: { total: number; similarity: number };
}

export interface Stage1Result {
  triples: Triple[];
  report: Stage1Report;
}

export class Stage1ParamsError extends UserFacingError {
  override name = 'Stage1ParamsError';
}

interface Settings {
  seed: number;
  count: number;
  embedder: string;
  framesPerClip: number;
  slots: number;
  threshold: number;
  specificityFilter: boolean;
  buckets: number;
  maxReplacements: number;
  concurrency: number;
  batchSize: number;
  minSeparationS: number;
  createdAt: string;
}

function isInt(x: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(x) && x >= min && x <= max;
}

function resolveSettings(p: Stage1Params): Settings {
  const d = STAGE1_DEFAULTS;
  const frameBudget = p.frameBudget ?? d.frameBudget;
  const framesPerClip = p.framesPerClip ?? d.framesPerClip;
  const slots = Math.floor(frameBudget / framesPerClip);
  const threshold = p.similarityThreshold ?? d.similarityThreshold;
  const s: Settings = {
    seed: p.seed,
    count: p.count,
    embedder: p.embedder,
    framesPerClip,
    slots,
    threshold,
    specificityFilter: p.specificityFilter ?? d.specificityFilter,
    buckets: p.positionBuckets ?? slots,
    maxReplacements: p.maxReplacementsPerSample ?? d.maxReplacementsPerSample,
    concurrency: p.concurrency ?? d.concurrency,
    batchSize: p.batchSize ?? d.batchSize,
    minSeparationS: p.minSeparationS ?? d.minSeparationS,
    createdAt: p.now ?? new Date().toISOString(),
  };
  const problems = [
    !isInt(s.seed, -(2 ** 31), 2 ** 32) && `seed must be an integer (got ${s.seed})`,
    !isInt(s.count, 0) && `count must be a whole number (got ${s.count})`,
    !isInt(frameBudget, 1) && `frame budget must be a positive whole number (got ${frameBudget})`,
    !isInt(framesPerClip, 1, MAX_FRAMES_PER_CLIP) && `frames per clip must be a whole number in [1, ${MAX_FRAMES_PER_CLIP}] (got ${framesPerClip})`,
    isInt(frameBudget, 1) && isInt(framesPerClip, 1) && slots < 2 && `a frame budget of ${frameBudget} fits ${slots} clip(s) of ${framesPerClip} frames; a composite needs the anchor and at least one distractor`,
    !(threshold >= -1 && threshold <= 1) && `similarity threshold must be a cosine in [-1, 1] (got ${threshold})`,
    !isInt(s.buckets, 1, Math.max(1, slots)) && `position buckets must be a whole number in [1, ${slots}] (got ${s.buckets})`,
    !isInt(s.maxReplacements, 0) && `max replacements must be a whole number (got ${s.maxReplacements})`,
    !isInt(s.concurrency, 1) && `concurrency must be a positive whole number (got ${s.concurrency})`,
    !isInt(s.batchSize, 1) && `batch size must be a positive whole number (got ${s.batchSize})`,
    !(s.minSeparationS >= 0) && `minimum separation must be ≥ 0 s (got ${s.minSeparationS})`,
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length > 0) throw new Stage1ParamsError(`Stage 1 settings are invalid: ${problems.join('; ')}.`, 'Fix the Stage 1 settings and start again.');
  return s;
}

function checkClips(clips: readonly SynthClip[]): void {
  const ids = new Set<string>();
  for (const c of clips) {
    if (ids.has(c.id)) throw new Stage1ParamsError(`Clip id "${c.id}" appears twice.`, 'Each clip needs a unique id; re-segment the library.');
    ids.add(c.id);
    if (!isInt(c.frameCount, 0) || !(c.endS > c.startS)) {
      throw new Stage1ParamsError(`Clip "${c.id}" has ${c.frameCount} frames over [${c.startS}, ${c.endS}) s.`, 'Clips need a whole frame count and end after they start.');
    }
  }
}

/** Lower case, NFKC, punctuation and symbols to spaces, one leading article dropped. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:the|a|an) /, '');
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

// ---------------------------------------------------------------------------------------------
// Distractors

/** What every attempt shares: clips by video and the settings. Read-only during a run. */
interface Context {
  clips: readonly SynthClip[];
  settings: Settings;
  generator: Generator;
  signal?: CancelSignal;
  /** Dense video number of each clip. */
  videoOf: Int32Array;
  /** Usable clips (frameCount > 0) per video number. */
  usablePerVideo: Int32Array;
  usable: number;
  /** Keys of kept triples, as of the last commit. */
  keptKeys: ReadonlySet<string>;
}

type DistractorPick = { ok: true; distractors: number[]; maxSimilarity: number; replaced: number } | { ok: false; replaced: number };

/**
 * Distractors for `anchor`, drawn without replacement (lazy Fisher–Yates) from clips of other
 * videos — same-video clips may share scenes and recurring objects, so they could answer the
 * question — or, when other videos cannot fill the composite, also from non-overlapping clips of
 * the anchor's video at least minSeparationS away. A draw with cosine above the threshold is
 * replaced by the next one; more than maxReplacements replacements, or no candidates left,
 * discards the sample.
 */
function pickDistractors(ctx: Context, anchor: number, row: Float32Array, rng: Rng): DistractorPick {
  const { clips, settings } = ctx;
  const need = settings.slots - 1;
  const a = clips[anchor] as SynthClip;
  const v = ctx.videoOf[anchor] as number;
  const sameVideoFallback = ctx.usable - (ctx.usablePerVideo[v] as number) < need;
  const eligible = (j: number): boolean => {
    const c = clips[j] as SynthClip;
    if (j === anchor || c.frameCount === 0) return false;
    if (ctx.videoOf[j] !== v) return true;
    return sameVideoFallback && Math.max(c.startS - a.endS, a.startS - c.endS) >= settings.minSeparationS;
  };
  const order = new Int32Array(clips.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const distractors: number[] = [];
  let replaced = 0;
  let maxSimilarity = -1;
  for (let k = 0; k < order.length && distractors.length < need; k++) {
    const r = rng.int(k, order.length - 1);
    const j = order[r] as number;
    order[r] = order[k] as number;
    order[k] = j;
    if (!eligible(j)) continue;
    const similarity = row[j] as number;
    // NaN counts as too similar: an unknown similarity must not pass the filter.
    if (!(similarity <= settings.threshold)) {
      if (++replaced > settings.maxReplacements) return { ok: false, replaced };
      continue;
    }
    distractors.push(j);
    maxSimilarity = Math.max(maxSimilarity, similarity);
  }
  return distractors.length === need ? { ok: true, distractors, maxSimilarity, replaced } : { ok: false, replaced };
}

// ---------------------------------------------------------------------------------------------
// One attempt: question → distractors → rejected answer → specificity

interface Attempt {
  anchor: number;
  epoch: number;
}

interface Draft {
  anchor: number;
  qa: Generated<AnchoredQA>;
  distractors: number[];
  maxSimilarity: number;
  replaced: number;
  rejected: Generated<string>;
  verdict?: Generated<SpecificityVerdict>;
}

type Outcome = { kind: 'skipped' } | { kind: 'discarded'; key: string; reason: DiscardReason } | { kind: 'kept'; key: string; draft: Draft };

const keyOf = (clipId: string, question: string): string => `${clipId}\u241f${normalizeText(question)}`;

function clipRef(c: SynthClip): ClipRef {
  const ref: ClipRef = { id: c.id, videoId: c.videoId, videoName: c.videoName, startS: c.startS, endS: c.endS };
  if (c.loadFrames) ref.loadFrames = c.loadFrames;
  return ref;
}

async function runAttempt(ctx: Context, attempt: Attempt, row: Float32Array): Promise<Outcome> {
  const { clips, generator, signal, settings } = ctx;
  const anchorClip = clips[attempt.anchor] as SynthClip;
  let qa: Generated<AnchoredQA>;
  try {
    qa = await generator.anchoredQA({ clip: clipRef(anchorClip), ...(anchorClip.caption !== undefined && { caption: anchorClip.caption }) }, signal);
  } catch (e) {
    if (e instanceof GeneratorUnavailableError) return { kind: 'skipped' };
    throw e;
  }
  const key = keyOf(anchorClip.id, qa.value.question);
  // Already kept: the commit would call it a duplicate anyway, so save the generator calls.
  if (ctx.keptKeys.has(key)) return { kind: 'discarded', key, reason: 'duplicate' };
  const pick = pickDistractors(ctx, attempt.anchor, row, mulberry32(seedFrom('stage1-distractors', settings.seed, anchorClip.id, attempt.epoch)));
  if (!pick.ok) return { kind: 'discarded', key, reason: 'no_dissimilar_distractor' };
  const others = pick.distractors.map((j) => clips[j] as SynthClip);
  const captions = others.map((c) => c.caption);
  try {
    const question = qa.value.question;
    const rejected = await generator.answer(
      { question, clips: others.map(clipRef), ...(captions.every((c) => c !== undefined) && { captions: captions as string[] }) },
      signal,
    );
    if (normalizeText(rejected.value) === normalizeText(qa.value.answer)) return { kind: 'discarded', key, reason: 'rejected_equals_chosen' };
    const draft: Draft = { anchor: attempt.anchor, qa, rejected, ...pick };
    if (!settings.specificityFilter) return { kind: 'kept', key, draft };
    draft.verdict = await generator.judgeSpecificity({ question, anchor: clipRef(anchorClip), others: others.map(clipRef) }, signal);
    return draft.verdict.value.specific ? { kind: 'kept', key, draft } : { kind: 'discarded', key, reason: 'not_specific' };
  } catch (e) {
    if (e instanceof GeneratorUnavailableError) return { kind: 'discarded', key, reason: 'generator_unavailable' };
    throw e;
  }
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
// Triples

function snake(p: Provenance): TextProvenance {
  return { generator: p.generator, model: p.model, prompt_id: p.promptId, prompt_version: p.promptVersion };
}

/** 64-bit id from two salted FNV-1a hashes of seed, anchor clip and normalised question. */
export function stage1TripleId(seed: number, anchorClipId: string, question: string): string {
  const q = normalizeText(question);
  const hex = (salt: string): string => seedFrom(salt, seed, anchorClipId, q).toString(16).padStart(8, '0');
  return `s1-${hex('stage1-id-a')}${hex('stage1-id-b')}`;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function tripleClip(c: SynthClip, role: TripleClip['role'], framesPerClip: number): TripleClip {
  return { id: c.id, video: c.videoId, video_name: c.videoName, start_s: c.startS, end_s: c.endS, frames: Math.min(framesPerClip, c.frameCount), role };
}

function buildTriple(ctx: Context, draft: Draft, position: number): Triple {
  const { clips, settings } = ctx;
  const order = [...draft.distractors];
  order.splice(position, 0, draft.anchor);
  const tripleClips = order.map((j) => tripleClip(clips[j] as SynthClip, j === draft.anchor ? 'anchor' : 'distractor', settings.framesPerClip));
  const anchorClip = clips[draft.anchor] as SynthClip;
  const { question, answer, taskType } = draft.qa.value;
  const texts: Record<string, TextProvenance> = { question: snake(draft.qa.provenance), chosen: snake(draft.qa.provenance), rejected: snake(draft.rejected.provenance) };
  if (draft.verdict) texts.judge = snake(draft.verdict.provenance);
  const v = draft.verdict?.value;
  return {
    id: stage1TripleId(settings.seed, anchorClip.id, question),
    stage: 1,
    task_type: taskType,
    video: tripleClips.map((c) => c.id),
    clips: tripleClips,
    anchor_index: position,
    question,
    chosen: answer,
    rejected: draft.rejected.value,
    rejected_strategy: 'distractor_answer',
    prompt: conversationalPrompt(question),
    filters: {
      max_distractor_similarity: round6(draft.maxSimilarity),
      similarity_threshold: settings.threshold,
      replaced_distractors: draft.replaced,
      embedder: settings.embedder,
      ...(v && { specificity: { specific: v.specific, answerable_by: v.answerableBy, reason: v.reason } }),
    },
    provenance: {
      generator: draft.qa.provenance.generator,
      model: draft.qa.provenance.model,
      prompt_id: draft.qa.provenance.promptId,
      prompt_version: draft.qa.provenance.promptVersion,
      seed: settings.seed,
      schema_version: TRIPLE_SCHEMA_VERSION,
      synthesis: STAGE1_SYNTHESIS,
      created_at: settings.createdAt,
      texts,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run

function contextOf(clips: readonly SynthClip[], generator: Generator, settings: Settings, keptKeys: ReadonlySet<string>, signal?: CancelSignal): Context {
  const videoNumbers = new Map<string, number>();
  const videoOf = Int32Array.from(clips, (c) => {
    if (!videoNumbers.has(c.videoId)) videoNumbers.set(c.videoId, videoNumbers.size);
    return videoNumbers.get(c.videoId) as number;
  });
  const usablePerVideo = new Int32Array(videoNumbers.size);
  clips.forEach((c, i) => c.frameCount > 0 && (usablePerVideo[videoOf[i] as number]! += 1));
  const usable = clips.filter((c) => c.frameCount > 0).length;
  return { clips, settings, generator, ...(signal && { signal }), videoOf, usablePerVideo, usable, keptKeys };
}

/** Mutable tallies of a run, updated only by `commit` (in attempt order). */
interface Tally {
  triples: Triple[];
  keptKeys: Set<string>;
  unservable: Set<string>;
  discarded: Record<DiscardReason, number>;
  attempted: number;
  replaced: number;
}

function commit(ctx: Context, tally: Tally, positions: BalancedPositions, attempts: readonly Attempt[], outcomes: readonly Outcome[]): void {
  for (const [i, outcome] of outcomes.entries()) {
    if (tally.triples.length >= ctx.settings.count) return;
    tally.attempted++;
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
  const tally: Tally = { triples: [], keptKeys: new Set(), unservable: new Set(), discarded: Object.fromEntries(DISCARD_REASONS.map((r) => [r, 0])) as Record<DiscardReason, number>, attempted: 0, replaced: 0 };
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
    const anchors = clips.flatMap((c, i) => (c.frameCount > 0 && !tally.unservable.has(c.id) ? [i] : []));
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
      positionHistogram: [...positions.histogram],
      chiSquare: chiSquareUniform(positions.histogram),
      timingsMs: { total: Date.now() - started, similarity: similarityMs },
    },
  };
}

function checkedRow(row: Float32Array | undefined, n: number): Float32Array {
  if (!row || row.length !== n) throw new RangeError(`similarity source returned a row of ${row?.length ?? 0} values for ${n} clips`);
  return row;
}
