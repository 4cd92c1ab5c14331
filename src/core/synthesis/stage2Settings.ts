// Stage 2 settings (docs/stage2.md): the videos and scenes a run reads, its params, their defaults
// and the checks on both.
//
// Must: resolving is pure — the same params give the same Settings (only `now` defaults to the
// clock, and it reaches nothing but provenance.created_at). Must: every invalid value is reported
// before any work starts, as one Stage2ParamsError listing all of them.

import { UserFacingError } from '../errors';
import type { CancelSignal, ClipRef, Provenance } from '../generators/types';
import type { DegradedAnswers } from '../world/stage2';

export const STAGE2_DEFAULTS = {
  /** Share of rejected answers made by partial evidence; the rest by irrelevance. */
  partialEvidenceShare: 0.5,
  /** Frames each scene contributes to the long input (the trainer samples them evenly). */
  framesPerScene: 16,
  /** Only videos at least this long are Stage 2 material ("ultra-long" in the paper; issue #10: ≥ 2 min). */
  minVideoS: 120,
  /** Query variants asked per video at most. */
  maxQueriesPerVideo: 64,
  /** A video is retired after this many attempts in a row that add nothing new (duplicate or unavailable). */
  patience: 6,
  concurrency: 4,
} as const;

export const MAX_FRAMES_PER_SCENE = 64;

/** A scene of a long video (a `ClipRef` with its frame count at the sampling rate). */
export interface Stage2Scene extends ClipRef {
  frameCount: number;
}

/** One scene's caption and who wrote it. */
export interface SceneCaptionRecord {
  text: string;
  provenance: Provenance;
  /** A person changed the generator's text. */
  edited?: boolean;
  /** An earlier caption of the video changed after this one was written: re-caption from there. */
  stale?: boolean;
}

export interface Stage2Video {
  videoId: string;
  videoName: string;
  durationS: number;
  /** In playback order; "Scene #k" is `scenes[k - 1]`. */
  scenes: Stage2Scene[];
  /** Captions by scene index (missing ones are written by the run, recursively). */
  captions?: (SceneCaptionRecord | undefined)[];
}

export type Stage2Phase = 'caption' | 'query';

export interface Stage2Progress {
  phase: Stage2Phase;
  /** caption: scenes captioned / to caption; query: triples kept / requested. */
  done: number;
  total: number;
  attempted: number;
  discarded: number;
}

export interface Stage2Params {
  seed: number;
  /** Triples wanted; fewer come out when the videos run dry (report.exhausted). */
  count: number;
  partialEvidenceShare?: number;
  framesPerScene?: number;
  minVideoS?: number;
  maxQueriesPerVideo?: number;
  patience?: number;
  concurrency?: number;
  /** ISO 8601 for provenance.created_at; pass it for reproducible output. */
  now?: string;
  onProgress?: (p: Stage2Progress) => void;
  signal?: CancelSignal;
}

export class Stage2ParamsError extends UserFacingError {
  override name = 'Stage2ParamsError';
}

export interface Stage2Settings {
  seed: number;
  count: number;
  partialShare: number;
  framesPerScene: number;
  minVideoS: number;
  maxQueries: number;
  patience: number;
  concurrency: number;
  /**
   * The generator's `degraded` (honest unless it guesses): guessed triples get ids of their own,
   * so guessed and honest triples of one seed never take each other's place.
   */
  rejectedForm: DegradedAnswers;
  createdAt: string;
}

const isInt = (x: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(x) && x >= min && x <= max;

/** `rejectedForm`: the generator's `degraded` (its ids depend on it). */
export function resolveStage2Settings(p: Stage2Params, rejectedForm: DegradedAnswers = 'honest'): Stage2Settings {
  const d = STAGE2_DEFAULTS;
  const s: Stage2Settings = {
    seed: p.seed,
    count: p.count,
    partialShare: p.partialEvidenceShare ?? d.partialEvidenceShare,
    framesPerScene: p.framesPerScene ?? d.framesPerScene,
    minVideoS: p.minVideoS ?? d.minVideoS,
    maxQueries: p.maxQueriesPerVideo ?? d.maxQueriesPerVideo,
    patience: p.patience ?? d.patience,
    concurrency: p.concurrency ?? d.concurrency,
    rejectedForm,
    createdAt: p.now ?? new Date().toISOString(),
  };
  const problems = [
    !isInt(s.seed, -(2 ** 31), 2 ** 32) && `seed must be an integer (got ${s.seed})`,
    !isInt(s.count, 0) && `count must be a whole number (got ${s.count})`,
    !(s.partialShare >= 0 && s.partialShare <= 1) && `the partial-evidence share must be in [0, 1] (got ${s.partialShare})`,
    !isInt(s.framesPerScene, 1, MAX_FRAMES_PER_SCENE) && `frames per scene must be a whole number in [1, ${MAX_FRAMES_PER_SCENE}] (got ${s.framesPerScene})`,
    !(s.minVideoS >= 0) && `the minimum video length must be ≥ 0 s (got ${s.minVideoS})`,
    !isInt(s.maxQueries, 1) && `queries per video must be a positive whole number (got ${s.maxQueries})`,
    !isInt(s.patience, 1) && `patience must be a positive whole number (got ${s.patience})`,
    !isInt(s.concurrency, 1) && `concurrency must be a positive whole number (got ${s.concurrency})`,
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length > 0) throw new Stage2ParamsError(`Stage 2 settings are invalid: ${problems.join('; ')}.`, 'Fix the Stage 2 settings and start again.');
  return s;
}

/** Scenes must be unique, in order, non-overlapping and inside the video. */
export function checkVideos(videos: readonly Stage2Video[]): void {
  const ids = new Set<string>();
  for (const v of videos) {
    let end = 0;
    for (const [k, s] of v.scenes.entries()) {
      const where = `Scene #${k + 1} of ${v.videoName}`;
      if (ids.has(s.id)) throw new Stage2ParamsError(`${where} has the id "${s.id}" of another scene.`, 'Each scene needs a unique id; re-segment the video.');
      ids.add(s.id);
      if (!isInt(s.frameCount, 0) || !(s.endS > s.startS) || s.startS < end - 1e-6) {
        throw new Stage2ParamsError(`${where} spans [${s.startS}, ${s.endS}) s with ${s.frameCount} frames, after a scene ending at ${end} s.`, 'Scenes need a whole frame count, must end after they start and may not overlap.');
      }
      end = s.endS;
    }
  }
}
