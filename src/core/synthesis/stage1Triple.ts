// Stage 1 triples (docs/stage1.md, DESIGN.md §5): a kept attempt turned into a Triple — the
// composite's clips with the anchor at its balanced position, the filters it passed, its
// provenance — and the id and text normalisation that make duplicates recognisable.
//
// Must: a Triple is a pure function of the draft, its position and the settings; its id depends
// only on seed, anchor clip and normalised question, so the same seed gives byte-identical triples
// whatever the concurrency. Must: bump STAGE1_SYNTHESIS when the same inputs would give different
// triples.

import type { AnchoredQA, Generated, Provenance, SpecificityVerdict } from '../generators/types';
import { conversationalPrompt, TRIPLE_SCHEMA_VERSION, type TextProvenance, type Triple, type TripleClip } from '../triples/types';
import { seedFrom } from '../world/random';
import type { Settings, SynthClip } from './stage1Settings';

/** Recorded in provenance.synthesis; bump when the same inputs would give different triples. */
export const STAGE1_SYNTHESIS = 'stage1@1';

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

/** 64-bit id from two salted FNV-1a hashes of seed, anchor clip and normalised question. */
export function stage1TripleId(seed: number, anchorClipId: string, question: string): string {
  const q = normalizeText(question);
  const hex = (salt: string): string => seedFrom(salt, seed, anchorClipId, q).toString(16).padStart(8, '0');
  return `s1-${hex('stage1-id-a')}${hex('stage1-id-b')}`;
}

/** An attempt that passed every filter: what its Triple is built from. Indices are into the run's clips. */
export interface Draft {
  anchor: number;
  qa: Generated<AnchoredQA>;
  distractors: number[];
  maxSimilarity: number;
  replaced: number;
  rejected: Generated<string>;
  verdict?: Generated<SpecificityVerdict>;
}

function snake(p: Provenance): TextProvenance {
  return { generator: p.generator, model: p.model, prompt_id: p.promptId, prompt_version: p.promptVersion };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function tripleClip(c: SynthClip, role: TripleClip['role'], framesPerClip: number): TripleClip {
  return { id: c.id, video: c.videoId, video_name: c.videoName, start_s: c.startS, end_s: c.endS, frames: Math.min(framesPerClip, c.frameCount), role };
}

/** The Triple for `draft`, with its anchor inserted at composite slot `position`. */
export function buildTriple(run: { clips: readonly SynthClip[]; settings: Settings }, draft: Draft, position: number): Triple {
  const { clips, settings } = run;
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
