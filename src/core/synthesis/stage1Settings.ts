// Stage 1 settings (docs/stage1.md): the calibrated defaults, the caller's params, their
// resolution into the Settings one run reads, and the checks on params and input clips.
//
// Must: resolving is pure — the same params give the same Settings (only `now` defaults to the
// clock, and it reaches nothing but provenance.created_at), so a seed alone fixes the output.
// Must: every invalid value is reported before any work starts, as one Stage1ParamsError that
// lists all of them; concurrency and batch size are checked here but never change the triples.

import { UserFacingError } from '../errors';
import type { CancelSignal, ClipRef } from '../generators/types';

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
  /** Clips that may not be anchors (e.g. reserved for single-clip SFT); they still serve as distractors. */
  excludedAnchors?: ReadonlySet<string>;
  /** Time written to provenance.created_at (ISO 8601); pass it for reproducible output. */
  now?: string;
  onProgress?: (p: Stage1Progress) => void;
  signal?: CancelSignal;
}

export class Stage1ParamsError extends UserFacingError {
  override name = 'Stage1ParamsError';
}

/** Stage1Params with every default filled in and checked; what the rest of a run reads. */
export interface Settings {
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
  excludedAnchors: ReadonlySet<string>;
  createdAt: string;
}

function isInt(x: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(x) && x >= min && x <= max;
}

export function resolveSettings(p: Stage1Params): Settings {
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
    excludedAnchors: p.excludedAnchors ?? new Set(),
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

export function checkClips(clips: readonly SynthClip[]): void {
  const ids = new Set<string>();
  for (const c of clips) {
    if (ids.has(c.id)) throw new Stage1ParamsError(`Clip id "${c.id}" appears twice.`, 'Each clip needs a unique id; re-segment the library.');
    ids.add(c.id);
    if (!isInt(c.frameCount, 0) || !(c.endS > c.startS)) {
      throw new Stage1ParamsError(`Clip "${c.id}" has ${c.frameCount} frames over [${c.startS}, ${c.endS}) s.`, 'Clips need a whole frame count and end after they start.');
    }
  }
}
