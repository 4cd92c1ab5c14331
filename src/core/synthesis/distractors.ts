// Stage 1 distractors (docs/stage1.md): the similarity source, the clips numbered by video, and
// the seeded draw of distractors for one anchor through the visual-similarity filter.
//
// Must: the draw depends only on the clips, the anchor's similarity row, the settings and the rng
// it is given (seeded per attempt by the caller), never on time, concurrency or batch size, so the
// same seed gives the same distractors. Must: a similarity that is not ≤ the threshold (NaN
// included) never passes the filter.

import type { CancelSignal } from '../generators/types';
import type { Rng } from '../world/random';
import type { Settings, SynthClip } from './stage1Settings';

/** Cosine similarities of anchors to every clip; in the studio a matmul on the active backend. */
export interface SimilaritySource {
  /** Row r holds cos(clips[anchorIndices[r]], clips[j]) for every j, in `clips` order. */
  rows(anchorIndices: number[], signal?: CancelSignal): Promise<Float32Array[]>;
}

/** The clips of a run numbered by video, with the settings. Read-only during a run. */
export interface ClipPool {
  clips: readonly SynthClip[];
  settings: Settings;
  /** Dense video number of each clip. */
  videoOf: Int32Array;
  /** Usable clips (frameCount > 0) per video number. */
  usablePerVideo: Int32Array;
  usable: number;
}

export function clipPoolOf(clips: readonly SynthClip[], settings: Settings): ClipPool {
  const videoNumbers = new Map<string, number>();
  const videoOf = Int32Array.from(clips, (c) => {
    if (!videoNumbers.has(c.videoId)) videoNumbers.set(c.videoId, videoNumbers.size);
    return videoNumbers.get(c.videoId) as number;
  });
  const usablePerVideo = new Int32Array(videoNumbers.size);
  clips.forEach((c, i) => c.frameCount > 0 && (usablePerVideo[videoOf[i] as number]! += 1));
  const usable = clips.filter((c) => c.frameCount > 0).length;
  return { clips, settings, videoOf, usablePerVideo, usable };
}

export type DistractorPick = { ok: true; distractors: number[]; maxSimilarity: number; replaced: number } | { ok: false; replaced: number };

/**
 * Distractors for `anchor`, drawn without replacement (lazy Fisher–Yates) from clips of other
 * videos — same-video clips may share scenes and recurring objects, so they could answer the
 * question — or, when other videos cannot fill the composite, also from non-overlapping clips of
 * the anchor's video at least minSeparationS away. A draw with cosine above the threshold is
 * replaced by the next one; more than maxReplacements replacements, or no candidates left,
 * discards the sample.
 */
export function pickDistractors(pool: ClipPool, anchor: number, row: Float32Array, rng: Rng): DistractorPick {
  const { clips, settings } = pool;
  const need = settings.slots - 1;
  const a = clips[anchor] as SynthClip;
  const v = pool.videoOf[anchor] as number;
  const sameVideoFallback = pool.usable - (pool.usablePerVideo[v] as number) < need;
  const eligible = (j: number): boolean => {
    const c = clips[j] as SynthClip;
    if (j === anchor || c.frameCount === 0) return false;
    if (pool.videoOf[j] !== v) return true;
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

/** `row` if it has one similarity per clip; a SimilaritySource that breaks its contract throws. */
export function checkedRow(row: Float32Array | undefined, n: number): Float32Array {
  if (!row || row.length !== n) throw new RangeError(`similarity source returned a row of ${row?.length ?? 0} values for ${n} clips`);
  return row;
}
