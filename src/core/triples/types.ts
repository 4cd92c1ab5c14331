// The studio's triple format, version 1 (issue #5, DESIGN.md §5): one JSON object per line of a
// `.jsonl` export, snake_case as written to disk. `schemas/triple.v1.schema.json` is the published
// JSON Schema of exactly this shape; every import is validated against it. Nothing here may depend
// on a browser or on tfjs.
//
// Must: never change a field's meaning within a schema version. A new field that old readers may
// ignore is fine; anything else bumps TRIPLE_SCHEMA_VERSION and gets a migration on import.

export const TRIPLE_SCHEMA_VERSION = 1;

export type ClipRole = 'anchor' | 'distractor' | 'scene';

export type RejectedStrategy = 'distractor_answer' | 'partial_evidence' | 'irrelevance';

/** One clip of the composite long input, in playback order. */
export interface TripleClip {
  /** Clip id, stable across exports (`clips.jsonl` of the CLI uses the same ids). */
  id: string;
  /** Source video id (content hash in the studio). */
  video: string;
  /** Source file name, e.g. `world-s42-v003.webm`; what a trainer resolves to a file. */
  video_name: string;
  start_s: number;
  end_s: number;
  /** Frames of this clip in the composite (sampled at the synthesis frame rate). */
  frames: number;
  role: ClipRole;
}

/** TRL conversational message parts (DESIGN.md §1 "Conventions"). */
export type ContentPart = { type: 'video' } | { type: 'image' } | { type: 'text'; text: string };
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ContentPart[];
}

export interface SpecificityRecord {
  /** True when the judge found only the anchor able to answer. */
  specific: boolean;
  /** Clip ids judged able to answer too. */
  answerable_by: string[];
  reason: string;
}

/** Measured filter values (DESIGN.md §5 `filters`): what the filters saw, not just that they passed. */
export interface TripleFilters {
  /** Stage 1: highest cosine similarity of a kept distractor to the anchor. */
  max_distractor_similarity?: number;
  /** Stage 1: the visual-similarity threshold in force. */
  similarity_threshold?: number;
  /** Stage 1: distractors replaced because they were too similar to the anchor. */
  replaced_distractors?: number;
  /** Embedder whose similarities were used (model id). */
  embedder?: string;
  /** Question-specificity verdict; absent when that filter was off. */
  specificity?: SpecificityRecord;
  /**
   * Stage 2: the degraded context the rejected answer was given (0-based indices into `clips`):
   * a strict non-empty subset of `relevant_clips` for `partial_evidence`, none of them for
   * `irrelevance`.
   */
  rejected_context?: number[];
}

/** Who produced one text. Mirrors core/generators `Provenance`, snake_case. */
export interface TextProvenance {
  generator: 'oracle' | 'endpoint' | 'imported';
  model: string;
  prompt_id: string;
  prompt_version: number;
}

export interface TripleProvenance {
  /** Generator of the question (the headline; per-text detail in `texts`). */
  generator: TextProvenance['generator'];
  model: string;
  prompt_id: string;
  prompt_version: number;
  seed: number;
  schema_version: number;
  /** Synthesis code that built the sample, e.g. `stage1@1`. */
  synthesis: string;
  /** ISO 8601 time the sample was made. */
  created_at: string;
  /** Per text: `question`, `chosen`, `rejected`, `caption`, `judge`, … */
  texts?: Record<string, TextProvenance>;
}

/** Stage 2: one scene's caption as the query writer read it, and who wrote it. */
export interface SceneCaptionEntry extends TextProvenance {
  text: string;
  /** True when a person edited the generator's caption (the provenance is the generator's). */
  edited?: boolean;
}

export interface Triple {
  id: string;
  stage: 1 | 2;
  /** `anchored_qa`, `detail` (Stage 1); `temporal_order`, `cross_scene_association`, `visual_semantic`, `detail`, `counting` (Stage 2). */
  task_type: string;
  /** Ordered clip ids that make the long input (same order as `clips`). */
  video: string[];
  clips: TripleClip[];
  /** Stage 1: index of the anchor in `clips`. */
  anchor_index?: number;
  /** Stage 2: indices (into `clips`) of the scenes the relevance chain cites. */
  relevant_clips?: number[];
  question: string;
  chosen: string;
  rejected: string;
  rejected_strategy: RejectedStrategy;
  /** TRL conversational prompt: one user message, a video part then the question. */
  prompt: ChatMessage[];
  filters: TripleFilters;
  /** Stage 2: the relevance chain citing scenes as "Scene #k". */
  reasoning?: string;
  /** Stage 2: the recursive caption of every clip (same order as `clips`), with its provenance. */
  scene_captions?: SceneCaptionEntry[];
  ref_chosen_logps?: number;
  ref_rejected_logps?: number;
  provenance: TripleProvenance;
}

/** The prompt every triple carries: the composite video, then the question (TRL conversational). */
export function conversationalPrompt(question: string): ChatMessage[] {
  return [{ role: 'user', content: [{ type: 'video' }, { type: 'text', text: question }] }];
}
