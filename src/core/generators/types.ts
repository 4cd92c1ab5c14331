// The generator contract (issue #4, DESIGN.md §2 "Generators"): who writes captions, anchored
// questions, answers and cross-scene queries. Three implementations share it: the demo world's
// oracle (src/core/world), imported annotations (src/core/generators/imported.ts) and an
// OpenAI-compatible endpoint (src/net). Nothing in this file may depend on a browser.

import { UserFacingError } from '../errors';
import type { DegradedAnswers } from '../world/stage2';

/** Minimal cancellation handle: structurally satisfied by the DOM/Node `AbortSignal`. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener?(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener?(type: 'abort', listener: () => void): void;
}

/** A clip (or scene) of an imported video, as the generators see it. Times in seconds. */
export interface ClipRef {
  /** Stable clip id (e.g. `${videoId}:${startS}-${endS}`). */
  id: string;
  /** Content-hash id of the source video in the library. */
  videoId: string;
  /** The source file's name, e.g. `world-s42-v003.webm` (the oracle resolves demo clips by it). */
  videoName: string;
  startS: number;
  endS: number;
  /** Frames of the clip as data URLs (`image/jpeg`), loaded lazily: only vision roles call it. */
  loadFrames?: () => Promise<string[]>;
}

/** Who produced a text: recorded on every generated item (issue #4, DESIGN.md §5 `provenance`). */
export interface Provenance {
  generator: 'oracle' | 'endpoint' | 'imported';
  /** Model name for the endpoint; `world-v<N>` for the oracle; the file name for imports. */
  model: string;
  /** Prompt id and version (`caption@1`); for the oracle and imports, the template/format id. */
  promptId: string;
  promptVersion: number;
}

export interface Generated<T> {
  value: T;
  provenance: Provenance;
}

/** Stage 1 task types (DESIGN.md §5 `task_type`). */
export type Stage1TaskType = 'anchored_qa' | 'detail';
/** Stage 2 task types seen in the paper (DESIGN.md §1, Stage 2 step 2). */
export type Stage2TaskType = 'temporal_order' | 'cross_scene_association' | 'visual_semantic' | 'detail' | 'counting';

export interface AnchoredQA {
  question: string;
  /** The preferred answer y+ (answerable only from the anchor clip). */
  answer: string;
  taskType: Stage1TaskType;
  /** Question family, e.g. `colour`, `shape`, `direction`, `count`, `relative_position`, `presence`. */
  family: string;
  /**
   * The answers the question itself offers, when it lists them ("Which of these appears: a …, a …
   * or a …?" → the three and "none of them"); `answer` is one of them. The held-out probe uses
   * them as the candidates, so that the correct one is not the only candidate the question names.
   */
  choices?: string[];
  /**
   * The same question without what ties it to the anchor among other clips (the demo oracle: its
   * scene's background), when the anchor alone still answers it the same: single-clip SFT can ask
   * it too, so the words alone do not give the answer away (docs/training.md).
   */
  clipOnlyQuestion?: string;
}

export interface SceneCaption {
  /** 0-based scene index within the long video, in order. */
  index: number;
  caption: string;
}

export interface CrossSceneQuery {
  question: string;
  /** Answer grounded in the cited scenes (y+). */
  answer: string;
  /** Relevance chain: text that cites scenes as "Scene #k" (1-based, as shown to the LLM). */
  reasoning: string;
  /** 0-based indices of the scenes the reasoning cites. */
  citedScenes: number[];
  taskType: Stage2TaskType;
}

export interface SpecificityVerdict {
  /** True when only the anchor clip can answer the question. */
  specific: boolean;
  /** Ids of other clips judged able to answer it. */
  answerableBy: string[];
  reason: string;
}

export interface CaptionRequest {
  clip: ClipRef;
  /** Recursive captioning (Stage 2): captions of the preceding scenes, in order. */
  previousCaptions?: string[];
}

export interface AnchoredQARequest {
  clip: ClipRef;
  caption?: string;
  variant?: number;
  /** Also write `AnchoredQA.clipOnlyQuestion` where the generator can (single-clip SFT asks; Stage 1 and the probe do not). */
  clipOnly?: boolean;
}

export interface AnswerRequest {
  question: string;
  /** The clips the answerer may look at (e.g. the distractors only, for a Stage 1 y-). */
  clips: ClipRef[];
  /** Captions of those clips when known (same order as `clips`). */
  captions?: string[];
  /**
   * Stage 2: the clips are scenes of one long video and these are their 1-based numbers
   * ("Scene #k", same order as `clips`): the answerer sees only those scenes (the cited ones for
   * y+, a degraded context for y−) and refers to them by their numbers in the video.
   */
  sceneNumbers?: number[];
}

export interface CrossSceneQueryRequest {
  /** The long video's scenes, in order ("Scene #k" is `video[k - 1]`). */
  video: ClipRef[];
  captions: SceneCaption[];
  /** 0 is the video's first query; 1, 2, … ask for another one (Stage 2 asks again per video). */
  variant?: number;
}

export interface Generator {
  /** Short id shown in the UI and written to provenance. */
  readonly kind: Provenance['generator'];
  readonly label: string;
  /**
   * How this generator writes a degraded-context answer (the Stage 2 y−), when it is a choice (the
   * demo-world oracle's; docs/stage2.md, "Guessed y−"); absent: honest. Stage 2 ids follow it.
   */
  readonly degraded?: DegradedAnswers;
  caption(req: CaptionRequest, signal?: CancelSignal): Promise<Generated<string>>;
  /**
   * `variant` 0 is the clip's first question; 1, 2, … ask for another one (Stage 1 passes over its
   * anchors again with the next variant). A generator with one question per clip may repeat it.
   */
  anchoredQA(req: AnchoredQARequest, signal?: CancelSignal): Promise<Generated<AnchoredQA>>;
  answer(req: AnswerRequest, signal?: CancelSignal): Promise<Generated<string>>;
  crossSceneQuery(req: CrossSceneQueryRequest, signal?: CancelSignal): Promise<Generated<CrossSceneQuery>>;
  judgeSpecificity(
    req: { question: string; anchor: ClipRef; others: ClipRef[] },
    signal?: CancelSignal,
  ): Promise<Generated<SpecificityVerdict>>;
}

/** Thrown when a generator cannot serve a role (e.g. imported annotations without QA for a clip). */
export class GeneratorUnavailableError extends UserFacingError {
  override name = 'GeneratorUnavailableError';
}

/**
 * Thrown when a generator replied but the reply cannot be used (not parseable, fields missing or
 * out of range). Synthesis counts it as a discard with its reason instead of failing the run.
 */
export class GeneratorReplyError extends UserFacingError {
  override name = 'GeneratorReplyError';
}
